"""Financial and physical progress of sub kegiatan and their weighted roll-up (docs/domain.md §6–7).

bobot_i = pagu_i / Σ pagu × 100;  fisik = Σ fisik_i × bobot_i / 100 = Σ pagu_i·fisik_i / Σ pagu
% keuangan = Σ realisasi / Σ pagu × 100.  Undefined (None) when Σ pagu is 0, never a false 0%.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField

from pantau.core.numbers import percent

ZERO = Decimal(0)
PCT = DecimalField(max_digits=6, decimal_places=2)


@dataclass
class Progress:
    """Figures of one node (sub kegiatan, kegiatan, program, OPD or pemda) up to a month.

    Plan figures (cash plan, target fisik, deviation) are defined only over the sub kegiatan
    that have a monthly plan: a missing plan is "undefined", never a 0% target.
    """

    pagu: Decimal = ZERO  # in force at the month (perubahan from the APBD-P's month on)
    realisasi: Decimal = ZERO  # cumulative Rp
    fisik_x_pagu: Decimal = ZERO  # Σ pagu_i · fisik_i
    pagu_rencana: Decimal = ZERO  # Σ pagu of the sub kegiatan with a plan
    realisasi_rencana: Decimal = ZERO  # cumulative Rp of the same sub kegiatan
    rencana_kas: Decimal = ZERO  # cumulative anggaran kas Rp (subs with a plan)
    fisik_x_pagu_rencana: Decimal = ZERO
    target_fisik_x_pagu: Decimal = ZERO
    jumlah_sub: int = 0
    dilaporkan: int = 0  # sub kegiatan with a report for the month
    pagu_murni: Decimal = ZERO  # the pagu of the APBD murni, shown beside a changed pagu

    @property
    def persen_keuangan(self) -> Decimal | None:
        return percent(self.realisasi, self.pagu)

    @property
    def persen_rencana_kas(self) -> Decimal | None:
        return percent(self.rencana_kas, self.pagu_rencana)

    @property
    def serapan_terhadap_rencana(self) -> Decimal | None:
        """Spending against the cash plan, both over the sub kegiatan that have a plan."""
        return percent(self.realisasi_rencana, self.rencana_kas)

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
            "realisasi_rencana",
            "rencana_kas",
            "fisik_x_pagu_rencana",
            "target_fisik_x_pagu",
            "jumlah_sub",
            "dilaporkan",
            "pagu_murni",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self


def total(items: Iterable[Progress]) -> Progress:
    out = Progress()
    for item in items:
        out.add(item)
    return out


def from_opd_row(row) -> Progress:
    """Progress of an OPD month from its roll-up row (evaluation.RingkasanOpd)."""
    return Progress(
        pagu=row.pagu,
        realisasi=row.realisasi,
        fisik_x_pagu=row.fisik_x_pagu,
        pagu_rencana=row.pagu_rencana,
        realisasi_rencana=row.realisasi_rencana,
        rencana_kas=row.rencana_kas,
        fisik_x_pagu_rencana=row.fisik_x_pagu_rencana,
        target_fisik_x_pagu=row.target_fisik_x_pagu,
        jumlah_sub=row.jumlah_sub,
        dilaporkan=row.dilaporkan,
        pagu_murni=row.pagu_murni,
    )


def from_sub_row(row) -> Progress:
    """Progress of one sub kegiatan month from its roll-up row (evaluation.RingkasanSubKegiatan)."""
    planned = row.target_fisik is not None
    return Progress(
        pagu=row.pagu,
        realisasi=row.realisasi,
        fisik_x_pagu=row.pagu * row.fisik,
        pagu_rencana=row.pagu if planned else ZERO,
        realisasi_rencana=row.realisasi if planned else ZERO,
        rencana_kas=row.rencana_kas or ZERO if planned else ZERO,
        fisik_x_pagu_rencana=row.pagu * row.fisik if planned else ZERO,
        target_fisik_x_pagu=row.pagu * row.target_fisik if planned else ZERO,
        jumlah_sub=1,
        dilaporkan=int(row.dilaporkan),
        pagu_murni=row.pagu_murni,
    )
