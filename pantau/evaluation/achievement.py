"""Achievement (tingkat capaian) of indicators: the four formula types of docs/domain.md §8.

Pure functions on Decimal; full precision is kept (round only for display). Undefined results
are None with a reason, never a misleading 0%.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from pantau.planning.choices import Rumus

HUNDRED = Decimal(100)

# Why an achievement is undefined (stored in RingkasanIndikator.catatan), in the order shown.
TANPA_TARGET, TANPA_DATA, TARGET_NOL, PERLU_TINJAUAN = (
    "tanpa_target",
    "tanpa_data",
    "target_nol",
    "perlu_tinjauan",
)
CATATAN = {
    TANPA_TARGET: _("Belum dapat dinilai: tidak ada target untuk triwulan ini"),
    TANPA_DATA: _("Belum ada realisasi"),
    TARGET_NOL: _("Target 0: capaian tidak terdefinisi"),
    PERLU_TINJAUAN: _("Perlu ditinjau: realisasi 0 pada indikator tren negatif"),
}
CATATAN_SINGKAT = {  # for chart axes
    TANPA_TARGET: _("Belum dapat dinilai"),
    TANPA_DATA: _("Belum ada realisasi"),
    TARGET_NOL: _("Target 0"),
    PERLU_TINJAUAN: _("Perlu ditinjau"),
}


@dataclass(frozen=True)
class Capaian:
    realisasi: Decimal | None  # R for the period evaluated
    persen: Decimal | None  # capaian in %, None when undefined
    catatan: str = ""  # why it is undefined or flagged: one of CATATAN

    @property
    def terdefinisi(self) -> bool:
        return self.persen is not None


def realisasi_periode(rumus: int, values: Sequence[Decimal]) -> Decimal | None:
    """R for a period from the values entered so far, in order: the sum for tren positif (values
    are additive), the latest value for the other types. None when nothing was entered."""
    if not values:
        return None
    if rumus == Rumus.TREN_POSITIF:
        return sum(values, Decimal(0))
    return values[-1]


def capaian(rumus: int, target: Decimal | None, realisasi: Decimal | None) -> Capaian:
    """Capaian (%) of one indicator for a period.

    - tren positif, persentase, nilai akhir: R / T × 100; T = 0 → undefined (excluded from
      averages, shown as "—");
    - tren negatif: T / R × 100; R = 0 → 100% when T = 0, else undefined and flagged for review;
    - no target for the period: "belum dapat dinilai" whatever was entered (never a 0%).
    """
    if target is None:
        return Capaian(realisasi, None, TANPA_TARGET)
    if realisasi is None:
        return Capaian(None, None, TANPA_DATA)
    if rumus == Rumus.TREN_NEGATIF:
        if realisasi == 0:
            return (
                Capaian(realisasi, HUNDRED, "")
                if target == 0
                else Capaian(realisasi, None, PERLU_TINJAUAN)
            )
        return Capaian(realisasi, target / realisasi * HUNDRED)
    if target == 0:
        return Capaian(realisasi, None, TARGET_NOL)
    return Capaian(realisasi, realisasi / target * HUNDRED)


def target_triwulan(
    rumus: int, target_tahunan: Decimal, targets: Sequence[Decimal | None], triwulan: int
) -> Decimal | None:
    """The target that the achievement "up to quarter n" is measured against, None when the
    indicator has none for that quarter (the quarter cannot be assessed: "belum dapat dinilai").

    - tren positif (additive values): the sum of the quarterly targets of quarters 1..n when all
      of them were set;
    - the other types (the latest value counts): the quarter's own target;
    - quarter IV without quarterly targets: the annual target, which is the year-end target.

    No target is invented for quarters I–III: an annual target is not a target for March (a
    coverage of 20% in March against a year-end 90% is on course, not "Sangat Rendah")."""
    if not 1 <= triwulan <= 4:
        raise ValueError(triwulan)
    if rumus == Rumus.TREN_POSITIF:
        quarters = list(targets[:triwulan])
        if all(q is not None for q in quarters):
            return sum(quarters, Decimal(0))
    elif targets[triwulan - 1] is not None:
        return targets[triwulan - 1]
    return target_tahunan if triwulan == 4 else None


def capaian_indikator(rumus: int, target: Decimal | None, values: Sequence[Decimal]) -> Capaian:
    return capaian(rumus, target, realisasi_periode(rumus, values))


def rata_rata(items: Sequence[Capaian]) -> Decimal | None:
    """Arithmetic mean of the defined capaian values (E.81 footer rule), None when none."""
    defined = [c.persen for c in items if c.persen is not None]
    if not defined:
        return None
    return sum(defined, Decimal(0)) / len(defined)
