"""Every official report generated is kept (issue 14 §5): kind, OPD, period, format, the file in
private storage, who asked for it and the version of the data it came from (decision 0039)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pantau.core.models import TenantModel
from pantau.evaluation.choices import Dasar
from pantau.reports.choices import Format, Jenis, Status, Tahap


class LaporanResmi(TenantModel):
    """One generated report. Built by `reports.services.laporan_build` (on request for an OPD's
    report, in the task queue for the pemda's); the file is written before the row says
    `selesai`, so a crash never lists a report without its file."""

    jenis = models.CharField(_("jenis laporan"), max_length=20, choices=Jenis.choices)
    format = models.CharField(_("format"), max_length=5, choices=Format.choices)
    tahun_anggaran = models.ForeignKey(
        "planning.TahunAnggaran", on_delete=models.PROTECT, related_name="+"
    )
    opd = models.ForeignKey(
        "organisations.Opd", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    bulan = models.PositiveSmallIntegerField(_("bulan"))  # the period's last month
    triwulan = models.PositiveSmallIntegerField(_("triwulan"), null=True, blank=True)
    dasar = models.CharField(
        _("dasar angka"), max_length=13, choices=Dasar.choices, default=Dasar.TERVERIFIKASI
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ANTRI
    )
    tahap = models.CharField(_("tahap"), max_length=5, choices=Tahap.choices, default=Tahap.DRAF)
    dibuat_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )
    berkas = models.CharField(_("berkas (penyimpanan privat)"), max_length=200, blank=True)
    nama_berkas = models.CharField(_("nama berkas"), max_length=200, blank=True)
    ukuran = models.PositiveIntegerField(_("ukuran (bita)"), default=0)
    sha256 = models.CharField(_("checksum SHA-256 berkas"), max_length=64, blank=True)
    # the version of the data: SHA-256 over the report's table (every figure and gap as
    # written), and the pemda's last audit event when it was built (decision 0039)
    versi_data = models.CharField(_("versi data"), max_length=64, blank=True)
    audit_terakhir = models.BigIntegerField(_("posisi jejak audit"), null=True, blank=True)
    # holds a rahasia item: listed and served only to those who may read every item in it
    memuat_rahasia = models.BooleanField(_("memuat data rahasia"), default=False)
    # the asker's language: a report built later by the task queue is written in it
    bahasa = models.CharField(_("bahasa"), max_length=10, default="id")
    progress_done = models.PositiveIntegerField(_("selesai"), default=0)
    progress_total = models.PositiveIntegerField(_("jumlah"), default=0)
    pesan = models.TextField(_("pesan"), blank=True)
    selesai_pada = models.DateTimeField(_("selesai pada"), null=True, blank=True)
    # the archive (issue 14 §5, decision 0039): the table the file was built from
    # (`Tabel.ke_json()`), re-rendered when signed and compared with the data of today; the
    # version in its series (a new version of a final report points at it, `pendahulu`)
    tabel = models.JSONField(_("tabel (cuplikan)"), null=True, blank=True, editable=False)
    versi = models.PositiveIntegerField(_("versi"), default=1)
    pendahulu = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="penerus",
        verbose_name=_("versi sebelumnya"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("laporan resmi")
        verbose_name_plural = _("laporan resmi")
        indexes = [
            models.Index(fields=["pemda", "tahun_anggaran", "jenis"], name="laporanresmi_lookup")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(bulan__gte=1, bulan__lte=12),
                name="laporanresmi_bulan_1_12",
                violation_error_message=_("Bulan harus 1 sampai 12."),
            ),
            models.CheckConstraint(
                condition=~Q(status="selesai") | ~Q(berkas=""),
                name="laporanresmi_selesai_berberkas",
                violation_error_message=_("Laporan yang selesai harus memiliki berkas."),
            ),
            models.CheckConstraint(
                condition=~Q(tahap="final") | Q(status="selesai"),
                name="laporanresmi_final_selesai",
                violation_error_message=_("Hanya laporan yang selesai dibuat yang dapat final."),
            ),
            models.CheckConstraint(
                condition=Q(versi__gte=1),
                name="laporanresmi_versi_positif",
                violation_error_message=_("Nomor versi dimulai dari 1."),
            ),
            # one live successor per final report (a failed build does not count)
            models.UniqueConstraint(
                fields=["pendahulu"],
                condition=~Q(status="gagal"),
                name="laporanresmi_satu_penerus",
                violation_error_message=_("Versi baru laporan ini sudah diterbitkan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_jenis_display()} {self.tahun_anggaran_id}/{self.bulan:02d}"

    @property
    def berjalan(self) -> bool:
        return self.status in {Status.ANTRI, Status.BERJALAN}

    @property
    def persen(self) -> int:
        if not self.progress_total:
            return 100 if self.status == Status.SELESAI else 0
        return min(100, self.progress_done * 100 // self.progress_total)

    @property
    def versi_pendek(self) -> str:
        return self.versi_data[:12]

    @property
    def final(self) -> bool:
        return self.tahap == Tahap.FINAL

    @property
    def ttd_wajib(self) -> int:
        """How many signatures this report's kind needs (reports.ttd)."""
        from pantau.reports.ttd import slots_for

        return len(slots_for(jenis=self.jenis, opd_id=self.opd_id))


class TandaTanganLaporan(TenantModel):
    """One signature on a report (issue 14 §5): who signed which slot of the signature block,
    with the name, NIP and position as printed, the place and date, and the checksum of the
    file signing produced (decision 0039). Written only by `laporan_sign`; a signed report
    cannot be deleted while its signatures exist (PROTECT)."""

    laporan = models.ForeignKey(LaporanResmi, on_delete=models.PROTECT, related_name="tanda_tangan")
    urutan = models.PositiveSmallIntegerField(_("urutan"))  # 1 = the first slot
    peran = models.CharField(_("keterangan"), max_length=60)  # "Disusun oleh" ...
    penanda = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("penanda tangan"),
    )
    nama = models.CharField(_("nama"), max_length=300)
    nip = models.CharField(_("NIP"), max_length=18)
    jabatan = models.CharField(_("jabatan"), max_length=200)
    tempat = models.CharField(_("tempat"), max_length=100)
    tanggal = models.DateField(_("tanggal"))
    sha256_berkas = models.CharField(_("checksum SHA-256 berkas bertanda tangan"), max_length=64)

    class Meta:
        ordering = ["laporan_id", "urutan"]
        verbose_name = _("tanda tangan laporan")
        verbose_name_plural = _("tanda tangan laporan")
        constraints = [
            models.UniqueConstraint(
                fields=["laporan", "urutan"],
                name="ttdlaporan_satu_per_slot",
                violation_error_message=_("Slot tanda tangan ini sudah ditandatangani."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.laporan_id} #{self.urutan} {self.nama}"


E81_TEKS_MAKS = 2000  # characters per footer text: about a page of the form's footer cell


class E81Catatan(TenantModel):
    """The four texts of Formulir E.81's footer of one OPD, year and quarter (faktor pendorong,
    faktor penghambat, tindak lanjut triwulan berikutnya, tindak lanjut Renja berikutnya), as
    the OPD wrote them over the draft Pantau made from the quarter's realisation notes. Until a
    row exists the report prints the draft, marked as a draft."""

    opd = models.ForeignKey("organisations.Opd", on_delete=models.PROTECT, related_name="+")
    tahun_anggaran = models.ForeignKey(
        "planning.TahunAnggaran", on_delete=models.PROTECT, related_name="+"
    )
    triwulan = models.PositiveSmallIntegerField(_("triwulan"))
    faktor_pendorong = models.TextField(
        _("faktor pendorong keberhasilan pencapaian"),
        blank=True,
        validators=[MaxLengthValidator(E81_TEKS_MAKS)],
    )
    faktor_penghambat = models.TextField(
        _("faktor penghambat pencapaian kinerja"),
        blank=True,
        validators=[MaxLengthValidator(E81_TEKS_MAKS)],
    )
    tindak_lanjut_triwulan = models.TextField(
        _("tindak lanjut yang diperlukan dalam triwulan berikutnya"),
        blank=True,
        validators=[MaxLengthValidator(E81_TEKS_MAKS)],
    )
    tindak_lanjut_renja = models.TextField(
        _("tindak lanjut yang diperlukan dalam Renja PD berikutnya"),
        blank=True,
        validators=[MaxLengthValidator(E81_TEKS_MAKS)],
    )
    diubah_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diubah oleh"),
    )

    class Meta:
        ordering = ["tahun_anggaran", "opd", "triwulan"]
        verbose_name = _("catatan Formulir E.81")
        verbose_name_plural = _("catatan Formulir E.81")
        constraints = [
            models.UniqueConstraint(
                fields=["opd", "tahun_anggaran", "triwulan"],
                name="e81catatan_unik",
                violation_error_message=_("Catatan E.81 OPD ini untuk triwulan itu sudah ada."),
            ),
            models.CheckConstraint(
                condition=Q(triwulan__gte=1, triwulan__lte=4),
                name="e81catatan_triwulan_1_4",
                violation_error_message=_("Triwulan harus 1 sampai 4."),
            ),
        ]

    def __str__(self) -> str:
        return gettext("Formulir E.81 %(opd)s %(tahun)s triwulan %(tw)s") % {
            "opd": self.opd.singkatan,
            "tahun": self.tahun_anggaran.tahun,
            "tw": self.triwulan,
        }

    def clean(self) -> None:
        if self.opd_id and self.opd.pemda_id != self.pemda_id:
            raise ValidationError({"opd": _("OPD milik pemda lain.")})
