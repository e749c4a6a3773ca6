"""Programme groups on the dashboard: the support programme apart from the programmes that
build things (decision 0011).

Program `U.BB.01` is always PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH (docs/domain.md §3.2,
`planning.codes.is_penunjang_program`): salaries, offices, administration; in Wakatobi about 64%
of the pagu. Its steady spending lifts absorption and hides how the programmes that build things
are doing, so leadership can look at either group alone (`?program=inti` / `penunjang`).

The whole page then uses the same set: the figures are summed from the sub kegiatan roll-up
rows of the group (one grouped query where the unfiltered page reads an OPD row), with the same
arithmetic as `rollup.aggregate_opd`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, DecimalField, ExpressionWrapper, F, Q, Sum, When
from django.utils.translation import gettext_lazy as _

from pantau.evaluation.models import RingkasanOpd, RingkasanSubKegiatan
from pantau.evaluation.progress import ZERO, Progress, from_opd_row

SEMUA, INTI, PENUNJANG = "", "inti", "penunjang"
PILIHAN = [
    (SEMUA, _("Semua program")),
    (INTI, _("Tanpa program penunjang")),
    (PENUNJANG, _("Program penunjang saja (X.XX.01)")),
]
_SUFFIX = ".01"  # the program part of the code: U.BB.01 (codes are validated on entry)


def kelompok_parse(value) -> str:
    text = str(value or "").strip().lower()
    return text if text in {INTI, PENUNJANG} else SEMUA


def label(kelompok: str) -> str:
    return str(dict(PILIHAN)[kelompok])


def program_q(kelompok: str, prefix: str = "") -> Q:
    """Rows of the group, for a model whose sub kegiatan is at `prefix` (e.g. "sub_kegiatan__"
    for the roll-up rows and reports, "" for SubKegiatan itself). Q() for every programme."""
    if kelompok == SEMUA:
        return Q()
    q = Q(**{f"{prefix}kegiatan__program__kode__endswith": _SUFFIX})
    return q if kelompok == PENUNJANG else ~q


def indikator_q(kelompok: str, prefix: str = "indikator__") -> Q:
    """Indicators of the group: of a program, a kegiatan or a sub kegiatan of it."""
    if kelompok == SEMUA:
        return Q()
    q = (
        Q(**{f"{prefix}program__kode__endswith": _SUFFIX})
        | Q(**{f"{prefix}kegiatan__program__kode__endswith": _SUFFIX})
        | Q(**{f"{prefix}sub_kegiatan__kegiatan__program__kode__endswith": _SUFFIX})
    )
    return q if kelompok == PENUNJANG else ~q


def sums() -> dict:
    """Σ over sub kegiatan roll-up rows, in SQL, as `rollup.aggregate_opd` sums them (names
    prefixed: an aggregate named like a field would shadow it in the next expression)."""
    big = DecimalField(max_digits=28, decimal_places=4)
    fx = ExpressionWrapper(F("pagu") * F("fisik"), output_field=big)
    planned = Q(target_fisik__isnull=False)
    return {
        "t_pagu": Sum("pagu"),
        "t_pagu_murni": Sum("pagu_murni"),
        "t_realisasi": Sum("realisasi"),
        "t_fisik_x_pagu": Sum(fx),
        "t_pagu_rencana": Sum(Case(When(planned, then=F("pagu")), output_field=big)),
        "t_realisasi_rencana": Sum(Case(When(planned, then=F("realisasi")), output_field=big)),
        "t_rencana_kas": Sum(Case(When(planned, then=F("rencana_kas")), output_field=big)),
        "t_fisik_x_pagu_rencana": Sum(Case(When(planned, then=fx), output_field=big)),
        "t_target_fisik_x_pagu": Sum(
            Case(
                When(planned, then=ExpressionWrapper(F("pagu") * F("target_fisik"), big)),
                output_field=big,
            )
        ),
        "t_jumlah_sub": Count("id"),
        "t_dilaporkan": Count("id", filter=Q(dilaporkan=True)),
    }


def progress_of(row: dict) -> Progress:
    """Progress from a row of `sums()` (absent sums are 0)."""
    return Progress(**{k[2:]: (row[k] if row[k] is not None else ZERO) for k in sums() if k in row})


@dataclass
class OpdAngka:
    """An OPD's figures for a month: progress and warning counts."""

    progress: Progress
    kritis: int = 0
    uang_tanpa_fisik: int = 0
    di_atas_rencana_kas: int = 0
    melebihi_pagu: int = 0


def opd_angka_from_subs(qs) -> dict[int, OpdAngka]:
    """Per-OPD figures summed from sub kegiatan roll-up rows (one grouped query)."""
    rows = qs.values("opd_id").annotate(
        **sums(),
        n_kritis=Count("id", filter=Q(status_fisik="kritis")),
        n_uang=Count("id", filter=Q(uang_tanpa_fisik=True)),
        n_kas=Count("id", filter=Q(di_atas_rencana_kas=True)),
        n_melebihi=Count("id", filter=Q(melebihi_pagu=True)),
    )
    return {
        r["opd_id"]: OpdAngka(
            progress_of(r), r["n_kritis"], r["n_uang"], r["n_kas"], r["n_melebihi"]
        )
        for r in rows
    }


def opd_angka(
    ta, bulan: int, kelompok: str, dasar: str, saring: Q | None = None
) -> dict[int, OpdAngka]:
    """Each OPD's figures for the month on one basis: its roll-up row, or, for one programme
    group or a reader who may not read every rahasia item (`saring`, evaluation.terbaca), the
    sums of the sub kegiatan rows of the group that reader may read (one query either way)."""
    if kelompok == SEMUA and saring is None:
        return {
            r.opd_id: OpdAngka(
                from_opd_row(r),
                r.kritis,
                r.uang_tanpa_fisik,
                r.di_atas_rencana_kas,
                r.melebihi_pagu,
            )
            for r in RingkasanOpd.objects.filter(tahun_anggaran=ta, dasar=dasar, bulan=bulan)
        }
    return opd_angka_from_subs(sub_rows(ta, kelompok, dasar, saring).filter(bulan=bulan))


def sub_rows(ta, kelompok: str, dasar: str, saring: Q | None = None):
    """Every month row of the year's sub kegiatan in the programme group, on one basis (only
    those `saring` keeps, when given: evaluation.terbaca)."""
    rows = RingkasanSubKegiatan.objects.filter(tahun_anggaran=ta, dasar=dasar).filter(
        program_q(kelompok, "sub_kegiatan__")
    )
    return rows if saring is None else rows.filter(saring)
