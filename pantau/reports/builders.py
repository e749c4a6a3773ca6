"""The report tables (issue 14 §3), built from the roll-up rows the dashboards read, on the
verified basis by default, with the same figures (`evaluation.progress`): never recomputed
another way. Scope and classification are applied by the callers in `selectors.py`.

Every gap is a word in its cell (`Baris.kosong`): no plan, pagu zero, not reported, no sub
kegiatan, no data for the period."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from pantau.evaluation.progress import Progress, from_sub_row, total
from pantau.monitoring.models import BULAN
from pantau.reports.tables import BILANGAN, PERSEN, POIN, RUPIAH, TEKS, Baris, Kolom, Tabel

HUNDRED = Decimal(100)


def _pct(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return part * HUNDRED / whole


def _periode(ta, bulan: int, dasar_label: str) -> str:
    return _("Keadaan s.d. akhir %(bulan)s %(tahun)s, angka %(dasar)s") % {
        "bulan": BULAN[bulan - 1],
        "tahun": ta.tahun,
        "dasar": dasar_label,
    }


def _lokasi(sub) -> str:
    parts = [w.nama for w in (sub.kecamatan, sub.desa) if w is not None]
    return ", ".join(parts)


def form_b_kolom() -> list[Kolom]:
    fisik, uang = _("Fisik"), _("Keuangan")
    return [
        Kolom("no", _("No."), BILANGAN, lebar=5),
        Kolom("kode", _("Kode"), TEKS, lebar=20),
        Kolom("uraian", _("Program / Kegiatan / Sub Kegiatan"), TEKS, lebar=36),
        Kolom("pagu", _("Pagu (Rp)"), RUPIAH, lebar=18),
        Kolom("bobot", _("Bobot (%)"), PERSEN, lebar=10),
        Kolom("target_fisik", _("Target (%)"), PERSEN, fisik, 10),
        Kolom("fisik", _("Realisasi (%)"), PERSEN, fisik, 11),
        Kolom("ttb_fisik", _("Tertimbang (%)"), PERSEN, fisik, 11),
        Kolom("target_kas", _("Target (Rp)"), RUPIAH, uang, 18),
        Kolom("target_kas_pct", _("Target (%)"), PERSEN, uang, 10),
        Kolom("realisasi", _("Realisasi (Rp)"), RUPIAH, uang, 18),
        Kolom("keuangan", _("Realisasi (%)"), PERSEN, uang, 11),
        Kolom("ttb_keuangan", _("Tertimbang (%)"), PERSEN, uang, 11),
        Kolom("lokasi", _("Lokasi"), TEKS, lebar=16),
        Kolom("sisa", _("Sisa anggaran (Rp)"), RUPIAH, lebar=18),
        Kolom("keterangan", _("Keterangan"), TEKS, lebar=24),
    ]


def _sub_baris(no: int, sub, row, pagu_opd: Decimal) -> tuple[Baris, Progress]:
    """One sub kegiatan: the roll-up row's figures; bobot against the OPD's Σ pagu."""
    cells: dict[str, object] = {"no": no, "kode": sub.kode, "uraian": sub.nama}
    cells["lokasi"] = _lokasi(sub) or None
    gaps: dict[str, str] = {}
    notes: list[str] = []
    if row is None:
        progress = Progress(jumlah_sub=1)
        for key in ("pagu", "bobot", "target_fisik", "fisik", "ttb_fisik", "target_kas"):
            gaps[key] = _("belum ada data")
        for key in ("target_kas_pct", "realisasi", "keuangan", "ttb_keuangan", "sisa"):
            gaps[key] = _("belum ada data")
        notes.append(_("belum ada ringkasan untuk bulan ini"))
        return Baris(cells, "sub", gaps | {"lokasi": _("tidak dicatat")}), progress
    progress = from_sub_row(row)
    bobot = _pct(row.pagu, pagu_opd) if row.pagu else None  # pagu nol: no weight to speak of
    cells.update(
        pagu=row.pagu,
        bobot=bobot,
        target_fisik=row.target_fisik,
        fisik=row.fisik,
        ttb_fisik=None if bobot is None else row.fisik * bobot / HUNDRED,
        target_kas=row.rencana_kas if row.target_fisik is not None else None,
        target_kas_pct=_pct(row.rencana_kas, row.pagu) if row.target_fisik is not None else None,
        realisasi=row.realisasi,
        keuangan=_pct(row.realisasi, row.pagu),
        sisa=row.pagu - row.realisasi,
    )
    keu = cells["keuangan"]
    cells["ttb_keuangan"] = None if bobot is None or keu is None else keu * bobot / HUNDRED
    if not row.pagu:
        for key in ("bobot", "ttb_fisik", "keuangan", "ttb_keuangan", "target_kas_pct"):
            gaps[key] = _("pagu nol")
        notes.append(_("pagu nol: bobot dan persentase tidak terdefinisi"))
    if row.target_fisik is None:
        for key in ("target_fisik", "target_kas", "target_kas_pct"):
            gaps[key] = _("tanpa rencana")
        notes.append(_("tanpa rencana bulanan"))
    if not row.dilaporkan:
        notes.append(_("belum melapor bulan ini (angka laporan terakhir)"))
    if row.melebihi_pagu:
        notes.append(_("realisasi melebihi pagu"))
    if cells["lokasi"] is None:
        gaps["lokasi"] = _("tidak dicatat")
    cells["keterangan"] = "; ".join(notes)
    return Baris(cells, "sub", gaps), progress


def _induk_baris(tingkat: str, obj, p: Progress, pagu_opd: Decimal) -> Baris:
    bobot = _pct(p.pagu, pagu_opd)
    cells = {
        "kode": obj.kode,
        "uraian": obj.nama,
        "pagu": p.pagu,
        "bobot": bobot,
        "ttb_fisik": None if bobot is None or p.fisik is None else p.fisik * bobot / HUNDRED,
        "realisasi": p.realisasi,
        "ttb_keuangan": None
        if bobot is None or p.persen_keuangan is None
        else p.persen_keuangan * bobot / HUNDRED,
        "sisa": p.sisa,
    }
    gaps = dict.fromkeys(("no", "target_fisik", "fisik", "target_kas", "target_kas_pct"), "")
    gaps |= dict.fromkeys(("keuangan", "lokasi", "keterangan"), "")
    if bobot is None:
        gaps |= {"bobot": _("pagu nol"), "ttb_fisik": _("pagu nol"), "ttb_keuangan": _("pagu nol")}
    return Baris(cells, tingkat, gaps)


def _total_baris(p: Progress, label: str) -> Baris:
    cells = {
        "uraian": label,
        "pagu": p.pagu,
        "bobot": HUNDRED if p.pagu else None,
        "target_fisik": p.target_fisik,
        "fisik": p.fisik,
        "ttb_fisik": p.fisik,  # Σ TTB_fisik_i = fisik OPD (domain.md §7)
        "target_kas": p.rencana_kas if p.pagu_rencana else None,
        "target_kas_pct": p.persen_rencana_kas,
        "realisasi": p.realisasi,
        "keuangan": p.persen_keuangan,
        "ttb_keuangan": p.persen_keuangan,  # = Σ realisasi / Σ pagu × 100
        "sisa": p.sisa,
    }
    gaps = {"no": "", "kode": "", "lokasi": "", "keterangan": ""}
    if not p.pagu:
        for key in ("bobot", "fisik", "ttb_fisik", "keuangan", "ttb_keuangan"):
            gaps[key] = _("pagu nol") if p.jumlah_sub else _("tidak ada sub kegiatan")
    if not p.pagu_rencana:
        for key in ("target_fisik", "target_kas", "target_kas_pct"):
            gaps[key] = _("tanpa rencana") if p.jumlah_sub else _("tidak ada sub kegiatan")
    return Baris(cells, "total", gaps)


def form_b(*, opd, ta, bulan: int, dasar_label: str, subs, rows: dict) -> Tabel:
    """Form B of one OPD (domain.md §7, §11): the OPD's sub kegiatan under their program and
    kegiatan, with bobot against the OPD's Σ pagu, fisik and keuangan with tertimbang."""
    progress = {s.pk: (from_sub_row(rows[s.pk]) if s.pk in rows else None) for s in subs}
    opd_total = total(p for p in progress.values() if p is not None)
    opd_total.jumlah_sub = len(subs)
    pagu_opd = opd_total.pagu
    baris: list[Baris] = []
    tree: dict = {}
    for sub in subs:
        tree.setdefault(sub.kegiatan.program, {}).setdefault(sub.kegiatan, []).append(sub)
    no = 0
    for program in sorted(tree, key=lambda p: p.kode):
        p_rows: list[Baris] = []
        p_progress = Progress()
        for kegiatan in sorted(tree[program], key=lambda k: k.kode):
            k_rows, k_progress = [], Progress()
            for sub in tree[program][kegiatan]:
                no += 1
                b, prog = _sub_baris(no, sub, rows.get(sub.pk), pagu_opd)
                k_rows.append(b)
                k_progress.add(prog)
            p_rows.append(_induk_baris("kegiatan", kegiatan, k_progress, pagu_opd))
            p_rows.extend(k_rows)
            p_progress.add(k_progress)
        baris.append(_induk_baris("program", program, p_progress, pagu_opd))
        baris.extend(p_rows)
    catatan = [
        _(
            "Bobot = pagu sub kegiatan / jumlah pagu OPD × 100; tertimbang = realisasi × bobot / "
            "100; fisik OPD = jumlah tertimbang fisik; keuangan OPD = jumlah realisasi / jumlah "
            "pagu × 100 (docs/reports.md)."
        )
    ]
    if not subs:
        baris.append(
            Baris(
                {"uraian": _("OPD ini tidak memiliki sub kegiatan pada tahun anggaran ini.")},
                "kosong",
            )
        )
    if not opd.aktif:
        catatan.append(
            _("OPD ini sudah dinonaktifkan; laporan memuat data tahun anggaran yang tercatat.")
        )
    if subs and not rows:
        catatan.append(_("Belum ada data realisasi untuk periode ini."))
    baris.append(_total_baris(opd_total, _("Jumlah OPD")))
    return Tabel(
        jenis="form-b",
        judul=[
            _("FORM B — REALISASI FISIK DAN KEUANGAN PER SUB KEGIATAN"),
            f"{opd.kode} {opd.nama}",
            _periode(ta, bulan, dasar_label),
        ],
        kolom=form_b_kolom(),
        baris=baris,
        catatan=catatan,
        ringkasan=[
            (_("Pagu OPD"), opd_total.pagu, RUPIAH),
            (_("Fisik OPD (tertimbang)"), opd_total.fisik, PERSEN),
            (_("Keuangan OPD"), opd_total.persen_keuangan, PERSEN),
            (_("Sisa anggaran"), opd_total.sisa, RUPIAH),
        ],
        grafik=[
            (s.kode, rows[s.pk].fisik, _pct(rows[s.pk].realisasi, rows[s.pk].pagu))
            for s in subs
            if s.pk in rows
        ],
        grafik_judul=(_("Fisik (%)"), _("Keuangan (%)")),
        nama_berkas=f"form-b-{opd.kode}-{ta.tahun}-{bulan:02d}",
    )


