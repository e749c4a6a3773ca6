"""Financial and physical progress of sub kegiatan and their weighted roll-up (docs/domain.md §6–7).

bobot_i = pagu_i / Σ pagu × 100;  fisik = Σ fisik_i × bobot_i / 100 = Σ pagu_i·fisik_i / Σ pagu
% keuangan = Σ realisasi / Σ pagu × 100.  Undefined (None) when Σ pagu is 0, never a false 0%.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from pantau.core.numbers import percent
from pantau.planning.choices import TahapAnggaran

ZERO = Decimal(0)
MONEY = DecimalField(max_digits=18, decimal_places=2)
PCT = DecimalField(max_digits=6, decimal_places=2)


@dataclass
class Progress:
    """Figures of one node (sub kegiatan, kegiatan, program, OPD or pemda) up to a month.

    Plan figures (cash plan, target fisik, deviation) are defined only over the sub kegiatan
    that have a monthly plan: a missing plan is "undefined", never a 0% target.
    """

    pagu: Decimal = ZERO
    realisasi: Decimal = ZERO  # cumulative Rp
    fisik_x_pagu: Decimal = ZERO  # Σ pagu_i · fisik_i
    pagu_rencana: Decimal = ZERO  # Σ pagu of the sub kegiatan with a plan
    rencana_kas: Decimal = ZERO  # cumulative anggaran kas Rp (subs with a plan)
    fisik_x_pagu_rencana: Decimal = ZERO
    target_fisik_x_pagu: Decimal = ZERO
    jumlah_sub: int = 0
    dilaporkan: int = 0  # sub kegiatan with a report for the month

    @property
    def persen_keuangan(self) -> Decimal | None:
        return percent(self.realisasi, self.pagu)

    @property
    def persen_rencana_kas(self) -> Decimal | None:
        return percent(self.rencana_kas, self.pagu_rencana)

    @property
    def fisik(self) -> Decimal | None:
        return self.fisik_x_pagu / self.pagu if self.pagu else None

    @property
    def target_fisik(self) -> Decimal | None:
        return self.target_fisik_x_pagu / self.pagu_rencana if self.pagu_rencana else None

    @property
    def deviasi_fisik(self) -> Decimal | None:
        """Actual minus planned physical progress (percentage points), over planned subs."""
        if not self.pagu_rencana:
            return None
        return (self.fisik_x_pagu_rencana - self.target_fisik_x_pagu) / self.pagu_rencana

    @property
    def sisa(self) -> Decimal:
        return self.pagu - self.realisasi

    def add(self, other: Progress) -> Progress:
        for name in (
            "pagu",
            "realisasi",
            "fisik_x_pagu",
            "pagu_rencana",
            "rencana_kas",
            "fisik_x_pagu_rencana",
            "target_fisik_x_pagu",
            "jumlah_sub",
            "dilaporkan",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self


def total(items: Iterable[Progress]) -> Progress:
    out = Progress()
    for item in items:
        out.add(item)
    return out


def pagu_expression(tahap: str):
    """The pagu in force as a database expression."""
    if tahap == TahapAnggaran.PERUBAHAN:
        return Coalesce("pagu_perubahan", "pagu_murni")
    return F("pagu_murni")


def annotate_progress(subs: QuerySet, *, tahap: str, bulan: int) -> QuerySet:
    """Annotate sub kegiatan with pagu, cumulative realisation, latest physical progress and the
    plan at `bulan`; one query whatever the number of rows."""
    from pantau.monitoring.models import Realisasi
    from pantau.planning.models import RencanaBulanan

    reports = Realisasi.objects.filter(sub_kegiatan=OuterRef("pk"), periode__bulan__lte=bulan)
    realisasi = reports.order_by().values("sub_kegiatan").annotate(t=Sum("keuangan")).values("t")
    fisik = reports.order_by("-periode__bulan").values("fisik")[:1]
    dilaporkan = Realisasi.objects.filter(sub_kegiatan=OuterRef("pk"), periode__bulan=bulan).values(
        "pk"
    )[:1]
    # The plan of the version in force; a sub kegiatan without a perubahan plan keeps its murni one.
    versions = [tahap] if tahap == TahapAnggaran.MURNI else [tahap, TahapAnggaran.MURNI]
    kas_parts, target_parts = [], []
    for version in versions:
        plan = RencanaBulanan.objects.filter(sub_kegiatan=OuterRef("pk"), tahap=version)
        kas_parts.append(
            Subquery(
                plan.filter(bulan__lte=bulan)
                .order_by()
                .values("sub_kegiatan")
                .annotate(t=Sum("anggaran_kas"))
                .values("t"),
                output_field=MONEY,
            )
        )
        target_parts.append(
            Subquery(plan.filter(bulan=bulan).values("target_fisik")[:1], output_field=PCT)
        )
    kas = Coalesce(*kas_parts, output_field=MONEY) if len(kas_parts) > 1 else kas_parts[0]
    target = Coalesce(*target_parts, output_field=PCT) if len(target_parts) > 1 else target_parts[0]
    return subs.annotate(
        p_pagu=ExpressionWrapper(pagu_expression(tahap), output_field=MONEY),
        p_realisasi=Coalesce(
            Subquery(realisasi, output_field=MONEY), Value(ZERO), output_field=MONEY
        ),
        p_fisik=Subquery(fisik),
        p_dilaporkan=Subquery(dilaporkan),
        p_kas=kas,
        p_target_fisik=target,
    )


def progress_of(sub) -> Progress:
    """The Progress of one sub kegiatan annotated by `annotate_progress`."""
    pagu = sub.p_pagu or ZERO
    fisik = sub.p_fisik if sub.p_fisik is not None else ZERO
    planned = sub.p_target_fisik is not None
    return Progress(
        pagu=pagu,
        realisasi=sub.p_realisasi or ZERO,
        fisik_x_pagu=pagu * fisik,
        pagu_rencana=pagu if planned else ZERO,
        rencana_kas=(sub.p_kas or ZERO) if planned else ZERO,
        fisik_x_pagu_rencana=pagu * fisik if planned else ZERO,
        target_fisik_x_pagu=pagu * sub.p_target_fisik if planned else ZERO,
        jumlah_sub=1,
        dilaporkan=1 if sub.p_dilaporkan else 0,
    )


def progress_by_opd(subs: QuerySet, *, tahap: str, bulan: int) -> dict[int, Progress]:
    """Progress per OPD id for the scoped sub kegiatan queryset (one query)."""
    rows = annotate_progress(subs, tahap=tahap, bulan=bulan).only(
        "id", "opd_id", "pagu_murni", "pagu_perubahan"
    )
    out: dict[int, Progress] = {}
    for sub in rows:
        out.setdefault(sub.opd_id, Progress()).add(progress_of(sub))
    return out
