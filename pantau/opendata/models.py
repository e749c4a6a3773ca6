"""Sectoral datasets (Satu Data Indonesia), their versions and rows, and the publication log.

A dataset belongs to an OPD (Produsen Data), carries the Satu Data metadata, a classification
(`Terklasifikasi`) and its declared Table Schema, and is published by the Walidata (Diskominfo).
Every upload is a new `DatasetVersi` validated against that schema, with its rows (`BarisData`); the public sees the
version the Walidata approved (`versi_terbit`) and nothing else. Development data (realisation,
indicators) are datasets too, whose versions are produced by the system (`sumber_sistem`).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pantau.core.classification import Terklasifikasi
from pantau.core.models import TenantModel, TimestampedModel


class Frekuensi(models.TextChoices):
    TAHUNAN = "tahunan", _("Tahunan")
    SEMESTERAN = "semesteran", _("Semesteran")
    TRIWULANAN = "triwulanan", _("Triwulanan")
    BULANAN = "bulanan", _("Bulanan")
    TIDAK_TETAP = "tidak_tetap", _("Tidak tetap")


class StatusDataset(models.TextChoices):
    DRAFT = "draft", _("Draf")
    DIAJUKAN = "diajukan", _("Diajukan ke Walidata")
    DIKEMBALIKAN = "dikembalikan", _("Dikembalikan untuk diperbaiki")
    TERBIT = "terbit", _("Terbit")
    DITARIK = "ditarik", _("Ditarik dari publikasi")


class TingkatPenyajian(models.TextChoices):
    KABUPATEN = "kabupaten", _("Kabupaten/kota")
    KECAMATAN = "kecamatan", _("Kecamatan")
    DESA_KELURAHAN = "desa_kelurahan", _("Desa/kelurahan")


PERIODE_BERURUTAN = _("Periode akhir tidak boleh sebelum periode awal.")


class Topik(TimestampedModel):
    """A topic (CKAN group, DCAT theme): shared by every pemda."""

    nama = models.SlugField(_("nama (slug)"), max_length=60, unique=True)
    judul = models.CharField(_("judul"), max_length=120)
    tema_eu = models.CharField(_("tema DCAT (EU data-theme)"), max_length=10, blank=True)

    class Meta:
        ordering = ["judul"]
        verbose_name = _("topik")
        verbose_name_plural = _("topik")

    def __str__(self) -> str:
        return self.judul


class Dataset(Terklasifikasi, TenantModel):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    nama = models.SlugField(_("nama (slug)"), max_length=100)
    judul = models.CharField(_("judul"), max_length=250)
    deskripsi = models.TextField(_("deskripsi"))
    opd = models.ForeignKey(
        "organisations.Opd",
        on_delete=models.PROTECT,
        related_name="datasets",
        verbose_name=_("produsen data"),
    )
    topik = models.ManyToManyField(
        Topik, blank=True, related_name="dataset", verbose_name=_("topik")
    )
    kata_kunci = models.CharField(
        _("kata kunci"), max_length=300, blank=True, help_text=_("Pisahkan dengan koma.")
    )
    konsep = models.TextField(_("konsep"), blank=True)
    definisi = models.TextField(_("definisi"), blank=True)
    klasifikasi_penyajian = models.CharField(_("klasifikasi penyajian"), max_length=200, blank=True)
    ukuran = models.CharField(_("ukuran"), max_length=200, blank=True)
    satuan = models.CharField(_("satuan"), max_length=100, blank=True)
    frekuensi = models.CharField(_("frekuensi"), max_length=12, choices=Frekuensi.choices)
    periode_awal = models.DateField(_("periode awal"))
    periode_akhir = models.DateField(_("periode akhir"))
    tahun = models.PositiveSmallIntegerField(_("tahun data"), null=True, blank=True)
    tingkat_penyajian = models.CharField(
        _("tingkat penyajian"),
        max_length=15,
        choices=TingkatPenyajian.choices,
        default=TingkatPenyajian.KABUPATEN,
    )
    metode = models.TextField(_("metode / sumber data"), blank=True)
    lisensi = models.CharField(_("lisensi"), max_length=30, default="cc-by")
    status = models.CharField(
        _("status"), max_length=12, choices=StatusDataset.choices, default=StatusDataset.DRAFT
    )
    catatan_walidata = models.TextField(_("catatan walidata"), blank=True)
    # Development data produced by the system (see opendata.development); "" = uploaded by an OPD.
    sumber_sistem = models.CharField(_("dibuat sistem dari"), max_length=40, blank=True)
    versi_terbit = models.ForeignKey(
        "DatasetVersi", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    disetujui_pada = models.DateTimeField(_("disetujui walidata pada"), null=True, blank=True)
    diterbitkan_pada = models.DateTimeField(_("pertama terbit"), null=True, blank=True)
    diubah_publik = models.DateTimeField(_("terakhir berubah (publik)"), null=True, blank=True)
    # Small-cell suppression (docs/domain.md §16.3), fixed by the Walidata at publication: in
    # these person-count columns a value from 1 to below `ambang_sel_kecil` is never public.
    kolom_sel_kecil = models.JSONField(
        _("kolom jumlah orang (sel kecil)"), default=list, blank=True
    )
    ambang_sel_kecil = models.PositiveSmallIntegerField(_("ukuran sel minimum"), default=0)
    # The declared Table Schema (opendata.skema): per column name, title, type and whether it
    # counts people. Proposed from the first file and confirmed by the producer before any data
    # are accepted; every version is validated against it. {} = not declared yet. System series
    # (sumber_sistem) take their schema from opendata.development instead.
    skema = models.JSONField(_("skema tabel yang dinyatakan"), default=dict, blank=True)
    # The upload waiting for its schema to be confirmed: private file name, original name,
    # change note, row count and the proposed schema. {} = none.
    unggahan_tertunda = models.JSONField(_("unggahan menunggu skema"), default=dict, blank=True)
    # Size and SHA-256 of the public CSV as served (after suppression), set at publication:
    # the resource's `size` and `hash` describe the file a harvester downloads.
    csv_ukuran = models.PositiveBigIntegerField(null=True, blank=True)
    csv_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["judul"]
        verbose_name = _("dataset")
        verbose_name_plural = _("dataset")
        constraints = [
            models.UniqueConstraint(
                fields=["pemda", "nama"],
                name="dataset_nama_unik_per_pemda",
                violation_error_message=_("Nama dataset ini sudah dipakai di pemda ini."),
            ),
            models.CheckConstraint(
                condition=Q(periode_awal__lte=models.F("periode_akhir")),
                name="dataset_periode_berurutan",
                violation_error_message=PERIODE_BERURUTAN,
            ),
        ]
        indexes = [models.Index(fields=["pemda", "status", "klasifikasi"], name="dataset_publik")]

    def __str__(self) -> str:
        return self.judul

    @property
    def tags(self) -> list[str]:
        return [t.strip() for t in self.kata_kunci.split(",") if t.strip()]


class DatasetVersi(TenantModel):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="versi")
    nomor = models.PositiveIntegerField(_("versi"))
    nama_berkas = models.CharField(_("nama berkas"), max_length=255)
    format = models.CharField(_("format"), max_length=10)  # csv / xlsx / sistem
    berkas = models.CharField(_("berkas asli (privat)"), max_length=255, blank=True)
    sha256 = models.CharField(max_length=64)
    ukuran = models.PositiveIntegerField(_("ukuran (bita)"), default=0)
    skema = models.JSONField(_("skema tabel (Frictionless)"))
    jumlah_baris = models.PositiveIntegerField(_("jumlah baris"))
    catatan = models.CharField(_("catatan perubahan"), max_length=500, blank=True)
    diunggah_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["dataset", "-nomor"]
        verbose_name = _("versi dataset")
        verbose_name_plural = _("versi dataset")
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "nomor"],
                name="versi_nomor_unik",
                violation_error_message=_("Versi bernomor ini sudah ada untuk dataset tersebut."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.dataset} v{self.nomor}"

    @property
    def kolom(self) -> list[str]:
        return [f["name"] for f in self.skema.get("fields", [])]


class BarisData(models.Model):
    """One row of a dataset version (values keyed by column name, typed by the schema)."""

    versi = models.ForeignKey(DatasetVersi, on_delete=models.CASCADE, related_name="baris")
    nomor = models.PositiveIntegerField()  # 1-based, the DataStore `_id`
    data = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["versi", "nomor"],
                name="baris_nomor_unik",
                violation_error_message=_("Baris bernomor ini sudah ada di versi tersebut."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.versi_id}#{self.nomor}"


class Publikasi(TenantModel):
    """The publication log: what was published, updated, withdrawn or returned, and when."""

    class Aksi(models.TextChoices):
        DIAJUKAN = "diajukan", _("Diajukan")
        TERBIT = "terbit", _("Diterbitkan")
        DIPERBARUI = "diperbarui", _("Diperbarui")
        DIKEMBALIKAN = "dikembalikan", _("Dikembalikan")
        DITARIK = "ditarik", _("Ditarik")

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="publikasi")
    versi = models.ForeignKey(
        DatasetVersi, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    aksi = models.CharField(_("aksi"), max_length=12, choices=Aksi.choices)
    oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    catatan = models.TextField(_("catatan"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("log publikasi")
        verbose_name_plural = _("log publikasi")

    def __str__(self) -> str:
        return f"{self.dataset} {self.aksi}"
