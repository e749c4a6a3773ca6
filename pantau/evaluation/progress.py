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


@dataclass
class Progress:
    """Figures of one node (sub kegiatan, kegiatan, program, OPD or pemda) up to a month."""

    pagu: Decimal = ZERO
    realisasi: Decimal = ZERO  # cumulative Rp
    rencana_kas: Decimal = ZERO  # cumulative anggaran kas Rp
    fisik_x_pagu: Decimal = ZERO  # Σ pagu_i · fisik_i
    target_fisik_x_pagu: Decimal = ZERO
    jumlah_sub: int = 0
    dilaporkan: int = 0  # sub kegiatan with a report for the month

    @property
    def persen_keuangan(self) -> Decimal | None:
        return percent(self.realisasi, self.pagu)

    @property
    def persen_rencana_kas(self) -> Decimal | None:
        return percent(self.rencana_kas, self.pagu)

    @property
    def fisik(self) -> Decimal | None:
        return self.fisik_x_pagu / self.pagu if self.pagu else None

    @property
    def target_fisik(self) -> Decimal | None:
        return self.target_fisik_x_pagu / self.pagu if self.pagu else None

    @property
    def deviasi_fisik(self) -> Decimal | None:
        if self.fisik is None or self.target_fisik is None:
            return None
        return self.fisik - self.target_fisik

    @property
    def sisa(self) -> Decimal:
        return self.pagu - self.realisasi

    def add(self, other: Progress) -> Progress:
        self.pagu += other.pagu
        self.realisasi += other.realisasi
        self.rencana_kas += other.rencana_kas
        self.fisik_x_pagu += other.fisik_x_pagu
        self.target_fisik_x_pagu += other.target_fisik_x_pagu
        self.jumlah_sub += other.jumlah_sub
        self.dilaporkan += other.dilaporkan
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
    plan = RencanaBulanan.objects.filter(sub_kegiatan=OuterRef("pk"), tahap=tahap)
    kas = (
        plan.filter(bulan__lte=bulan)
        .order_by()
        .values("sub_kegiatan")
        .annotate(t=Sum("anggaran_kas"))
        .values("t")
    )
    target = plan.filter(bulan=bulan).values("target_fisik")[:1]
    return subs.annotate(
        p_pagu=ExpressionWrapper(pagu_expression(tahap), output_field=MONEY),
        p_realisasi=Coalesce(
            Subquery(realisasi, output_field=MONEY), Value(ZERO), output_field=MONEY
        ),
        p_fisik=Subquery(fisik),
        p_dilaporkan=Subquery(dilaporkan),
        p_kas=Coalesce(Subquery(kas, output_field=MONEY), Value(ZERO), output_field=MONEY),
        p_target_fisik=Subquery(target),
    )


def progress_of(sub) -> Progress:
    """The Progress of one sub kegiatan annotated by `annotate_progress`."""
    pagu = sub.p_pagu or ZERO
    fisik = sub.p_fisik if sub.p_fisik is not None else ZERO
    target = sub.p_target_fisik if sub.p_target_fisik is not None else ZERO
    return Progress(
        pagu=pagu,
        realisasi=sub.p_realisasi or ZERO,
        rencana_kas=sub.p_kas or ZERO,
        fisik_x_pagu=pagu * fisik,
        target_fisik_x_pagu=pagu * target,
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
