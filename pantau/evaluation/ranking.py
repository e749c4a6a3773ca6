"""OPD ranking (peringkat OPD): a weighted score of achievement, budget absorption, physical
progress and reporting timeliness. Weights are pemda settings and are shown with the ranking."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

HUNDRED = Decimal(100)
COMPONENTS = ("capaian", "serapan", "fisik", "ketepatan")


@dataclass(frozen=True)
class Bobot:
    capaian: Decimal = Decimal(25)
    serapan: Decimal = Decimal(25)
    fisik: Decimal = Decimal(25)
    ketepatan: Decimal = Decimal(25)

    @classmethod
    def of(cls, pemda) -> Bobot:
        return cls(
            pemda.bobot_capaian, pemda.bobot_serapan, pemda.bobot_fisik, pemda.bobot_ketepatan
        )


@dataclass
class Skor:
    key: object
    komponen: dict[str, Decimal | None]
    nilai: Decimal | None = None
    peringkat: int | None = None
    catatan: list[str] = field(default_factory=list)


def _clip(value: Decimal | None) -> Decimal | None:
    return None if value is None else max(Decimal(0), min(HUNDRED, value))


def skor(komponen: dict[str, Decimal | None], bobot: Bobot) -> Decimal | None:
    """Weighted mean of the defined components, each clipped to 0–100 (an achievement above
    100% counts as 100 in the score; the figure itself is never clipped). Undefined components
    are left out and their weight with them; None when nothing is defined."""
    total_weight = Decimal(0)
    total = Decimal(0)
    for name in COMPONENTS:
        value = _clip(komponen.get(name))
        weight = getattr(bobot, name)
        if value is None or weight == 0:
            continue
        total += value * weight
        total_weight += weight
    return total / total_weight if total_weight else None


def peringkat(items: list[Skor], bobot: Bobot) -> list[Skor]:
    """Score and rank: best first; equal scores share a rank; unscored items last, unranked."""
    for item in items:
        item.nilai = skor(item.komponen, bobot)
        item.catatan = [n for n in COMPONENTS if item.komponen.get(n) is None]
    scored = sorted((i for i in items if i.nilai is not None), key=lambda i: i.nilai, reverse=True)
    previous, rank = None, 0
    for position, item in enumerate(scored, start=1):
        if item.nilai != previous:
            rank, previous = position, item.nilai
        item.peringkat = rank
    return scored + [i for i in items if i.nilai is None]
