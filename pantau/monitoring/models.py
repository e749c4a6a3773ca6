"""Monitoring: monthly reporting periods and the realisation reported in them."""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pantau.core.classification import Terklasifikasi
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
                fields=["tahun_anggaran", "bulan"],
                name="periode_unik_per_bulan",
                violation_error_message=_("Periode laporan bulan ini sudah ada di tahun ini."),
            ),
            models.CheckConstraint(
                condition=Q(bulan__gte=1, bulan__lte=12),
                name="periode_bulan_1_12",
                violation_error_message=_("Bulan periode laporan harus 1 sampai 12."),
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
    # Warnings found by the data-quality rules at the last save ([{"kode", "pesan"}]); a report
    # with warnings can be submitted only with a written explanation.
    peringatan = models.JSONField(_("peringatan"), default=list, blank=True)
    penjelasan = models.TextField(_("penjelasan atas peringatan"), blank=True)
    diajukan_pada = models.DateTimeField(_("pertama diajukan"), null=True, blank=True)
    # The official (verified) version: frozen when Bappeda verifies, kept while a correction
    # of a reopened period goes through the workflow, replaced when the correction is verified.
    versi = models.PositiveSmallIntegerField(_("versi"), default=1)
    keuangan_resmi = models.DecimalField(
        _("realisasi keuangan terverifikasi (Rp)"), null=True, blank=True, **MONEY
    )
    fisik_resmi = models.DecimalField(
        _("realisasi fisik terverifikasi (%)"), null=True, blank=True, **PERCENT
    )
    diverifikasi_pada = models.DateTimeField(_("versi resmi diverifikasi"), null=True, blank=True)
    versi_resmi = models.PositiveSmallIntegerField(_("versi resmi"), null=True, blank=True)

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
            models.CheckConstraint(
                condition=Q(keuangan_resmi__isnull=True, fisik_resmi__isnull=True)
                | Q(keuangan_resmi__gte=0, fisik_resmi__gte=0, fisik_resmi__lte=100),
                name="realisasi_versi_resmi_lengkap",
                violation_error_message=_(
                    "Versi terverifikasi sebuah laporan harus memuat realisasi keuangan dan fisik."
                ),
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
    # the value of the report's verified version (sub kegiatan indicators), see Realisasi
    nilai_resmi = models.DecimalField(
        _("nilai terverifikasi"), max_digits=18, decimal_places=4, null=True, blank=True
    )
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


class RiwayatStatus(TenantModel):
    """One step of a report's workflow trail (submitted, approved, returned, verified...)."""

    realisasi = models.ForeignKey(Realisasi, on_delete=models.CASCADE, related_name="riwayat")
    dari = models.CharField(_("dari"), max_length=20, choices=StatusRealisasi.choices, blank=True)
    ke = models.CharField(_("ke"), max_length=20, choices=StatusRealisasi.choices)
    aktor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    aktor_label = models.CharField(_("oleh"), max_length=150)
    catatan = models.TextField(_("catatan"), blank=True)

    class Meta:
        ordering = ["realisasi", "created_at", "id"]
        verbose_name = _("riwayat status")
        verbose_name_plural = _("riwayat status")

    def __str__(self) -> str:
        return f"{self.realisasi_id}: {self.dari} → {self.ke}"


class PembukaanPeriode(TenantModel):
    """An admin reopened a period for one OPD after its cut-off (with a reason, audited)."""

    opd = models.ForeignKey("organisations.Opd", on_delete=models.PROTECT, related_name="+")
    periode = models.ForeignKey(PeriodeLaporan, on_delete=models.PROTECT, related_name="pembukaan")
    alasan = models.TextField(_("alasan"))
    berlaku_sampai = models.DateField(_("dibuka sampai"))
    aktor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("pembukaan periode")
        verbose_name_plural = _("pembukaan periode")

    def __str__(self) -> str:
        return f"{self.opd} · {self.periode} s.d. {self.berlaku_sampai}"


class KunciPengiriman(TenantModel):
    """An idempotency key: a submission repeated by a flaky connection is applied once."""

    kunci = models.CharField(_("kunci"), max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    realisasi = models.ForeignKey(Realisasi, on_delete=models.CASCADE, null=True, related_name="+")
    # What the key was used for: a reuse for anything else is refused, never answered "ok".
    sub_kegiatan = models.ForeignKey(
        "planning.SubKegiatan", on_delete=models.CASCADE, null=True, related_name="+"
    )
    periode = models.ForeignKey(
        PeriodeLaporan, on_delete=models.CASCADE, null=True, related_name="+"
    )
    sidik = models.CharField(_("sidik isi"), max_length=64, blank=True)
    hasil = models.JSONField(_("hasil"), default=dict)

    class Meta:
        verbose_name = _("kunci pengiriman")
        verbose_name_plural = _("kunci pengiriman")

    def __str__(self) -> str:
        return self.kunci


class Bukti(Terklasifikasi, TenantModel):
    """Evidence attached to a monthly report: a photo (with EXIF read on the server) or a PDF.

    The original is kept in private storage; photos also get a thumbnail and a public copy with
    every EXIF tag removed.
    """

    class Jenis(models.TextChoices):
        FOTO = "foto", _("Foto")
        DOKUMEN = "dokumen", _("Dokumen PDF")

    opd = models.ForeignKey("organisations.Opd", on_delete=models.PROTECT, related_name="+")
    realisasi = models.ForeignKey(Realisasi, on_delete=models.CASCADE, related_name="bukti")
    jenis = models.CharField(_("jenis"), max_length=10, choices=Jenis.choices)
    nama_berkas = models.CharField(_("nama berkas"), max_length=255)
    berkas = models.CharField(_("berkas asli (privat)"), max_length=255)
    thumbnail = models.CharField(_("thumbnail"), max_length=255, blank=True)
    salinan_publik = models.CharField(_("salinan tanpa EXIF"), max_length=255, blank=True)
    content_type = models.CharField(max_length=100)
    ukuran = models.PositiveIntegerField(_("ukuran (bita)"))
    sha256 = models.CharField(max_length=64)
    diambil_pada = models.DateTimeField(_("waktu pengambilan (EXIF)"), null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    jarak_m = models.PositiveIntegerField(_("jarak dari lokasi (m)"), null=True, blank=True)
    peringatan = models.JSONField(_("peringatan"), default=list, blank=True)
    diunggah_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["realisasi", "created_at"]
        verbose_name = _("bukti")
        verbose_name_plural = _("bukti")
        constraints = [
            models.UniqueConstraint(
                fields=["realisasi", "sha256"],
                name="bukti_tidak_ganda",
                violation_error_message=_("Berkas yang sama sudah dilampirkan."),
            )
        ]

    def __str__(self) -> str:
        return self.nama_berkas
