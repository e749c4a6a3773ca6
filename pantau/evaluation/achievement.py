"""Achievement (tingkat capaian) of indicators: the four formula types of docs/domain.md §8.

Pure functions on Decimal; full precision is kept (round only for display). Undefined results
are None with a reason, never a misleading 0%.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from pantau.planning.choices import Rumus

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Capaian:
    realisasi: Decimal | None  # R for the period evaluated
    persen: Decimal | None  # capaian in %, None when undefined
    catatan: str = ""  # why it is undefined or flagged: tanpa_data, target_nol, perlu_tinjauan

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
    - tren negatif: T / R × 100; R = 0 → 100% when T = 0, else undefined and flagged for review.
    """
    if realisasi is None:
        return Capaian(None, None, "tanpa_data")
    if target is None:
        return Capaian(realisasi, None, "tanpa_target")
    if rumus == Rumus.TREN_NEGATIF:
        if realisasi == 0:
            return (
                Capaian(realisasi, HUNDRED, "")
                if target == 0
                else Capaian(realisasi, None, "perlu_tinjauan")
            )
        return Capaian(realisasi, target / realisasi * HUNDRED)
    if target == 0:
        return Capaian(realisasi, None, "target_nol")
    return Capaian(realisasi, realisasi / target * HUNDRED)


def capaian_indikator(rumus: int, target: Decimal | None, values: Sequence[Decimal]) -> Capaian:
    return capaian(rumus, target, realisasi_periode(rumus, values))


def rata_rata(items: Sequence[Capaian]) -> Decimal | None:
    """Arithmetic mean of the defined capaian values (E.81 footer rule), None when none."""
    defined = [c.persen for c in items if c.persen is not None]
    if not defined:
        return None
    return sum(defined, Decimal(0)) / len(defined)
