"""Planning: the reference nomenclature and each OPD's yearly plan, budget and indicators."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pantau.core.classification import Terklasifikasi
from pantau.core.models import TenantModel, TimestampedModel
from pantau.planning import codes
from pantau.planning.choices import (
    JenisDokumen,
    JenisIndikator,
    JenisPemetaanSipd,
    Rumus,
    StatusDokumen,
    TahapAnggaran,
    TingkatNomenklatur,
)

MONEY = {"max_digits": 18, "decimal_places": 2}
PERCENT = {"max_digits": 6, "decimal_places": 2}
ZERO = Decimal("0")
HUNDRED = Decimal("100")


class Nomenklatur(TimestampedModel):
    """One row of the national nomenclature, stored per fiscal year (codes change by decree)."""

    tahun = models.PositiveSmallIntegerField(_("tahun"))
    kode = models.CharField(_("kode"), max_length=20)
    nama = models.CharField(_("nomenklatur"), max_length=500)
    tingkat = models.CharField(_("tingkat"), max_length=20, choices=TingkatNomenklatur.choices)
    sumber = models.CharField(_("sumber"), max_length=200, blank=True)

    class Meta:
        ordering = ["tahun", "kode"]
        verbose_name = _("nomenklatur")
        verbose_name_plural = _("nomenklatur")
        constraints = [
            models.UniqueConstraint(
                fields=["tahun", "kode"],
                name="nomenklatur_kode_unik_per_tahun",
                violation_error_message=_("Kode ini sudah ada di nomenklatur tahun tersebut."),
            )
        ]
        indexes = [models.Index(fields=["tahun", "tingkat"], name="nomenklatur_tahun_tingkat")]

    def __str__(self) -> str:
        return f"{self.kode} {self.nama}"

    def clean(self) -> None:
        if self.tingkat in codes.PATTERNS:  # an empty or unknown level: the field refuses it
            codes.validate(self.kode, self.tingkat)


class SumberDana(TimestampedModel):
    """Funding source master (PAD, DAU, DAK fisik, ...); national reference list."""

    kode = models.CharField(_("kode"), max_length=20, unique=True)
    nama = models.CharField(_("nama"), max_length=200)

    class Meta:
        ordering = ["kode"]
        verbose_name = _("sumber dana")
        verbose_name_plural = _("sumber dana")

    def __str__(self) -> str:
        return self.nama


class TahunAnggaran(TenantModel):
    """A fiscal year (calendar year) of one pemda, and which budget version is in force."""

    tahun = models.PositiveSmallIntegerField(
        _("tahun"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    tahap = models.CharField(
        _("versi anggaran berlaku"),
        max_length=10,
        choices=TahapAnggaran.choices,
        default=TahapAnggaran.MURNI,
    )
    tanggal_perubahan = models.DateField(
        _("tanggal penetapan APBD perubahan"), null=True, blank=True
    )

    class Meta:
        ordering = ["pemda", "-tahun"]
        verbose_name = _("tahun anggaran")
        verbose_name_plural = _("tahun anggaran")
        constraints = [
            models.UniqueConstraint(
                fields=["pemda", "tahun"],
                name="tahun_anggaran_unik",
                violation_error_message=_("Tahun anggaran ini sudah ada."),
            )
        ]

    def __str__(self) -> str:
        return gettext("TA %(tahun)s") % {"tahun": self.tahun}


class Program(TenantModel):
    tahun_anggaran = models.ForeignKey(TahunAnggaran, on_delete=models.PROTECT, related_name="+")
    opd = models.ForeignKey("organisations.Opd", on_delete=models.PROTECT, related_name="+")
    nomenklatur = models.ForeignKey(Nomenklatur, on_delete=models.PROTECT, related_name="+")
    kode = models.CharField(_("kode"), max_length=20)
    nama = models.CharField(_("nama"), max_length=500)

    class Meta:
        ordering = ["kode"]
        verbose_name = _("program")
        verbose_name_plural = _("program")
        constraints = [
            models.UniqueConstraint(
                fields=["tahun_anggaran", "opd", "kode"],
                name="program_unik_per_opd_tahun",
                violation_error_message=_("Program ini sudah ada di rencana OPD tahun ini."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kode} {self.nama}"

    def clean(self) -> None:
        from pantau.planning.validation import check_program

        check_program(self)


class Kegiatan(TenantModel):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="kegiatan_set")
    nomenklatur = models.ForeignKey(Nomenklatur, on_delete=models.PROTECT, related_name="+")
    kode = models.CharField(_("kode"), max_length=20)
    nama = models.CharField(_("nama"), max_length=500)

    class Meta:
        ordering = ["kode"]
        verbose_name = _("kegiatan")
        verbose_name_plural = _("kegiatan")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "kode"],
                name="kegiatan_unik_per_program",
                violation_error_message=_("Kegiatan ini sudah ada di program tersebut."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kode} {self.nama}"

    def clean(self) -> None:
        from pantau.planning.validation import check_kegiatan

        check_kegiatan(self)


class SubKegiatan(Terklasifikasi, TenantModel):
    """The unit of planning, budgeting and monitoring (docs/domain.md §3)."""

    kegiatan = models.ForeignKey(
        Kegiatan, on_delete=models.PROTECT, related_name="sub_kegiatan_set"
    )
    # Denormalised from the kegiatan: monthly reads filter by OPD and year without joins.
    opd = models.ForeignKey("organisations.Opd", on_delete=models.PROTECT, related_name="+")
    tahun_anggaran = models.ForeignKey(TahunAnggaran, on_delete=models.PROTECT, related_name="+")
    nomenklatur = models.ForeignKey(Nomenklatur, on_delete=models.PROTECT, related_name="+")
    kode = models.CharField(_("kode"), max_length=20)
    nama = models.CharField(_("nama"), max_length=500)
    pagu_murni = models.DecimalField(_("pagu murni (Rp)"), **MONEY)
    pagu_perubahan = models.DecimalField(_("pagu perubahan (Rp)"), null=True, blank=True, **MONEY)
    sumber_dana = models.ForeignKey(
        SumberDana, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kecamatan = models.ForeignKey(
        "organisations.Wilayah", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    desa = models.ForeignKey(
        "organisations.Wilayah", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    latitude = models.DecimalField(
        _("lintang"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
    )
    longitude = models.DecimalField(
        _("bujur"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    pptk_nama = models.CharField(_("nama PPTK"), max_length=150, blank=True)
    pptk_nip = models.CharField(_("NIP PPTK"), max_length=18, blank=True)

    class Meta:
        ordering = ["kode"]
        verbose_name = _("sub kegiatan")
        verbose_name_plural = _("sub kegiatan")
        constraints = [
            models.UniqueConstraint(
                fields=["kegiatan", "kode"],
                name="sub_kegiatan_unik_per_kegiatan",
                violation_error_message=_("Sub kegiatan ini sudah ada di kegiatan tersebut."),
            ),
            models.CheckConstraint(
                condition=Q(pagu_murni__gte=0),
                name="sub_kegiatan_pagu_murni_tidak_negatif",
                violation_error_message=_("Pagu murni tidak boleh negatif."),
            ),
            models.CheckConstraint(
                condition=Q(pagu_perubahan__isnull=True) | Q(pagu_perubahan__gte=0),
                name="sub_kegiatan_pagu_perubahan_tidak_negatif",
                violation_error_message=_("Pagu perubahan tidak boleh negatif."),
            ),
        ]
        indexes = [
            models.Index(fields=["pemda", "tahun_anggaran", "opd"], name="subkeg_pemda_ta_opd")
        ]

    def __str__(self) -> str:
        return f"{self.kode} {self.nama}"

    def pagu_for(self, tahap: str) -> Decimal:
        if tahap == TahapAnggaran.PERUBAHAN and self.pagu_perubahan is not None:
            return self.pagu_perubahan
        return self.pagu_murni

    @property
    def pagu(self) -> Decimal:
        """The pagu in force: perubahan once the year is in its perubahan stage, else murni."""
        return self.pagu_for(self.tahun_anggaran.tahap)

    def clean(self) -> None:
        from pantau.planning.validation import check_sub_kegiatan

        check_sub_kegiatan(self)


class RencanaBulanan(TenantModel):
    """Monthly plan of a sub kegiatan: anggaran kas (Rp in that month) and planned physical
    progress (cumulative %, the S-curve). Kept per budget version, side by side."""

    sub_kegiatan = models.ForeignKey(SubKegiatan, on_delete=models.CASCADE, related_name="rencana")
    tahap = models.CharField(_("versi"), max_length=10, choices=TahapAnggaran.choices)
    bulan = models.PositiveSmallIntegerField(
        _("bulan"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    anggaran_kas = models.DecimalField(_("anggaran kas (Rp)"), **MONEY)
    target_fisik = models.DecimalField(_("target fisik kumulatif (%)"), **PERCENT)

    class Meta:
        ordering = ["sub_kegiatan", "tahap", "bulan"]
        verbose_name = _("rencana bulanan")
        verbose_name_plural = _("rencana bulanan")
        constraints = [
            models.UniqueConstraint(
                fields=["sub_kegiatan", "tahap", "bulan"],
                name="rencana_unik_per_bulan",
                violation_error_message=_(
                    "Rencana bulan ini untuk tahap anggaran tersebut sudah ada."
                ),
            ),
            models.CheckConstraint(
                condition=Q(bulan__gte=1, bulan__lte=12),
                name="rencana_bulan_1_12",
                violation_error_message=_("Bulan rencana harus 1 sampai 12."),
            ),
            models.CheckConstraint(
                condition=Q(anggaran_kas__gte=0),
                name="rencana_anggaran_kas_tidak_negatif",
                violation_error_message=_("Anggaran kas tidak boleh negatif."),
            ),
            models.CheckConstraint(
                condition=Q(target_fisik__gte=0, target_fisik__lte=100),
                name="rencana_target_fisik_0_100",
                violation_error_message=_("Target fisik harus di antara 0 dan 100%."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sub_kegiatan.kode} {self.tahap} bulan {self.bulan}"


class Indikator(Terklasifikasi, TenantModel):
    """A performance indicator of a program (outcome), kegiatan or sub kegiatan (output)."""

    tahun_anggaran = models.ForeignKey(TahunAnggaran, on_delete=models.PROTECT, related_name="+")
    opd = models.ForeignKey("organisations.Opd", on_delete=models.PROTECT, related_name="+")
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, null=True, blank=True, related_name="indikator_set"
    )
    kegiatan = models.ForeignKey(
        Kegiatan, on_delete=models.CASCADE, null=True, blank=True, related_name="indikator_set"
    )
    sub_kegiatan = models.ForeignKey(
        SubKegiatan, on_delete=models.CASCADE, null=True, blank=True, related_name="indikator_set"
    )
    jenis = models.CharField(_("jenis"), max_length=10, choices=JenisIndikator.choices)
    nama = models.CharField(_("indikator"), max_length=500)
    satuan = models.CharField(_("satuan"), max_length=50)
    rumus = models.PositiveSmallIntegerField(_("rumus capaian"), choices=Rumus.choices)
    target_tahunan = models.DecimalField(_("target tahunan"), max_digits=18, decimal_places=4)
    target_tw1 = models.DecimalField(
        _("target TW I"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    target_tw2 = models.DecimalField(
        _("target TW II"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    target_tw3 = models.DecimalField(
        _("target TW III"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    target_tw4 = models.DecimalField(
        _("target TW IV"), max_digits=18, decimal_places=4, null=True, blank=True
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("indikator")
        verbose_name_plural = _("indikator")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(program__isnull=False, kegiatan__isnull=True, sub_kegiatan__isnull=True)
                    | Q(program__isnull=True, kegiatan__isnull=False, sub_kegiatan__isnull=True)
                    | Q(program__isnull=True, kegiatan__isnull=True, sub_kegiatan__isnull=False)
                ),
                name="indikator_tepat_satu_induk",
                violation_error_message=_(
                    "Indikator harus melekat pada tepat satu program, kegiatan atau sub kegiatan."
                ),
            ),
            models.CheckConstraint(
                condition=Q(rumus__gte=1, rumus__lte=4),
                name="indikator_rumus_1_4",
                violation_error_message=_("Rumus capaian indikator tidak dikenal."),
            ),
        ]
        indexes = [
            models.Index(fields=["pemda", "tahun_anggaran", "opd"], name="indikator_pemda_ta_opd")
        ]

    def __str__(self) -> str:
        return self.nama

    @property
    def targets_triwulan(self) -> list[Decimal | None]:
        return [self.target_tw1, self.target_tw2, self.target_tw3, self.target_tw4]

    @property
    def induk(self):
        return self.program or self.kegiatan or self.sub_kegiatan

    def clean(self) -> None:
        from pantau.planning.validation import check_indikator

        check_indikator(self)


class ImportJob(TenantModel):
    """One uploaded file and its import: dry run first, then (on request) the real import, both
    run in the task queue. `kind` names the importer in `planning.jobs.KINDS` (rencana today;
    realisation and SIPD imports register their own); the file stays in private storage."""

    class Status(models.TextChoices):
        ANTRI = "antri", _("antri")
        BERJALAN = "berjalan", _("berjalan")
        SELESAI = "selesai", _("selesai")
        GAGAL = "gagal", _("gagal")

    class Mode(models.TextChoices):
        UJI = "uji", _("uji coba")
        IMPOR = "impor", _("impor")

    tahun_anggaran = models.ForeignKey(TahunAnggaran, on_delete=models.PROTECT, related_name="+")
    opd = models.ForeignKey(
        "organisations.Opd", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oleh"),
    )
    kind = models.CharField(_("jenis"), max_length=30)
    nama_berkas = models.CharField(_("nama berkas"), max_length=200)
    # empty once the file was removed after the retention period (planning.tasks)
    berkas = models.CharField(_("berkas (penyimpanan privat)"), max_length=200, blank=True)
    # the file's SHA-256 at upload: the real import refuses a file that differs from it
    sha256 = models.CharField(_("checksum SHA-256"), max_length=64, blank=True)
    mode = models.CharField(_("tahap"), max_length=10, choices=Mode.choices, default=Mode.UJI)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ANTRI
    )
    progress_done = models.PositiveIntegerField(_("selesai"), default=0)
    progress_total = models.PositiveIntegerField(_("jumlah"), default=0)
    hasil = models.JSONField(_("hasil"), default=dict, blank=True)
    pesan = models.TextField(_("pesan"), blank=True)
    finished_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("impor berkas")
        verbose_name_plural = _("impor berkas")
        indexes = [models.Index(fields=["pemda", "user"], name="importjob_pemda_user")]

    def __str__(self) -> str:
        return f"{self.kind} {self.nama_berkas}"

    @property
    def persen(self) -> int:
        if not self.progress_total:
            return 100 if self.status == self.Status.SELESAI else 0
        return min(100, self.progress_done * 100 // self.progress_total)

    @property
    def berjalan(self) -> bool:
        return self.status in {self.Status.ANTRI, self.Status.BERJALAN}


class PemetaanSipd(TenantModel):
    """How one pemda's SIPD records are read (decision 0023): one row per pemda."""

    tahap = models.CharField(
        _("tahap data SIPD"),
        max_length=10,
        choices=TahapAnggaran.choices,
        default=TahapAnggaran.MURNI,
        help_text=_(
            "Murni: kolom pagu adalah pagu murni. Perubahan: pagumurni adalah pagu murni, pagu "
            "adalah pagu perubahan, dan anggaran kas adalah rencana versi perubahan."
        ),
    )
    jenis_kas = models.CharField(
        _("jenis baris anggaran kas"),
        max_length=50,
        default="belanja",
        help_text=_("Nilai kolom type di data_anggaran_kas yang merupakan rencana kas belanja."),
    )
    rumus_bawaan = models.PositiveSmallIntegerField(
        _("rumus capaian bawaan"), choices=Rumus.choices, default=Rumus.TREN_POSITIF
    )

    class Meta:
        verbose_name = _("pemetaan SIPD")
        verbose_name_plural = _("pemetaan SIPD")
        constraints = [
            models.UniqueConstraint(
                fields=["pemda"],
                name="pemetaan_sipd_satu_per_pemda",
                violation_error_message=_("Pemda ini sudah punya pemetaan SIPD."),
            )
        ]

    def __str__(self) -> str:
        return gettext("Pemetaan SIPD %(pemda)s") % {"pemda": self.pemda}


