"""Indicator achievement read from the roll-ups for the dashboard and its drill-down: each
indicator recomputed at full precision, and the distribution over categories and reasons."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from pantau.evaluation.achievement import CATATAN, CATATAN_SINGKAT, Capaian, capaian
from pantau.evaluation.categories import kategori_for
from pantau.evaluation.models import RingkasanIndikator


def capaian_triwulan(
    ta, triwulan: int, where: Q | None = None, dasar: str = "terverifikasi"
) -> list[tuple[int, Capaian]]:
    """(OPD id, achievement) of every indicator of the year up to a quarter, on one basis
    (verified by default), in one query.

    The achievement is recomputed at full precision from the stored target and realisation
    (both exact), never read from the rounded `capaian` column: categories and averages are
    decided on the full-precision figure (docs/domain.md §8)."""
    rows = RingkasanIndikator.objects.filter(tahun_anggaran=ta, dasar=dasar, triwulan=triwulan)
    if where is not None:
        rows = rows.filter(where)
    return [
        (opd_id, capaian(rumus, target, realisasi))
        for opd_id, rumus, target, realisasi in rows.values_list(
            "opd_id", "indikator__rumus", "target", "realisasi"
        )
    ]


@dataclass(frozen=True)
class Sebaran:
    """One line of the achievement distribution: a category, or a reason the achievement is
    undefined (`catatan`, one of achievement.CATATAN)."""

    kategori: object
    catatan: str
    jumlah: int

    @property
    def label(self) -> str:
        return self.kategori.nama if self.kategori else str(CATATAN[self.catatan])

    @property
    def label_singkat(self) -> str:
        return self.kategori.nama if self.kategori else str(CATATAN_SINGKAT[self.catatan])


def distribusi_capaian(items: list[Capaian]) -> list[Sebaran]:
    """How many indicators fall in each achievement category (decided on the full-precision
    figure), then how many cannot be assessed, per reason ("perlu ditinjau" among them)."""
    from pantau.evaluation.categories import kategori_list

    cats = kategori_list()
    counted = dict.fromkeys((c.pk for c in cats), 0)
    reasons = dict.fromkeys(CATATAN, 0)
    for item in items:
        if item.persen is None:
            reasons[item.catatan] = reasons.get(item.catatan, 0) + 1
            continue
        found = kategori_for(item.persen)
        if found is not None:
            counted[found.pk] += 1
    return [Sebaran(c, "", counted[c.pk]) for c in cats] + [
        Sebaran(None, code, n) for code, n in reasons.items()
    ]
