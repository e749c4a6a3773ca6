"""Formulir E.81 (docs/domain.md §11, docs/reports.md): Evaluasi terhadap hasil Renja Perangkat
Daerah, one OPD, one quarter, in the pemda's layout (17 or 16 columns). Every target and
realisation column is a pair K (the indicator's value in its unit) and Rp (money).

K columns follow the indicator's formula type (§8): the quarter's value and the year's
realisation (col 12) are sums for *tren positif* and the latest value for the other types;
the achievement (col 13) is the type's capaian formula (`evaluation.achievement.capaian`, the
one the dashboards use); the Renstra realisation to date (col 14) is col 6 + col 12 for tren
positif and the latest value otherwise. Rp columns are always additive. Every cell without a
figure says why, in words."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pantau.evaluation.achievement import CATATAN, CATATAN_SINGKAT, capaian, rata_rata
from pantau.evaluation.categories import kategori_for
from pantau.planning.choices import Rumus
from pantau.reports.tables import (
    BILANGAN,
    NILAI,
    PERSEN,
    RUPIAH,
    TEKS,
    Baris,
    Kaki,
    Kolom,
    Tabel,
    TandaTangan,
)

HUNDRED = Decimal(100)
ROMAWI = ["I", "II", "III", "IV"]


def _tw(n: int) -> str:
    return ROMAWI[n - 1]


def e81_kolom(tata_letak: str) -> list[Kolom]:
    """The columns of the layout: 17 (A, with col 13 tingkat capaian Renja) or 16 (B)."""
    k, rp = _("K"), _("Rp")
    pairs = [
        ("target_renstra", _("Target Renstra PD pada tahun akhir periode Renstra")),
        ("lalu", _("Realisasi capaian kinerja Renstra PD s.d. Renja PD tahun lalu")),
        ("target_renja", _("Target kinerja dan anggaran Renja PD tahun berjalan")),
        *[
            (f"tw{t}", _("Realisasi kinerja triwulan %(tw)s") % {"tw": _tw(t)})
            for t in (1, 2, 3, 4)
        ],
        ("realisasi", _("Realisasi capaian kinerja dan anggaran Renja PD yang dievaluasi")),
    ]
    if tata_letak != "16":
        pairs.append(
            ("capaian_renja", _("Tingkat capaian kinerja dan realisasi anggaran Renja PD (%)"))
        )
    pairs += [
        ("renstra", _("Realisasi kinerja dan anggaran Renstra PD s.d. tahun berjalan")),
        (
            "capaian_renstra",
            _("Tingkat capaian kinerja dan realisasi anggaran Renstra PD s.d. tahun berjalan (%)"),
        ),
    ]
    cols = [
        Kolom("no", _("No."), BILANGAN, lebar=5, nomor="1"),
        Kolom("sasaran", _("Sasaran"), TEKS, lebar=10, nomor="2"),
        Kolom("uraian", _("Program / Kegiatan / Sub Kegiatan"), TEKS, lebar=13, nomor="3"),
        Kolom(
            "indikator",
            _("Indikator kinerja program (outcome) / kegiatan (output)"),
            TEKS,
            lebar=13,
            nomor="4",
        ),
    ]
    for n, (key, heading) in enumerate(pairs, start=5):
        persen = key.startswith("capaian")
        cols.append(
            Kolom(f"{key}_k", k, PERSEN if persen else NILAI, heading, 9 if persen else 11, str(n))
        )
        cols.append(
            Kolom(
                f"{key}_rp", rp, PERSEN if persen else RUPIAH, heading, 9 if persen else 20, str(n)
            )
        )
    n = 5 + len(pairs)
    cols.append(Kolom("unit", _("Unit PD penanggung jawab"), TEKS, lebar=6, nomor=str(n)))
    cols.append(Kolom("keterangan", _("Keterangan"), TEKS, lebar=10, nomor=str(n + 1)))
    return cols


def _pct(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return part * HUNDRED / whole


def _quarter_value(rumus: int, bulan: dict, t: int) -> Decimal | None:
    values = [bulan[m] for m in sorted(bulan) if 3 * t - 2 <= m <= 3 * t]
    if not values:
        return None
    return sum(values, Decimal(0)) if rumus == Rumus.TREN_POSITIF else values[-1]


def _why(c) -> str:
    return str(CATATAN_SINGKAT.get(c.catatan, "")).lower() or _("tidak terdefinisi")


class _Row:
    """One indicator row: its cells and gaps, column by column."""

    def __init__(self, no: int, item, data, unit: str) -> None:
        self.cells: dict[str, object] = {}
        self.gaps: dict[str, str] = {}
        self.notes: list[str] = []
        ind = item.indikator
        self.rumus = ind.rumus
        self.item, self.data = item, data
        sasaran = "; ".join(f"{s.kode} {s.uraian}" for s in item.sasaran)
        self.cells |= {
            "no": no,
            "sasaran": sasaran or None,
            "uraian": f"{item.kode} {item.nama}",
            "indikator": f"{ind.nama} ({ind.satuan})",
            "unit": unit,
        }
        if not sasaran:
            self.gaps["sasaran"] = _("belum dipetakan ke sasaran Renstra")
        self.notes.append(str(Rumus(ind.rumus).label).split(" (")[0])

    def put(self, key: str, value, why: str = "") -> None:
        self.cells[key] = value
        if value is None:
            self.gaps[key] = why or _("belum ada data")

    def baris(self) -> Baris:
        self.cells["keterangan"] = "; ".join(self.notes)
        return Baris(self.cells, self.item.tingkat, self.gaps)


def _renstra_gap(item, data) -> str:
    if item.tingkat == "sub":
        return _("Renstra tidak memuat sub kegiatan")
    if data.periode is None:
        return _("tidak ada periode Renstra")
    return _("tanpa target Renstra")


def _lalu(row: _Row, item, data) -> tuple[Decimal | None, Decimal | None, str]:
    """Column 6 (K, Rp) and why it is empty; "" when it is the Renstra period's first year
    (nothing before it: col 14 is then col 12 alone)."""
    if item.target is None and not item.lalu:
        return None, None, _renstra_gap(item, data)
    if not item.lalu:
        first = data.periode is not None and data.periode.tahun_awal == data.ta.tahun
        return None, None, "" if first else _("belum ada realisasi tahun lalu")
    ks = [r.realisasi_k for r in item.lalu]
    k = sum(ks, Decimal(0)) if row.rumus == Rumus.TREN_POSITIF else ks[-1]
    rps = [r.realisasi_rp for r in item.lalu if r.realisasi_rp is not None]
    return k, (sum(rps, Decimal(0)) if rps else None), ""


def _indicator_row(no: int, item, data, unit: str, capaians: list, keys: set) -> Baris:
    row = _Row(no, item, data, unit)
    ind, n = item.indikator, data.triwulan
    first_year = data.periode is not None and data.periode.tahun_awal == data.ta.tahun
    # col 5: the Renstra target at the end of the period
    gap5 = _renstra_gap(item, data)
    target = item.target
    row.put("target_renstra_k", target.target_k if target else None, gap5)
    row.put(
        "target_renstra_rp",
        target.target_rp if target else None,
        gap5 if target is None else _("tanpa target Rp"),
    )
    # col 6: realised in the earlier years of the period
    lalu_k, lalu_rp, why6 = _lalu(row, item, data)
    gap6 = why6 or _("tahun pertama Renstra")
    row.put("lalu_k", lalu_k, gap6)
    row.put("lalu_rp", lalu_rp, gap6 if lalu_k is None else _("tanpa realisasi Rp"))
    # col 7: the year's target and pagu
    row.put("target_renja_k", ind.target_tahunan)
    row.put("target_renja_rp", item.pagu, _("tidak ada sub kegiatan"))
    # cols 8-11: each quarter's own value; Rp = cumulative at its end - at the previous end
    for t in range(1, 5):
        if t > n:
            row.put(f"tw{t}_k", None, _("belum dievaluasi"))
            row.put(f"tw{t}_rp", None, _("belum dievaluasi"))
            continue
        row.put(f"tw{t}_k", _quarter_value(ind.rumus, item.bulan, t))
        now = item.kumulatif.get(t)
        before = Decimal(0) if t == 1 else item.kumulatif.get(t - 1)
        row.put(f"tw{t}_rp", None if now is None or before is None else now - before)
    # col 12: the year's realisation up to the quarter (the dashboards' R)
    from pantau.evaluation.achievement import realisasi_periode

    series = [item.bulan[m] for m in sorted(item.bulan) if m <= 3 * n]
    real_k = realisasi_periode(ind.rumus, series)
    real_rp = item.kumulatif.get(n)
    row.put("realisasi_k", real_k)
    row.put("realisasi_rp", real_rp)
    # col 13: tingkat capaian Renja (the type's formula against the year's target)
    c = capaian(ind.rumus, ind.target_tahunan, real_k)
    capaians.append(c)
    if c.catatan:
        row.notes.append(str(CATATAN[c.catatan]))
    if "capaian_renja_k" in keys:
        row.put("capaian_renja_k", c.persen, _why(c))
        row.put(
            "capaian_renja_rp", _pct(real_rp, item.pagu), _("pagu nol") if item.pagu == 0 else ""
        )
    # col 14: Renstra realisation to date
    additive = ind.rumus == Rumus.TREN_POSITIF
    if additive:
        base_k = lalu_k if lalu_k is not None else (Decimal(0) if first_year and not why6 else None)
        renstra_k = None if base_k is None or real_k is None else base_k + real_k
    else:
        renstra_k = real_k if real_k is not None else lalu_k
    base_rp = lalu_rp if lalu_rp is not None else (Decimal(0) if first_year and not why6 else None)
    renstra_rp = None if base_rp is None or real_rp is None else base_rp + real_rp
    why14 = why6 or (_("belum ada data") if real_k is None else "")
    row.put("renstra_k", renstra_k, why14)
    row.put("renstra_rp", renstra_rp, why6 or _("tanpa realisasi Rp"))
    # col 15: against the Renstra target
    if target is None:
        row.put("capaian_renstra_k", None, gap5)
        row.put("capaian_renstra_rp", None, gap5)
    else:
        c15 = capaian(ind.rumus, target.target_k, renstra_k)
        row.put("capaian_renstra_k", c15.persen, why14 or _why(c15))
        why15 = row.gaps.get("renstra_rp") or _("tanpa target Rp")
        row.put("capaian_renstra_rp", _pct(renstra_rp, target.target_rp), why15)
    if not data.opd.aktif:
        row.notes.append(_("OPD dinonaktifkan"))
    return row.baris()


# ---------------------------------------------------------------- footer and signatures


def _bulan(n: int) -> str:
    from pantau.monitoring.models import BULAN

    return str(BULAN[n - 1])


def _listed(entries: list[tuple[str, int, str]]) -> str:
    """Notes by sub kegiatan (or indicator), each with the months it was written in."""
    grouped: dict[tuple[str, str], list[int]] = {}
    for label, bulan, text in entries:
        grouped.setdefault((label, text), []).append(bulan)
    return "\n".join(
        f"- {label} ({', '.join(_bulan(b) for b in months)}): {text}"
        for (label, text), months in grouped.items()
    )


def _drafts(data, low: list[tuple[str, Decimal, str]]) -> dict[str, str]:
    """The footer texts Pantau proposes from the quarter's realisation notes."""
    none = _("Tidak ada catatan pada laporan realisasi triwulan ini.")
    pendorong = _listed(data.catatan_indikator)
    renja = "\n".join(
        _("- %(i)s: capaian %(c)s%% (%(k)s); tinjau target dan strategi dalam Renja berikutnya.")
        % {"i": name, "c": f"{value:.2f}".replace(".", ","), "k": label}
        for name, value, label in low
    )
    return {
        "faktor_pendorong": pendorong or none,
        "faktor_penghambat": _listed(data.kendala) or none,
        "tindak_lanjut_triwulan": _listed(data.tindak_lanjut) or none,
        "tindak_lanjut_renja": renja
        or _("Tidak ada indikator dengan capaian di bawah kategori Tinggi pada triwulan ini."),
    }