class PemetaanSipdNilai(TenantModel):
    """One SIPD value of a pemda and the Pantau row (or formula) it stands for."""

    jenis = models.CharField(_("jenis"), max_length=10, choices=JenisPemetaanSipd.choices)
    nilai_sipd = models.CharField(_("nilai SIPD"), max_length=200)
    opd = models.ForeignKey(
        "organisations.Opd", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sumber_dana = models.ForeignKey(
        SumberDana, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    wilayah = models.ForeignKey(
        "organisations.Wilayah",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rumus = models.PositiveSmallIntegerField(
        _("rumus capaian"), choices=Rumus.choices, null=True, blank=True
    )

    class Meta:
        ordering = ["jenis", "nilai_sipd"]
        verbose_name = _("nilai pemetaan SIPD")
        verbose_name_plural = _("nilai pemetaan SIPD")
        constraints = [
            models.UniqueConstraint(
                fields=["pemda", "jenis", "nilai_sipd"],
                name="pemetaan_sipd_nilai_unik",
                violation_error_message=_("Nilai SIPD ini sudah dipetakan untuk jenis tersebut."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(jenis="unit", opd__isnull=False, sumber_dana__isnull=True)
                    | Q(jenis="dana", sumber_dana__isnull=False, opd__isnull=True)
                    | Q(jenis__in=["kecamatan", "desa"], wilayah__isnull=False, opd__isnull=True)
                    | Q(jenis="rumus", rumus__isnull=False, opd__isnull=True)
                ),
                name="pemetaan_sipd_nilai_tujuan_sesuai_jenis",
                violation_error_message=_("Tujuan pemetaan tidak sesuai dengan jenisnya."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jenis}: {self.nilai_sipd}"

    def clean(self) -> None:
        from pantau.organisations.choices import TingkatWilayah

        errors = {}
        if self.opd_id and self.opd.pemda_id != self.pemda_id:
            errors["opd"] = _("OPD milik pemda lain.")
        if self.wilayah_id:
            expected = (
                TingkatWilayah.KECAMATAN
                if self.jenis == JenisPemetaanSipd.KECAMATAN
                else TingkatWilayah.DESA_KELURAHAN
            )
            if self.wilayah.pemda_id != self.pemda_id or self.wilayah.tingkat != expected:
                errors["wilayah"] = _("Pilih wilayah pemda ini pada tingkat yang sesuai.")
        if errors:
            raise ValidationError(errors)


class DokumenRencana(TenantModel):
    """One version of an OPD's plan for a fiscal year (DPA murni, a pergeseran, the DPPA) and
    where it stands on its way to being locked (decision 0020).

    A locked version keeps the plan as it was at locking (`isi`); a pergeseran or APBD-P holds
    its changes as proposed content (`usulan`: sub kegiatan id -> pagu and 12 months of cash
    plan and physical target) until it is locked, when the services apply them."""

    tahun_anggaran = models.ForeignKey(TahunAnggaran, on_delete=models.PROTECT, related_name="+")
    opd = models.ForeignKey("organisations.Opd", on_delete=models.PROTECT, related_name="+")
    versi = models.PositiveSmallIntegerField(_("versi"))
    jenis = models.CharField(_("jenis"), max_length=12, choices=JenisDokumen.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=StatusDokumen.choices, default=StatusDokumen.DRAFT
    )
    catatan = models.TextField(_("catatan pengembalian"), blank=True)
    usulan = models.JSONField(_("usulan perubahan"), default=dict, blank=True)
    isi = models.JSONField(_("isi saat dikunci"), null=True, blank=True)
    dikunci_pada = models.DateTimeField(_("dikunci pada"), null=True, blank=True)

    class Meta:
        ordering = ["tahun_anggaran", "opd", "versi"]
        verbose_name = _("dokumen rencana")
        verbose_name_plural = _("dokumen rencana")
        constraints = [
            models.UniqueConstraint(
                fields=["tahun_anggaran", "opd", "versi"],
                name="dokumen_rencana_versi_unik",
                violation_error_message=_("Versi rencana ini sudah ada untuk OPD dan tahun ini."),
            ),
            models.CheckConstraint(
                condition=Q(versi__gte=1),
                name="dokumen_rencana_versi_positif",
                violation_error_message=_("Nomor versi rencana mulai dari 1."),
            ),
        ]

    def __str__(self) -> str:
        return gettext("Rencana %(opd)s TA %(tahun)s versi %(v)s") % {
            "opd": self.opd.singkatan,
            "tahun": self.tahun_anggaran.tahun,
            "v": self.versi,
        }


class SumberDanaSubKegiatan(TenantModel):
    """One funding source of a sub kegiatan with its amount, per budget version; the amounts of a
    version add up to its pagu. `SubKegiatan.sumber_dana` stays the main (largest) source."""

    sub_kegiatan = models.ForeignKey(
        SubKegiatan, on_delete=models.CASCADE, related_name="sumber_dana_rinci"
    )
    tahap = models.CharField(_("versi"), max_length=10, choices=TahapAnggaran.choices)
    sumber_dana = models.ForeignKey(SumberDana, on_delete=models.PROTECT, related_name="+")
    jumlah = models.DecimalField(_("jumlah (Rp)"), **MONEY)

    class Meta:
        ordering = ["sub_kegiatan", "tahap", "-jumlah"]
        verbose_name = _("sumber dana sub kegiatan")
        verbose_name_plural = _("sumber dana sub kegiatan")
        constraints = [
            models.UniqueConstraint(
                fields=["sub_kegiatan", "tahap", "sumber_dana"],
                name="sumber_dana_sub_unik",
                violation_error_message=_("Sumber dana ini sudah dicatat untuk sub kegiatan ini."),
            ),
            models.CheckConstraint(
                condition=Q(jumlah__gte=0),
                name="sumber_dana_sub_jumlah_tidak_negatif",
                violation_error_message=_("Jumlah sumber dana tidak boleh negatif."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sub_kegiatan.kode} {self.sumber_dana}"


# ---------------------------------------------------------------- Renstra (decision 0038)

RENSTRA_MAX_TAHUN = 6  # a Renstra PD runs 5 years; 6 allows a transition year (decision 0038)


class PeriodeRenstra(TenantModel):
    """The period of an OPD's Renstra PD (typically 5 years): its targets at the end of the
    period are column 5 of Formulir E.81."""

    opd = models.ForeignKey("organisations.Opd", on_delete=models.PROTECT, related_name="+")
    tahun_awal = models.PositiveSmallIntegerField(
        _("tahun awal"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    tahun_akhir = models.PositiveSmallIntegerField(
        _("tahun akhir"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )

    class Meta:
        ordering = ["opd", "-tahun_awal"]
        verbose_name = _("periode Renstra")
        verbose_name_plural = _("periode Renstra")
        constraints = [
            models.UniqueConstraint(
                fields=["opd", "tahun_awal"],
                name="periode_renstra_unik",
                violation_error_message=_("OPD ini sudah punya periode Renstra mulai tahun itu."),
            ),
            models.CheckConstraint(
                condition=Q(tahun_akhir__gte=models.F("tahun_awal"))
                & Q(tahun_akhir__lte=models.F("tahun_awal") + (RENSTRA_MAX_TAHUN - 1)),
                name="periode_renstra_1_6_tahun",
                violation_error_message=_(
                    "Periode Renstra harus 1 sampai 6 tahun (biasanya 5) dan tahun akhir tidak "
                    "sebelum tahun awal."
                ),
            ),
        ]

    def __str__(self) -> str:
        return gettext("Renstra %(opd)s %(awal)s–%(akhir)s") % {
            "opd": self.opd.singkatan,
            "awal": self.tahun_awal,
            "akhir": self.tahun_akhir,
        }

    def contains(self, tahun: int) -> bool:
        return self.tahun_awal <= tahun <= self.tahun_akhir

    def clean(self) -> None:
        errors = {}
        if self.opd_id and self.opd.pemda_id != self.pemda_id:
            errors["opd"] = _("OPD milik pemda lain.")
        if self.tahun_awal and self.tahun_akhir:
            overlap = PeriodeRenstra.objects.filter(
                opd_id=self.opd_id,
                tahun_awal__lte=self.tahun_akhir,
                tahun_akhir__gte=self.tahun_awal,
            ).exclude(pk=self.pk)
            other = overlap.first()
            if other is not None:
                errors["tahun_awal"] = _(
                    "Periode ini bertumpang tindih dengan periode Renstra %(a)s–%(b)s OPD ini."
                ) % {"a": other.tahun_awal, "b": other.tahun_akhir}
        if errors:
            raise ValidationError(errors)


class Sasaran(TenantModel):
    """A sasaran (strategic objective) of an OPD's Renstra, with its own indicator text; the
    programs of the yearly plan say which sasaran they serve (column 2 of E.81)."""

    periode = models.ForeignKey(PeriodeRenstra, on_delete=models.PROTECT, related_name="sasaran")
    kode = models.CharField(_("kode sasaran"), max_length=30)
    uraian = models.CharField(_("sasaran"), max_length=500)
    indikator = models.CharField(_("indikator sasaran"), max_length=500, blank=True)

    class Meta:
        ordering = ["periode", "kode"]
        verbose_name = _("sasaran")
        verbose_name_plural = _("sasaran")
        constraints = [
            models.UniqueConstraint(
                fields=["periode", "kode"],
                name="sasaran_kode_unik_per_periode",
                violation_error_message=_("Kode sasaran ini sudah ada di periode Renstra ini."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kode} {self.uraian}"

    def clean(self) -> None:
        if self.periode_id and self.periode.pemda_id != self.pemda_id:
            raise ValidationError({"periode": _("Periode Renstra milik pemda lain.")})


class ProgramSasaran(TenantModel):
    """A program of the yearly plan serves a sasaran of its OPD's Renstra; a program may serve
    several sasaran (decision 0038)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="sasaran_links")
    sasaran = models.ForeignKey(Sasaran, on_delete=models.PROTECT, related_name="program_links")

    class Meta:
        ordering = ["program", "sasaran__kode"]
        verbose_name = _("sasaran program")
        verbose_name_plural = _("sasaran program")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "sasaran"],
                name="program_sasaran_unik",
                violation_error_message=_("Program ini sudah melayani sasaran tersebut."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.program.kode} → {self.sasaran.kode}"

    def clean(self) -> None:
        periode = self.sasaran.periode
        if periode.opd_id != self.program.opd_id or self.pemda_id != self.program.pemda_id:
            raise ValidationError({"sasaran": _("Sasaran ini bukan sasaran Renstra OPD program.")})
        if not periode.contains(self.program.tahun_anggaran.tahun):
            raise ValidationError(
                {"sasaran": _("Sasaran ini milik periode Renstra yang tidak mencakup tahun ini.")}
            )


class TargetRenstra(TenantModel):
    """The Renstra target of a program or kegiatan indicator at the end of the Renstra period:
    K in the indicator's own unit, Rp the budget (E.81 column 5)."""

    indikator = models.OneToOneField(
        Indikator, on_delete=models.CASCADE, related_name="target_renstra"
    )
    periode = models.ForeignKey(PeriodeRenstra, on_delete=models.PROTECT, related_name="targets")
    target_k = models.DecimalField(_("target Renstra (K)"), max_digits=18, decimal_places=4)
    target_rp = models.DecimalField(_("target Renstra (Rp)"), null=True, blank=True, **MONEY)

    class Meta:
        ordering = ["indikator"]
        verbose_name = _("target Renstra")
        verbose_name_plural = _("target Renstra")
        constraints = [
            models.CheckConstraint(
                condition=Q(target_k__gte=0),
                name="target_renstra_k_tidak_negatif",
                violation_error_message=_("Target Renstra (K) tidak boleh negatif."),
            ),
            models.CheckConstraint(
                condition=Q(target_rp__isnull=True) | Q(target_rp__gte=0),
                name="target_renstra_rp_tidak_negatif",
                violation_error_message=_("Target Renstra (Rp) tidak boleh negatif."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indikator} → {self.target_k}"


class RealisasiRenstra(TenantModel):
    """The realisation of a program or kegiatan indicator in an earlier year of the Renstra
    period (K and Rp): together they are E.81 column 6, the realisation up to last year."""

    indikator = models.ForeignKey(
        Indikator, on_delete=models.CASCADE, related_name="realisasi_renstra"
    )
    tahun = models.PositiveSmallIntegerField(
        _("tahun"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    realisasi_k = models.DecimalField(_("realisasi (K)"), max_digits=18, decimal_places=4)
    realisasi_rp = models.DecimalField(_("realisasi (Rp)"), null=True, blank=True, **MONEY)

    class Meta:
        ordering = ["indikator", "tahun"]
        verbose_name = _("realisasi Renstra tahun lalu")
        verbose_name_plural = _("realisasi Renstra tahun lalu")
        constraints = [
            models.UniqueConstraint(
                fields=["indikator", "tahun"],
                name="realisasi_renstra_unik_per_tahun",
                violation_error_message=_("Realisasi indikator ini untuk tahun itu sudah ada."),
            ),
            models.CheckConstraint(
                condition=Q(realisasi_k__gte=0),
                name="realisasi_renstra_k_tidak_negatif",
                violation_error_message=_("Realisasi (K) tidak boleh negatif."),
            ),
            models.CheckConstraint(
                condition=Q(realisasi_rp__isnull=True) | Q(realisasi_rp__gte=0),
                name="realisasi_renstra_rp_tidak_negatif",
                violation_error_message=_("Realisasi (Rp) tidak boleh negatif."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indikator} {self.tahun}"