# ---------------------------------------------------------------- RFK


def rfk_kolom(satuan: str) -> list[Kolom]:
    uang, fisik = _("Keuangan"), _("Fisik")
    return [
        Kolom("no", _("No."), BILANGAN, lebar=5),
        Kolom("kode", _("Kode"), TEKS, lebar=22),
        Kolom("uraian", satuan, TEKS, lebar=44),
        Kolom("pagu", _("Pagu (Rp)"), RUPIAH, lebar=18),
        Kolom("bobot", _("Bobot (%)"), PERSEN, lebar=10),
        Kolom("bulan_ini", _("Realisasi bulan ini (Rp)"), RUPIAH, uang, 18),
        Kolom("realisasi", _("Realisasi s.d. bulan ini (Rp)"), RUPIAH, uang, 18),
        Kolom("keuangan", _("Realisasi (%)"), PERSEN, uang, 11),
        Kolom("target_kas_pct", _("Rencana kas (%)"), PERSEN, uang, 11),
        Kolom("deviasi_keuangan", _("Deviasi (poin)"), POIN, uang, 11),
        Kolom("target_fisik", _("Target (%)"), PERSEN, fisik, 10),
        Kolom("fisik", _("Realisasi (%)"), PERSEN, fisik, 11),
        Kolom("deviasi_fisik", _("Deviasi (poin)"), POIN, fisik, 11),
        Kolom("sisa", _("Sisa anggaran (Rp)"), RUPIAH, lebar=18),
        Kolom("keterangan", _("Keterangan"), TEKS, lebar=24),
    ]


