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


# ------------------------------------------------------------------ the month a figure is read at


@dataclass(frozen=True)
class Kalender:
    """The reporting calendar of one fiscal year as seen today: which months are due (their
    cut-off has passed, pemda time zone) and which are still running. One query."""

    tahun: int
    batas: dict  # month -> cut-off date
    hari_ini: object

    @classmethod
    def of(cls, tahun_anggaran, *, today=None) -> Kalender:
        from pantau.monitoring.models import PeriodeLaporan
        from pantau.monitoring.workflow import today_in

        batas = dict(
            PeriodeLaporan.objects.filter(tahun_anggaran=tahun_anggaran).values_list(
                "bulan", "batas_waktu"
            )
        )
        return cls(tahun_anggaran.tahun, batas, today or today_in(tahun_anggaran.pemda))

    def berjalan(self, bulan: int) -> bool:
        """The month's reports are not due yet (its cut-off has not passed)."""
        cutoff = self.batas.get(bulan)
        return cutoff is None or self.hari_ini <= cutoff

    @property
    def bulan_ditutup(self) -> int | None:
        """The last month whose reports are due, None before the first cut-off."""
        due = [m for m in self.batas if not self.berjalan(m)]
        return max(due) if due else None

    @property
    def bulan_baku(self) -> int:
        """The month every page shows by default: the last due month, else January (running)."""
        return self.bulan_ditutup or 1

    def triwulan_selesai(self, bulan: int) -> int:
        """The last quarter that has ended by month `bulan` and whose last month is due (0: none
        yet): achievement is judged only for such a quarter."""
        q = bulan // 3
        while q and self.berjalan(3 * q):
            q -= 1
        return q


def label_angka(*, dasar, bulan: int, tahun: int, berjalan: bool = False) -> str:
    """What a headline figure is, in words: "terverifikasi s.d. Oktober 2026" (or "sesuai
    laporan ..."), marked when the month is still running."""
    from pantau.evaluation.choices import Dasar

    params = {"bulan": BULAN[bulan - 1], "tahun": tahun}
    if dasar == Dasar.DILAPORKAN:
        text = _("sesuai laporan (belum tentu diverifikasi) s.d. %(bulan)s %(tahun)s") % params
    else:
        text = _("terverifikasi s.d. %(bulan)s %(tahun)s") % params
    if berjalan:
        text += " " + _("(bulan berjalan)")
    return text


def bulan_dipilih(tahun_anggaran, value=None) -> tuple[int, Kalender]:
    """The month a page shows: the requested one (1–12), else the default month of every page
    (`Kalender.bulan_baku`); with the year's calendar, to mark a running month."""
    kalender = Kalender.of(tahun_anggaran)
    text = str(value or "").strip()
    if re.fullmatch(r"[0-9]{1,2}", text) and 1 <= int(text) <= 12:
        return int(text), kalender
    return kalender.bulan_baku, kalender