FOOTER_TEXTS = [
    ("faktor_pendorong", gettext_lazy("Faktor pendorong keberhasilan pencapaian")),
    ("faktor_penghambat", gettext_lazy("Faktor penghambat pencapaian kinerja")),
    (
        "tindak_lanjut_triwulan",
        gettext_lazy("Tindak lanjut yang diperlukan dalam triwulan berikutnya"),
    ),
    (
        "tindak_lanjut_renja",
        gettext_lazy("Tindak lanjut yang diperlukan dalam Renja PD kabupaten/kota berikutnya"),
    ),
]


def _low(names: list[str], capaians: list) -> list[tuple[str, Decimal, str]]:
    """Indicators whose achievement is below the Tinggi category (< 76 %), with its label."""
    out = []
    for name, c in zip(names, capaians, strict=True):
        cat = kategori_for(c.persen)
        if c.persen is not None and cat is not None and c.persen < 76:
            out.append((name, c.persen, str(cat.label)))
    return out


def e81_kaki(data, capaians: list, names: list[str]) -> list[Kaki]:
    avg = rata_rata(capaians)
    cat = kategori_for(avg)
    defined = sum(1 for c in capaians if c.persen is not None)
    if avg is None:
        avg_text = _(
            "Tidak ada indikator dengan capaian terdefinisi; rata-rata tidak dapat dihitung."
        )
        predikat = _("tidak dapat ditentukan (tidak ada capaian terdefinisi)")
    else:
        avg_text = _("%(v)s (rata-rata %(n)d dari %(m)d indikator yang capaiannya terdefinisi)") % {
            "v": f"{avg.quantize(Decimal('0.01')):.2f}".replace(".", ","),
            "n": defined,
            "m": len(capaians),
        }
        predikat = str(cat.label) if cat else _("tidak ada kategori untuk nilai ini")
    low = _low(names, capaians)
    rows = [
        Kaki("rata_rata", _("Rata-rata capaian kinerja (%)"), avg_text),
        Kaki("predikat", _("Predikat kinerja"), predikat),
    ]
    drafts = _drafts(data, low)
    for key, label in FOOTER_TEXTS:
        if data.catatan is not None:
            text = getattr(data.catatan, key).strip() or _("(tidak diisi)")
        else:
            text = _("Draf dari catatan realisasi, belum disunting:") + "\n" + drafts[key]
        rows.append(Kaki(key, str(label), text))
    return rows


