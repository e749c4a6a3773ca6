"""OPD ranking (peringkat OPD): a weighted score of achievement, budget absorption, physical
progress and reporting timeliness. Weights are pemda settings; the page shows every OPD's
components as scored, so a head of OPD can recompute the score (decision 0011):

    skor = Σ (komponen_i × bobot_i) / Σ bobot_i   over the components that are defined,

each component rounded to 2 decimals and clipped to 0–100 first."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

HUNDRED = Decimal(100)
COMPONENTS = ("capaian", "serapan", "fisik", "ketepatan")
LABELS = {
    "capaian": _("capaian indikator"),
    "serapan": _("serapan terhadap rencana kas"),
    "fisik": _("fisik terhadap rencana"),
    "ketepatan": _("laporan tepat waktu"),
}


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


@dataclass(frozen=True)
class Komponen:
    """One component of a score as it enters the formula."""

    nama: str
    nilai: Decimal | None  # the figure as computed (None: undefined)
    dinilai: Decimal | None  # rounded to 2 decimals and clipped to 0–100: what the score uses
    bobot: Decimal

    @property
    def label(self) -> str:
        return str(LABELS[self.nama])

    @property
    def dihitung(self) -> bool:
        """Counted: defined and with a weight (an undefined one drops out with its weight)."""
        return self.dinilai is not None and self.bobot != 0

    @property
    def terpotong(self) -> bool:
        return self.dinilai is not None and self.dinilai != _round(self.nilai)

    @property
    def hasil_kali(self) -> Decimal | None:
        return self.dinilai * self.bobot if self.dihitung else None


@dataclass
class Skor:
    key: object
    komponen: dict[str, Decimal | None]
    nilai: Decimal | None = None
    peringkat: int | None = None
    catatan: list[str] = field(default_factory=list)
    rincian: list[Komponen] = field(default_factory=list)  # the formula's terms, in order

    @property
    def catatan_label(self) -> str:
        """The undefined components, by name."""
        return ", ".join(str(LABELS[n]) for n in self.catatan)

    @property
    def jumlah_hasil_kali(self) -> Decimal:
        return sum((k.hasil_kali for k in self.rincian if k.dihitung), Decimal(0))

    @property
    def jumlah_bobot(self) -> Decimal:
        return sum((k.bobot for k in self.rincian if k.dihitung), Decimal(0))


def _round(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _clip(value: Decimal | None) -> Decimal | None:
    return None if value is None else max(Decimal(0), min(HUNDRED, value))


def rincian_skor(komponen: dict[str, Decimal | None], bobot: Bobot) -> list[Komponen]:
    """The terms of the score: every component with its value, its scored value (2 decimals,
    0–100: an achievement above 100% counts as 100; the figure itself is never clipped) and
    its weight."""
    return [
        Komponen(name, komponen.get(name), _clip(_round(komponen.get(name))), getattr(bobot, name))
        for name in COMPONENTS
    ]


def skor(komponen: dict[str, Decimal | None], bobot: Bobot) -> Decimal | None:
    """Weighted mean of the defined components as scored (`rincian_skor`). Undefined components
    are left out and their weight with them; None when nothing is defined."""
    terms = [k for k in rincian_skor(komponen, bobot) if k.dihitung]
    total_weight = sum((k.bobot for k in terms), Decimal(0))
    if not total_weight:
        return None
    return sum((k.dinilai * k.bobot for k in terms), Decimal(0)) / total_weight


def peringkat(items: list[Skor], bobot: Bobot) -> list[Skor]:
    """Score and rank: best first; equal scores share a rank; unscored items last, unranked."""
    for item in items:
        item.rincian = rincian_skor(item.komponen, bobot)
        item.nilai = skor(item.komponen, bobot)
        item.catatan = [n for n in COMPONENTS if item.komponen.get(n) is None]
    scored = sorted((i for i in items if i.nilai is not None), key=lambda i: i.nilai, reverse=True)
    previous, rank = None, 0
    for position, item in enumerate(scored, start=1):
        if item.nilai != previous:
            rank, previous = position, item.nilai
        item.peringkat = rank
    return scored + [i for i in items if i.nilai is None]
