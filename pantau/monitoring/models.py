"""Monitoring: monthly reporting periods and the realisation reported in them."""

from __future__ import annotations

import calendar
import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pantau.core.models import TenantModel
from pantau.monitoring.choices import StatusRealisasi
from pantau.planning.models import MONEY, PERCENT

BULAN = [
    _("Januari"),
    _("Februari"),
    _("Maret"),
    _("April"),
    _("Mei"),
    _("Juni"),
    _("Juli"),
    _("Agustus"),
    _("September"),
    _("Oktober"),
    _("November"),
    _("Desember"),
]


def default_batas_waktu(tahun: int, bulan: int, hari: int) -> dt.date:
    """The cut-off of a month's report: day `hari` of the following month."""
    year, month = (tahun + 1, 1) if bulan == 12 else (tahun, bulan + 1)
    return dt.date(year, month, min(hari, calendar.monthrange(year, month)[1]))


class PeriodeLaporan(TenantModel):
    """One monthly reporting period of a fiscal year."""

    tahun_anggaran = models.ForeignKey(
        "planning.TahunAnggaran", on_delete=models.PROTECT, related_name="periode_set"
    )
    bulan = models.PositiveSmallIntegerField(
        _("bulan"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    batas_waktu = models.DateField(_("batas waktu laporan"))

    class Meta:
        ordering = ["tahun_anggaran", "bulan"]
        verbose_name = _("periode laporan")
        verbose_name_plural = _("periode laporan")
        constraints = [
            models.UniqueConstraint(
                fields=["tahun_anggaran", "bulan"], name="periode_unik_per_bulan"
            ),
            models.CheckConstraint(
                condition=Q(bulan__gte=1, bulan__lte=12), name="periode_bulan_1_12"
            ),
        ]

    def __str__(self) -> str:
        return f"{BULAN[self.bulan - 1]} {self.tahun_anggaran.tahun}"

    @property
    def triwulan(self) -> int:
        return (self.bulan - 1) // 3 + 1


class Realisasi(TenantModel):
    """The monthly report of one sub kegiatan: money spent in the month (Rp) and cumulative
    physical progress (%), with problems and follow-up."""

    opd = models.ForeignKey("organisations.Opd", on_delete=models.PROTECT, related_name="+")
    sub_kegiatan = models.ForeignKey(
        "planning.SubKegiatan", on_delete=models.PROTECT, related_name="realisasi_set"
    )
    periode = models.ForeignKey(PeriodeLaporan, on_delete=models.PROTECT, related_name="+")
    keuangan = models.DecimalField(_("realisasi keuangan bulan ini (Rp)"), **MONEY)
    fisik = models.DecimalField(_("realisasi fisik kumulatif (%)"), **PERCENT)
    kendala = models.TextField(_("kendala / permasalahan"), blank=True)
    tindak_lanjut = models.TextField(_("tindak lanjut"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=StatusRealisasi.choices, default=StatusRealisasi.DRAFT
    )

    class Meta:
        ordering = ["sub_kegiatan", "periode"]
        verbose_name = _("realisasi")
        verbose_name_plural = _("realisasi")
        constraints = [
            models.UniqueConstraint(
                fields=["sub_kegiatan", "periode"],
                name="realisasi_unik_per_periode",
                violation_error_message=_(
                    "Realisasi sub kegiatan ini untuk periode ini sudah ada."
                ),
            ),
            models.CheckConstraint(
                condition=Q(keuangan__gte=0),
                name="realisasi_keuangan_tidak_negatif",
                violation_error_message=_("Realisasi keuangan tidak boleh negatif."),
            ),
            models.CheckConstraint(
                condition=Q(fisik__gte=0, fisik__lte=100),
                name="realisasi_fisik_0_100",
                violation_error_message=_("Realisasi fisik harus di antara 0 dan 100%."),
            ),
        ]
        indexes = [
            models.Index(fields=["pemda", "periode", "opd"], name="realisasi_pemda_periode_opd"),
        ]

    def __str__(self) -> str:
        return f"{self.sub_kegiatan.kode} · {self.periode}"


class RealisasiIndikator(TenantModel):
    """The realised value of one indicator in one period (quarter-end months as a rule)."""

    opd = models.ForeignKey("organisations.Opd", on_delete=models.PROTECT, related_name="+")
    indikator = models.ForeignKey(
        "planning.Indikator", on_delete=models.PROTECT, related_name="realisasi_set"
    )
    periode = models.ForeignKey(PeriodeLaporan, on_delete=models.PROTECT, related_name="+")
    nilai = models.DecimalField(_("nilai"), max_digits=18, decimal_places=4)
    catatan = models.TextField(_("catatan"), blank=True)

    class Meta:
        ordering = ["indikator", "periode"]
        verbose_name = _("realisasi indikator")
        verbose_name_plural = _("realisasi indikator")
        constraints = [
            models.UniqueConstraint(
                fields=["indikator", "periode"],
                name="realisasi_indikator_unik_per_periode",
                violation_error_message=_("Nilai indikator ini untuk periode ini sudah ada."),
            ),
        ]
        indexes = [
            models.Index(fields=["pemda", "periode", "opd"], name="realind_pemda_periode_opd")
        ]

    def __str__(self) -> str:
        return f"{self.indikator} · {self.periode}"