def _rfk_baris(no, kode, nama, p: Progress, sebelum: Decimal | None, pagu_all, notes) -> Baris:
    cells = {
        "no": no,
        "kode": kode,
        "uraian": nama,
        "pagu": p.pagu,
        "bobot": _pct(p.pagu, pagu_all),
        "bulan_ini": None if sebelum is None else p.realisasi - sebelum,
        "realisasi": p.realisasi,
        "keuangan": p.persen_keuangan,
        "target_kas_pct": p.persen_rencana_kas,
        "deviasi_keuangan": None
        if p.persen_keuangan is None or p.persen_rencana_kas is None
        else p.persen_keuangan - p.persen_rencana_kas,
        "target_fisik": p.target_fisik,
        "fisik": p.fisik,
        "deviasi_fisik": p.deviasi_fisik,
        "sisa": p.sisa,
        "keterangan": "; ".join(notes),
    }
    gaps = {}
    if sebelum is None:
        gaps["bulan_ini"] = _("belum ada data")
    if not p.pagu:
        why = _("pagu nol") if p.jumlah_sub else _("tidak ada sub kegiatan")
        for key in ("bobot", "keuangan", "fisik", "deviasi_keuangan"):
            gaps[key] = why
    if not p.pagu_rencana:
        for key in ("target_kas_pct", "target_fisik", "deviasi_keuangan", "deviasi_fisik"):
            gaps[key] = _("tanpa rencana")
    return Baris(cells, "sub", gaps)


