"""The dashboard's period: a month, a quarter (triwulan) or the year.

Monitoring figures are cumulative (realisation to date, physical progress as of the latest
report), so a period is shown *up to its last month*; the money spent *within* the period is
the difference between the cumulative figures at its end and just before its start.
A period that has not ended yet (the current quarter or year) is shown up to the last closed
month and marked as running, never compared with a plan for months nobody has reported yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from pantau.monitoring.models import BULAN

ROMAWI = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class Periode:
    jenis: str  # "bulan", "triwulan" or "tahun"
    nomor: int  # month 1–12, quarter 1–4, 0 for the year
    bulan_awal: int
    bulan_akhir: int  # the month the cumulative figures are read at
    berjalan: bool = False  # cut short at the last closed month

    @property
    def kode(self) -> str:
        return {"bulan": str(self.nomor), "triwulan": f"tw{self.nomor}"}.get(self.jenis, "tahun")

    @property
    def label(self) -> str:
        if self.jenis == "bulan":
            return str(BULAN[self.nomor - 1])
        if self.jenis == "triwulan":
            return _("Triwulan %(n)s") % {"n": ROMAWI[self.nomor]}
        return _("Setahun")

    @property
    def nama_bulan_akhir(self) -> str:
        return str(BULAN[self.bulan_akhir - 1])


def periode_choices() -> list[tuple[str, str]]:
    """Options of the period selector, in the order shown."""
    months = [(str(n), str(name)) for n, name in enumerate(BULAN, start=1)]
    quarters = [(f"tw{q}", _("Triwulan %(n)s") % {"n": ROMAWI[q]}) for q in range(1, 5)]
    return months + quarters + [("tahun", _("Setahun"))]


def periode_parse(value, *, bulan_terakhir: int) -> Periode:
    """Read a selector value; anything unknown falls back to the month `bulan_terakhir` (the
    latest closed month of the year, 12 for a past year). Quarter and year end no later than
    that month."""
    text = str(value or "").strip().lower()
    if re.fullmatch(r"[0-9]{1,2}", text) and 1 <= int(text) <= 12:
        m = int(text)
        return Periode("bulan", m, m, m)
    if re.fullmatch(r"tw[1-4]", text):
        q = int(text[2])
        start, end = 3 * q - 2, 3 * q
        if start > bulan_terakhir:  # a quarter that has not started: show it whole, plan only
            return Periode("triwulan", q, start, end)
        return Periode(
            "triwulan", q, start, min(end, bulan_terakhir), berjalan=end > bulan_terakhir
        )
    if text == "tahun":
        return Periode("tahun", 0, 1, bulan_terakhir, berjalan=bulan_terakhir < 12)
    return Periode("bulan", bulan_terakhir, bulan_terakhir, bulan_terakhir)
