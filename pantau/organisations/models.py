"""Tenancy and organisation: Pemda, Wilayah, Opd and Membership."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from pantau.core.models import TenantModel, TimestampedModel
from pantau.core.uploads import validate_raster_image
from pantau.organisations import codes, hosts
from pantau.organisations.choices import (
    OPD_ROLES,
    PEMDA_WIDE_ROLES,
    JenisDesa,
    JenisOpd,
    Role,
    TingkatWilayah,
)


class Pemda(TimestampedModel):
    """A regional government: the tenant of every other row."""

    kode = models.CharField(
        _("kode wilayah"), max_length=5, unique=True, validators=[codes.validate_kode_pemda]
    )
    nama = models.CharField(_("nama"), max_length=200)
    zona_waktu = models.CharField(
        _("zona waktu"),
        max_length=64,
        default="Asia/Makassar",
        validators=[codes.validate_timezone],
    )
    logo = models.FileField(
        _("logo"),
        upload_to="pemda/logo/",
        blank=True,
        validators=[validate_raster_image],
        help_text=_("PNG, JPEG atau WebP, paling besar 2 MB (SVG tidak diterima)."),
    )
    # Open data: the host name of the pemda's public portal and catalogue, and its Walidata.
    domain_publik = models.CharField(
        _("nama host portal publik"),
        max_length=200,
        blank=True,
        validators=[hosts.validate_host],
        help_text=_(
            "Mis. data.wakatobikab.go.id; kosong bila hanya satu pemda. Satu nama host hanya "
            "untuk satu pemda; hanya superuser yang dapat mengubahnya."
        ),
    )
    walidata_nama = models.CharField(_("nama walidata"), max_length=200, blank=True)
    walidata_email = models.EmailField(_("email walidata"), blank=True)
    sel_minimum = models.PositiveSmallIntegerField(
        _("ukuran sel minimum data publik"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "Pada kolom jumlah orang yang ditandai walidata, nilai 1 sampai di bawah angka ini "
            "disamarkan di portal dan API (docs/domain.md §16.3). 1 berarti tidak ada yang "
            "disamarkan."
        ),
    )
    hari_batas_laporan = models.PositiveSmallIntegerField(
        _("batas laporan bulanan (tanggal bulan berikutnya)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Keputusan proyek (docs/domain.md §12): bawaan tanggal 10."),
    )
    hari_pengingat = models.PositiveSmallIntegerField(
        _("kirim pengingat (hari sebelum batas)"),
        default=3,
        validators=[MaxValueValidator(20)],
    )
    selisih_fisik_keuangan_maks = models.DecimalField(
        _("selisih fisik-keuangan yang ditandai (poin)"),
        max_digits=5,
        decimal_places=2,
        default=25,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Keputusan proyek (docs/domain.md §7): bawaan 25 poin persentase."),
    )
    jarak_foto_maks_m = models.PositiveIntegerField(
        _("jarak foto dari lokasi yang ditandai (meter)"),
        default=2000,
        help_text=_("Foto yang diambil lebih jauh dari lokasi sub kegiatan diberi peringatan."),
    )
    # Early warnings (docs/domain.md §10: SSUK kontrak kritis; unverified, so settings).
    kritis_batas_rencana = models.DecimalField(
        _("batas rencana periode I (%)"),
        max_digits=5,
        decimal_places=2,
        default=70,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    kritis_deviasi_awal = models.DecimalField(
        _("kritis bila terlambat lebih dari (poin, rencana ≤ batas)"),
        max_digits=5,
        decimal_places=2,
        default=10,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    kritis_deviasi_akhir = models.DecimalField(
        _("kritis bila terlambat lebih dari (poin, rencana > batas)"),
        max_digits=5,
        decimal_places=2,
        default=5,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    # OPD ranking weights (shown with the ranking).
    bobot_capaian = models.DecimalField(
        _("bobot capaian indikator"),
        max_digits=5,
        decimal_places=2,
        default=25,
        validators=[MinValueValidator(0)],
    )
    bobot_serapan = models.DecimalField(
        _("bobot serapan anggaran"),
        max_digits=5,
        decimal_places=2,
        default=25,
        validators=[MinValueValidator(0)],
    )
    bobot_fisik = models.DecimalField(
        _("bobot realisasi fisik"),
        max_digits=5,
        decimal_places=2,
        default=25,
        validators=[MinValueValidator(0)],
    )
    bobot_ketepatan = models.DecimalField(
        _("bobot ketepatan laporan"),
        max_digits=5,
        decimal_places=2,
        default=25,
        validators=[MinValueValidator(0)],
    )
    # Formulir E.81 (docs/domain.md §11, docs/reports.md): which of the two layouts in use the
    # pemda prints, and the seat of government written as the place above the signatures.
    e81_tata_letak = models.CharField(
        _("tata letak Formulir E.81"),
        max_length=2,
        choices=[("17", _("17 kolom (dengan tingkat capaian Renja)")), ("16", _("16 kolom"))],
        default="17",
    )
    ibu_kota = models.CharField(
        _("ibu kota (tempat penandatanganan laporan)"),
        max_length=100,
        blank=True,
        help_text=_("Mis. Wangi-Wangi untuk Kabupaten Wakatobi."),
    )
    aktif = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["kode"]
        verbose_name = _("pemda")
        verbose_name_plural = _("pemda")
        constraints = [
            # One pemda per public host: the host selects whose catalogue is served.
            models.UniqueConstraint(
                Lower("domain_publik"),
                name="pemda_domain_publik_unik",
                condition=~Q(domain_publik=""),
                violation_error_message=_(
                    "Nama host portal publik ini sudah dipakai pemda lain. Satu nama host hanya "
                    "boleh dimiliki satu pemda."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.nama

    def clean(self) -> None:
        try:
            self.domain_publik = hosts.normalise_host(self.domain_publik)
        except ValidationError as exc:
            raise ValidationError({"domain_publik": exc.messages}) from exc


class WilayahQuerySet(models.QuerySet):
    def kecamatan(self):
        return self.filter(tingkat=TingkatWilayah.KECAMATAN)


class Wilayah(TenantModel):
    """A kabupaten, kecamatan or desa/kelurahan with its official Kemendagri code."""

    kode = models.CharField(_("kode"), max_length=13)
    nama = models.CharField(_("nama"), max_length=200)
    tingkat = models.CharField(_("tingkat"), max_length=20, choices=TingkatWilayah.choices)
    jenis = models.CharField(_("jenis"), max_length=10, choices=JenisDesa.choices, blank=True)
    induk = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="anak",
        verbose_name=_("induk"),
    )
    sumber = models.CharField(_("dasar hukum / sumber"), max_length=200, blank=True)

    objects = WilayahQuerySet.as_manager()

    class Meta:
        ordering = ["kode"]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        constraints = [
            models.UniqueConstraint(
                fields=["pemda", "kode"],
                name="wilayah_kode_unik_per_pemda",
                violation_error_message=_("Kode wilayah ini sudah ada untuk pemda ini."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kode} {self.nama}"

    def clean(self) -> None:
        message = codes.wilayah_kode_error(self.kode, self.tingkat, self.jenis)
        if message:
            raise ValidationError({"kode": message})
        if self.induk_id and self.induk and self.induk.pemda_id != self.pemda_id:
            raise ValidationError({"induk": _("Wilayah induk milik pemda lain.")})
        if self.induk and codes.parent_wilayah_kode(self.kode) != self.induk.kode:
            raise ValidationError(
                {
                    "induk": _("Kode %(kode)s bukan bagian dari wilayah induk %(induk)s.")
                    % {"kode": self.kode, "induk": self.induk.kode}
                }
            )


class OpdQuerySet(models.QuerySet):
    def visible_to(self, user) -> OpdQuerySet:
        from pantau.organisations.access import scope_for

        scope = scope_for(user)
        return self.filter(Q(pemda_id__in=scope.pemda_ids) | Q(id__in=scope.opd_ids))


class Opd(TenantModel):
    """An Organisasi Perangkat Daerah: dinas, badan, sekretariat, kecamatan, RSUD..."""

    kode = models.CharField(
        _("kode organisasi"), max_length=22, validators=[codes.validate_kode_opd]
    )
    nama = models.CharField(_("nama"), max_length=200)
    singkatan = models.CharField(_("singkatan"), max_length=40)
    jenis = models.CharField(_("jenis"), max_length=20, choices=JenisOpd.choices)
    bidang_urusan = models.CharField(
        _("bidang urusan"), max_length=200, blank=True, help_text=_("contoh: 2.16; 2.20; 2.21")
    )
    wilayah = models.ForeignKey(
        Wilayah,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("wilayah (untuk kecamatan)"),
    )
    kepala_nama = models.CharField(_("nama kepala"), max_length=150, blank=True)
    kepala_nip = models.CharField(
        _("NIP kepala"), max_length=18, blank=True, validators=[codes.validate_nip]
    )
    aktif = models.BooleanField(_("aktif"), default=True)

    objects = OpdQuerySet.as_manager()

    class Meta:
        ordering = ["kode"]
        verbose_name = _("OPD")
        verbose_name_plural = _("OPD")
        constraints = [
            models.UniqueConstraint(
                fields=["pemda", "kode"],
                name="opd_kode_unik_per_pemda",
                violation_error_message=_("Kode OPD ini sudah dipakai di pemda ini."),
            )
        ]

    def __str__(self) -> str:
        return self.nama

    def clean(self) -> None:
        if self.wilayah_id and self.wilayah and self.wilayah.pemda_id != self.pemda_id:
            raise ValidationError({"wilayah": _("Wilayah milik pemda lain.")})
        if (
            self.jenis == JenisOpd.KECAMATAN
            and self.wilayah_id
            and self.wilayah.tingkat != TingkatWilayah.KECAMATAN
        ):
            raise ValidationError({"wilayah": _("OPD kecamatan harus terhubung ke kecamatan.")})


class Membership(TimestampedModel):
    """A user's role in one pemda, and for OPD roles the OPD they work in."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("pengguna"),
    )
    pemda = models.ForeignKey(Pemda, on_delete=models.PROTECT, related_name="+")
    opd = models.ForeignKey(
        Opd, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    # The position held, as others should read it next to the name ("Kepala Seksi Program");
    # empty: the role in the pemda (and OPD) is shown instead.
    jabatan = models.CharField(_("jabatan"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("keanggotaan")
        verbose_name_plural = _("keanggotaan")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "pemda"],
                name="membership_satu_peran_per_pemda",
                violation_error_message=_("Pengguna ini sudah punya peran di pemda ini."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(r.value for r in OPD_ROLES), opd__isnull=False)
                    | Q(role__in=sorted(r.value for r in PEMDA_WIDE_ROLES), opd__isnull=True)
                ),
                name="membership_opd_sesuai_peran",
                violation_error_message=_(
                    "Peran kepala/operator OPD wajib memilih OPD; peran lain tidak terikat OPD."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    def clean(self) -> None:
        if self.opd_id and self.opd and self.opd.pemda_id != self.pemda_id:
            raise ValidationError({"opd": _("OPD ini milik pemda lain.")})


class Pulau(TenantModel):
    """An island of the pemda (Kepmendagri island codes PP.KK.4NNNN) with its centroid: the
    reference layer of maps that work without a tile server."""

    kode = models.CharField(_("kode"), max_length=13)
    nama = models.CharField(_("nama"), max_length=200)
    latitude = models.DecimalField(_("lintang"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("bujur"), max_digits=9, decimal_places=6)
    berpenghuni = models.BooleanField(_("berpenghuni"), null=True)
    luas_km2 = models.DecimalField(
        _("luas (km²)"), max_digits=10, decimal_places=4, null=True, blank=True
    )

    class Meta:
        ordering = ["kode"]
        verbose_name = _("pulau")
        verbose_name_plural = _("pulau")
        constraints = [
            models.UniqueConstraint(
                fields=["pemda", "kode"],
                name="pulau_kode_unik_per_pemda",
                violation_error_message=_("Kode pulau ini sudah ada untuk pemda ini."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kode} {self.nama}"


class Profil(TimestampedModel):
    """What a person adds to their account: NIP and phone, and whether they must choose a new
    password at their next sign-in (after an admin set a temporary one). The name and e-mail
    stay on the user, the position on `Membership.jabatan` (per pemda)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profil",
        verbose_name=_("pengguna"),
    )
    nip = models.CharField(_("NIP"), max_length=18, blank=True, validators=[codes.validate_nip])
    telepon = models.CharField(
        _("telepon"), max_length=20, blank=True, validators=[codes.validate_phone]
    )
    wajib_ganti_sandi = models.BooleanField(_("wajib ganti kata sandi"), default=False)

    class Meta:
        verbose_name = _("profil")
        verbose_name_plural = _("profil")

    def __str__(self) -> str:
        return str(self.user)

    def clean(self) -> None:
        self.telepon = codes.normalise_phone(self.telepon)


class JenisRiwayatOpd(models.TextChoices):
    LEBUR = "lebur", _("Peleburan")
    PECAH = "pecah", _("Pemecahan")


class OpdRiwayat(TenantModel):
    """One reorganisation of OPDs (a merge or a split): which OPDs went into which, when, by
    whom and on what legal basis. The OPDs before stay (inactive) with their plans and
    reports; this row links them to the OPDs after."""

    jenis = models.CharField(_("jenis"), max_length=10, choices=JenisRiwayatOpd.choices)
    asal = models.ManyToManyField(Opd, related_name="riwayat_sebagai_asal", verbose_name=_("asal"))
    hasil = models.ManyToManyField(
        Opd, related_name="riwayat_sebagai_hasil", verbose_name=_("hasil")
    )
    tanggal = models.DateField(_("tanggal berlaku"))
    dasar_hukum = models.CharField(_("dasar hukum"), max_length=300)
    catatan = models.TextField(_("catatan"), blank=True)
    oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oleh"),
    )

    class Meta:
        ordering = ["-tanggal", "-id"]
        verbose_name = _("riwayat OPD")
        verbose_name_plural = _("riwayat OPD")

    def __str__(self) -> str:
        return f"{self.get_jenis_display()} {self.tanggal:%Y-%m-%d}"


class SesiMasuk(models.Model):
    """One signed-in session of a person (decision 0026): which device and address, since when
    and last seen. The session key itself is never stored, only its SHA-256, so that a copy of
    this table (a backup) signs no one in. A row with `berakhir` set is a session that was ended
    (by the person, their admin, or a change of password, role or OPD): its cookie is anonymous
    from then on (pantau/organisations/sesi.py)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sesi_masuk",
        verbose_name=_("pengguna"),
    )
    kunci_hash = models.CharField(_("sidik kunci sesi"), max_length=64, unique=True)
    alamat = models.CharField(_("alamat"), max_length=45, blank=True)
    perangkat = models.CharField(_("perangkat"), max_length=120, blank=True)
    dibuat = models.DateTimeField(_("masuk pada"))
    terakhir = models.DateTimeField(_("terakhir aktif"))
    berakhir = models.DateTimeField(_("diakhiri pada"), null=True, blank=True)
    alasan = models.CharField(_("alasan diakhiri"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("sesi masuk")
        verbose_name_plural = _("sesi masuk")
        indexes = [models.Index(fields=["user", "berakhir"], name="sesi_user_berakhir")]

    def __str__(self) -> str:
        return f"{self.user} {self.perangkat} {self.alamat}"


# the second factor's recovery codes (decision 0027), in their own module
from pantau.organisations.models_faktor import RecoveryCode, RecoveryDevice  # noqa: E402, F401