def rfk(*, judul_unit: str, ta, bulan: int, dasar_label: str, items, satuan: str, nama_berkas):
    """RFK: one row per item (sub kegiatan of an OPD, or OPD of the pemda) as
    (kode, nama, Progress or None, realisasi at the end of the month before or None, notes)."""
    grand = total(p for _k, _n, p, _s, _x in items if p is not None)
    before = [s for _k, _n, p, s, _x in items if p is not None]
    baris = []
    for no, (kode, nama, p, sebelum, notes) in enumerate(items, start=1):
        if p is None:
            gaps = {k.key: _("belum ada data") for k in rfk_kolom(satuan)[3:-1]}
            cells = {"no": no, "kode": kode, "uraian": nama, "keterangan": "; ".join(notes)}
            baris.append(Baris(cells, "sub", gaps))
            continue
        baris.append(_rfk_baris(no, kode, nama, p, sebelum, grand.pagu, notes))
    if not items:
        baris.append(Baris({"uraian": _("Tidak ada data pada periode ini.")}, "kosong"))
    grand.jumlah_sub = max(grand.jumlah_sub, len(items))
    sebelum_total = None if any(s is None for s in before) else sum(before, Decimal(0))
    t = _rfk_baris("", "", _("Jumlah"), grand, sebelum_total, grand.pagu, [])
    t.tingkat = "total"
    t.kosong |= {"no": "", "kode": "", "keterangan": ""}
    baris.append(t)
    return Tabel(
        jenis="rfk",
        judul=[
            _("LAPORAN REALISASI FISIK DAN KEUANGAN (RFK)"),
            judul_unit,
            _periode(ta, bulan, dasar_label),
        ],
        kolom=rfk_kolom(satuan),
        baris=baris,
        catatan=[
            _(
                "Realisasi bulan ini = realisasi kumulatif bulan ini − bulan sebelumnya; deviasi = "
                "realisasi − rencana (poin persentase); fisik tertimbang pagu (docs/reports.md)."
            )
        ],
        ringkasan=[
            (_("Pagu"), grand.pagu, RUPIAH),
            (_("Realisasi keuangan"), grand.persen_keuangan, PERSEN),
            (_("Realisasi fisik"), grand.fisik, PERSEN),
            (_("Sisa anggaran"), grand.sisa, RUPIAH),
        ],
        grafik=[(k, p.fisik, p.persen_keuangan) for k, _n, p, _s, _x in items if p is not None],
        grafik_judul=(_("Fisik (%)"), _("Keuangan (%)")),
        nama_berkas=nama_berkas,
    )
