"""The pemda's reports: the OPD ranking with its scored components (`evaluation.ranking`, read
from the dashboard's figures) and the realisation summary with the quarterly financial predicate
(the `keuangan_triwulan_n` category schemes, data; docs/domain.md §9)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from pantau.evaluation.categories import kategori_for
from pantau.evaluation.progress import total
from pantau.evaluation.ranking import COMPONENTS, LABELS
from pantau.monitoring.models import BULAN
from pantau.reports.tables import BILANGAN, PERSEN, RUPIAH, TEKS, Baris, Kolom, Tabel

SKEMA_TRIWULAN = "keuangan_triwulan_%d"


def peringkat(*, dashboard, ta, bulan: int, dasar_label: str) -> Tabel:
    skor_grup = _("Komponen yang dinilai (%)")
    kolom = [
        Kolom("peringkat", _("Peringkat"), BILANGAN, lebar=10),
        Kolom("kode", _("Kode OPD"), TEKS, lebar=24),
        Kolom("uraian", _("Perangkat Daerah"), TEKS, lebar=40),
    ]
    bobot = dashboard.bobot
    for name in COMPONENTS:
        label = f"{str(LABELS[name]).capitalize()} ({_('bobot')} {getattr(bobot, name)})"
        kolom.append(Kolom(name, label, PERSEN, skor_grup, 14))
    kolom += [
        Kolom("skor", _("Skor"), PERSEN, lebar=10),
        Kolom("keterangan", _("Keterangan"), TEKS, lebar=34),
    ]
    baris = []
    for row in dashboard.opd_rows:
        cells: dict[str, object] = {"kode": row.opd.kode, "uraian": row.opd.nama}
        gaps: dict[str, str] = {}
        notes = []
        if not row.opd.aktif:
            notes.append(_("OPD dinonaktifkan"))
        if row.skor is None:
            gaps = {k.key: _("tidak ada sub kegiatan") for k in kolom[3:-1]}
            gaps["peringkat"] = _("tidak diperingkat")
        else:
            cells["peringkat"] = row.skor.peringkat
            if row.skor.peringkat is None:
                gaps["peringkat"] = _("tidak diperingkat")
            for k in row.skor.rincian:
                cells[k.nama] = k.dinilai
                if k.dinilai is None:
                    gaps[k.nama] = _("tidak terdefinisi")
            cells["skor"] = row.skor.nilai
            if row.skor.nilai is None:
                gaps["skor"] = _("tidak terdefinisi")
            if row.skor.catatan:
                notes.append(_("tanpa %(k)s") % {"k": row.skor.catatan_label})
        cells["keterangan"] = "; ".join(notes)
        baris.append(Baris(cells, "sub", gaps))
    if not baris:
        baris.append(Baris({"uraian": _("Tidak ada OPD pada periode ini.")}, "kosong"))
    return Tabel(
        jenis="peringkat",
        judul=[
            _("PERINGKAT PERANGKAT DAERAH"),
            dashboard.pemda.nama,
            _("Keadaan s.d. akhir %(bulan)s %(tahun)s, angka %(dasar)s")
            % {"bulan": BULAN[bulan - 1], "tahun": ta.tahun, "dasar": dasar_label},
        ],
        kolom=kolom,
        baris=baris,
        catatan=[
            _(
                "Skor = Σ (komponen × bobot) / Σ bobot atas komponen yang terdefinisi; tiap "
                "komponen dibulatkan 2 desimal dan dibatasi 0–100 (keputusan 0011)."
            )
        ],
        grafik=[
            (r.opd.singkatan or r.opd.kode, r.progress.fisik, r.progress.persen_keuangan)
            for r in dashboard.opd_rows
            if r.progress.jumlah_sub
        ],
        grafik_judul=(_("Fisik (%)"), _("Keuangan (%)")),
        nama_berkas=f"peringkat-opd-{ta.tahun}-{bulan:02d}",
        besar=True,
    )


def _predikat(value: Decimal | None, triwulan: int) -> str | None:
    found = kategori_for(value, SKEMA_TRIWULAN % triwulan)
    return None if found is None else found.label


def ringkasan(*, pemda, ta, triwulan: int, dasar_label: str, items) -> Tabel:
    """One row per OPD (opd, Progress or None) cumulative to the quarter's last month."""
    kolom = [
        Kolom("no", _("No."), BILANGAN, lebar=5),
        Kolom("kode", _("Kode OPD"), TEKS, lebar=24),
        Kolom("uraian", _("Perangkat Daerah"), TEKS, lebar=40),
        Kolom("pagu", _("Pagu (Rp)"), RUPIAH, lebar=18),
        Kolom("realisasi", _("Realisasi (Rp)"), RUPIAH, _("Keuangan"), 18),
        Kolom("keuangan", _("Realisasi (%)"), PERSEN, _("Keuangan"), 11),
        Kolom("predikat", _("Predikat TW %(tw)d") % {"tw": triwulan}, TEKS, _("Keuangan"), 14),
        Kolom("fisik", _("Realisasi fisik (%)"), PERSEN, lebar=12),
        Kolom("sisa", _("Sisa anggaran (Rp)"), RUPIAH, lebar=18),
        Kolom("keterangan", _("Keterangan"), TEKS, lebar=28),
    ]
    baris = []
    for no, (opd, p) in enumerate(items, start=1):
        cells: dict[str, object] = {"no": no, "kode": opd.kode, "uraian": opd.nama}
        notes = [] if opd.aktif else [_("OPD dinonaktifkan")]
        if p is None or not p.jumlah_sub:
            gaps = {k.key: _("tidak ada sub kegiatan") for k in kolom[3:-1]}
            cells["keterangan"] = "; ".join(notes)
            baris.append(Baris(cells, "sub", gaps))
            continue
        cells.update(
            pagu=p.pagu,
            realisasi=p.realisasi,
            keuangan=p.persen_keuangan,
            predikat=_predikat(p.persen_keuangan, triwulan),
            fisik=p.fisik,
            sisa=p.sisa,
            keterangan="; ".join(notes),
        )
        gaps = {}
        if not p.pagu:
            gaps = {"keuangan": _("pagu nol"), "predikat": _("pagu nol"), "fisik": _("pagu nol")}
        baris.append(Baris(cells, "sub", gaps))
    grand = total(p for _o, p in items if p is not None)
    t = {
        "uraian": _("Jumlah pemda"),
        "pagu": grand.pagu,
        "realisasi": grand.realisasi,
        "keuangan": grand.persen_keuangan,
        "predikat": _predikat(grand.persen_keuangan, triwulan),
        "fisik": grand.fisik,
        "sisa": grand.sisa,
    }
    gaps = {"no": "", "kode": "", "keterangan": ""}
    if not grand.pagu:
        gaps |= {k: _("tidak ada data") for k in ("keuangan", "predikat", "fisik")}
    baris.append(Baris(t, "total", gaps))
    bulan = triwulan * 3
    return Tabel(
        jenis="ringkasan",
        judul=[
            _("RINGKASAN REALISASI ANGGARAN PEMERINTAH DAERAH"),
            pemda.nama,
            _("Triwulan %(tw)d (kumulatif s.d. akhir %(bulan)s %(tahun)s), angka %(dasar)s")
            % {"tw": triwulan, "bulan": BULAN[bulan - 1], "tahun": ta.tahun, "dasar": dasar_label},
        ],
        kolom=kolom,
        baris=baris,
        catatan=[
            _(
                "Predikat realisasi keuangan kumulatif per triwulan: ambang dari data kategori "
                "keuangan_triwulan_%(tw)d (docs/domain.md §9, belum diverifikasi, dapat diubah)."
            )
            % {"tw": triwulan}
        ],
        ringkasan=[
            (_("Pagu pemda"), grand.pagu, RUPIAH),
            (_("Realisasi keuangan"), grand.persen_keuangan, PERSEN),
            (_("Predikat"), _predikat(grand.persen_keuangan, triwulan), TEKS),
        ],
        grafik=[(o.singkatan or o.kode, p.fisik, p.persen_keuangan) for o, p in items if p],
        grafik_judul=(_("Fisik (%)"), _("Keuangan (%)")),
        nama_berkas=f"ringkasan-realisasi-{ta.tahun}-tw{triwulan}",
        besar=True,
    )