def e81_draf(data) -> dict[str, str]:
    """The draft texts alone, whatever was edited (the editing page starts from them)."""
    keys = {k.key for k in e81_kolom(data.tata_letak)}
    capaians: list = []
    for no, item in enumerate(data.items, start=1):
        _indicator_row(no, item, data, "", capaians, keys)
    return _drafts(data, _low([i.indikator.nama for i in data.items], capaians))


def e81_tanda_tangan(data) -> list[TandaTangan]:
    opd, bappeda = data.opd, data.bappeda
    tempat = data.pemda.ibu_kota
    return [
        TandaTangan(
            peran=_("Disusun oleh"),
            jabatan=_("Kepala %(opd)s") % {"opd": opd.nama},
            nama=opd.kepala_nama,
            nip=opd.kepala_nip,
            tempat=tempat,
        ),
        TandaTangan(
            peran=_("Dievaluasi oleh"),
            jabatan=_("Kepala %(opd)s") % {"opd": bappeda.nama} if bappeda else _("Kepala Bappeda"),
            nama=bappeda.kepala_nama if bappeda else "",
            nip=bappeda.kepala_nip if bappeda else "",
            tempat=tempat,
        ),
    ]


# ---------------------------------------------------------------- the table


def e81(data) -> Tabel:
    kolom = e81_kolom(data.tata_letak)
    keys = {k.key for k in kolom}
    unit = data.opd.singkatan or data.opd.nama
    capaians: list = []
    baris = [
        _indicator_row(no, item, data, unit, capaians, keys)
        for no, item in enumerate(data.items, start=1)
    ]
    catatan = [
        _(
            "K = kinerja (nilai indikator dalam satuannya), Rp = anggaran. Kolom K mengikuti rumus "
            "indikator: tren positif dijumlahkan per triwulan; tren negatif, persentase dan nilai "
            "akhir memakai nilai terakhir; capaian tren negatif = target / realisasi × 100. Kolom "
            "Rp selalu dijumlahkan; Rp sebuah program atau kegiatan tertulis pada setiap baris "
            "indikatornya (jangan dijumlahkan ke bawah) (docs/reports.md)."
        )
    ]
    if not data.items:
        baris.append(
            Baris(
                {
                    "uraian": _(
                        "OPD ini belum memiliki indikator program, kegiatan atau sub kegiatan "
                        "pada tahun anggaran ini."
                    )
                },
                "kosong",
            )
        )
    elif not data.ada_data:
        catatan.append(_("Belum ada data realisasi sampai triwulan ini."))
    if data.periode is None:
        catatan.append(_("OPD ini belum memiliki periode Renstra yang mencakup tahun ini."))
    if not data.opd.aktif:
        catatan.append(
            _("OPD ini sudah dinonaktifkan; laporan memuat data tahun anggaran yang tercatat.")
        )
    if data.bappeda is None:
        catatan.append(
            _("Bappeda pemda ini belum dikenali (badan aktif dengan bidang urusan 5.01).")
        )
    periode = (
        _("Periode Renstra %(a)s–%(b)s")
        % {"a": data.periode.tahun_awal, "b": data.periode.tahun_akhir}
        if data.periode
        else _("tanpa periode Renstra")
    )
    names = [i.indikator.nama for i in data.items]
    return Tabel(
        jenis="e81",
        judul=[
            _("FORMULIR E.81 — EVALUASI TERHADAP HASIL RENJA PERANGKAT DAERAH"),
            f"{data.opd.kode} {data.opd.nama}",
            _("Triwulan %(tw)s tahun anggaran %(tahun)s, angka %(dasar)s; %(periode)s")
            % {
                "tw": _tw(data.triwulan),
                "tahun": data.ta.tahun,
                "dasar": data.dasar_label,
                "periode": periode,
            },
        ],
        kolom=kolom,
        baris=baris,
        catatan=catatan,
        nama_berkas=f"e81-{data.opd.kode}-{data.ta.tahun}-tw{data.triwulan}",
        kaki=e81_kaki(data, capaians, names),
        tanda_tangan=e81_tanda_tangan(data),
    )
