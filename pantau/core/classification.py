"""Information classification (docs/domain.md §16): publik / terbatas / rahasia.

Every item that can be published (datasets, sub kegiatan, indicators, evidence) carries a level,
and a non-public item records its KIP exemption basis (UU 14/2008 Pasal 17 letter) and a reason;
a public one records its KIP class (Pasal 9 / 10 / 11). New items start `terbatas` until
published. Fields that hold personal data (UU 27/2022: names with NIP, phone numbers, NIK) are
never public whatever the level of their row: `PERSONAL_FIELDS` lists them, and the public
serialisers (`pantau.opendata.public`) never read them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Klasifikasi(models.TextChoices):
    PUBLIK = "publik", _("Publik")
    TERBATAS = "terbatas", _("Terbatas (pengguna pemda)")
    RAHASIA = "rahasia", _("Rahasia (peran tertentu, setiap akses dicatat)")


class KelasKip(models.TextChoices):
    """UU 14/2008: the class of public information (required for `publik`)."""

    BERKALA = "berkala", _("Wajib diumumkan secara berkala (Pasal 9)")
    SERTA_MERTA = "serta_merta", _("Wajib diumumkan serta-merta (Pasal 10)")
    SETIAP_SAAT = "setiap_saat", _("Wajib tersedia setiap saat (Pasal 11)")


class Pengecualian(models.TextChoices):
    """UU 14/2008 Pasal 17: the exemption a non-public item rests on (required unless publik)."""

    A = "17a", _("Pasal 17 huruf a: menghambat proses penegakan hukum")
    B = "17b", _("Pasal 17 huruf b: hak kekayaan intelektual dan persaingan usaha")
    C = "17c", _("Pasal 17 huruf c: pertahanan dan keamanan negara")
    D = "17d", _("Pasal 17 huruf d: kekayaan alam Indonesia")
    E = "17e", _("Pasal 17 huruf e: ketahanan ekonomi nasional")
    F = "17f", _("Pasal 17 huruf f: hubungan luar negeri")
    G = "17g", _("Pasal 17 huruf g: isi akta otentik / wasiat")
    H = "17h", _("Pasal 17 huruf h: rahasia pribadi (UU 27/2022)")
    I = "17i", _("Pasal 17 huruf i: memorandum yang belum dinyatakan terbuka")  # noqa: E741
    J = "17j", _("Pasal 17 huruf j: dikecualikan undang-undang lain")


# Fields holding personal data: never published, whatever the level of their row.
PERSONAL_FIELDS = {
    "organisations.Opd": ["kepala_nama", "kepala_nip"],
    "planning.SubKegiatan": ["pptk_nama", "pptk_nip"],
    "monitoring.Bukti": ["berkas", "diunggah_oleh", "latitude", "longitude", "diambil_pada"],
}


# A new row is terbatas as a memorandum not yet declared public (Pasal 17 huruf i).
DEFAULT_PENGECUALIAN = Pengecualian.I
DEFAULT_ALASAN = "Belum diverifikasi dan belum disetujui untuk dipublikasikan."


class Terklasifikasi(models.Model):
    """Mixin: the classification of a row (abstract)."""

    klasifikasi = models.CharField(
        _("klasifikasi informasi"),
        max_length=10,
        choices=Klasifikasi.choices,
        default=Klasifikasi.TERBATAS,
        db_index=True,
    )
    kelas_kip = models.CharField(
        _("kelas informasi publik (KIP)"), max_length=12, choices=KelasKip.choices, blank=True
    )
    dasar_pengecualian = models.CharField(
        _("dasar pengecualian (UU 14/2008)"),
        max_length=3,
        choices=Pengecualian.choices,
        blank=True,
        default=DEFAULT_PENGECUALIAN,
    )
    alasan_klasifikasi = models.CharField(
        _("alasan klasifikasi"), max_length=500, blank=True, default=DEFAULT_ALASAN
    )

    class Meta:
        abstract = True

    def check_klasifikasi(self) -> None:
        """The rule of §16.3: publik needs its KIP class; the others their exemption and reason."""
        errors = {}
        if self.klasifikasi == Klasifikasi.PUBLIK:
            if not self.kelas_kip:
                errors["kelas_kip"] = _(
                    "Data publik wajib mencatat kelas informasi (Pasal 9/10/11)."
                )
        else:
            if not self.dasar_pengecualian:
                errors["dasar_pengecualian"] = _(
                    "Data terbatas atau rahasia wajib mencatat dasar pengecualian (Pasal 17)."
                )
            if not (self.alasan_klasifikasi or "").strip():
                errors["alasan_klasifikasi"] = _("Tuliskan alasan klasifikasi (uji konsekuensi).")
        if errors:
            raise ValidationError(errors)
