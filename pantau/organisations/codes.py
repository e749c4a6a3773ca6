"""Official code formats for regions, organisations and civil servants (docs/domain.md §4, §5)."""

from __future__ import annotations

import re
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

PROVINSI = re.compile(r"^\d{2}$")
KABKOTA = re.compile(r"^\d{2}\.\d{2}$")
KECAMATAN = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")
DESA_KEL = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.[12]\d{3}$")  # 1xxx kelurahan, 2xxx desa
OPD_CODE = re.compile(r"^[1-8]\.\d{2}\.[0-8]\.\d{2}\.[0-8]\.\d{2}\.\d{2}\.\d{4}$")
NIP = re.compile(r"^\d{18}$")

WILAYAH_PATTERNS = {
    "provinsi": PROVINSI,
    "kabupaten": KABKOTA,
    "kota": KABKOTA,
    "kecamatan": KECAMATAN,
    "desa_kelurahan": DESA_KEL,
}


def validate_kode_pemda(value: str) -> None:
    if not (PROVINSI.match(value) or KABKOTA.match(value)):
        raise ValidationError(
            _("Kode pemda '%(kode)s' tidak sah: gunakan PP (provinsi) atau PP.KK (kab/kota)."),
            code="kode_pemda",
            params={"kode": value},
        )


def validate_kode_opd(value: str) -> None:
    if not OPD_CODE.match(value):
        raise ValidationError(
            _(
                "Kode OPD '%(kode)s' tidak sah: formatnya U.BB.U.BB.U.BB.NN.UUUU, "
                "misalnya 1.03.0.00.0.00.01.0000."
            ),
            code="kode_opd",
            params={"kode": value},
        )


def normalise_nip(value: str) -> str:
    """A NIP as written on paper, grouped by spaces, dots or dashes ("19850101 200901 1 001"),
    as its 18 digits."""
    return re.sub(r"[\s.\-]", "", value or "")


def _nip_problem(nip: str) -> str | None:
    """What is wrong inside an 18-digit NIP (BKN's layout): the birth date YYYYMMDD, then the
    appointment YYYYMM (for a PPPK the year followed by 21), the sex (1 or 2), a number 001-999."""
    import datetime as dt

    try:
        born = dt.date(int(nip[:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        return _("tanggal lahir di dalamnya (%(t)s) bukan tanggal") % {"t": nip[:8]}
    year, month = int(nip[8:12]), nip[12:14]
    latest = timezone.now().year + 1
    if not (1 <= int(month) <= 12 or month == "21") or not born.year < year <= latest:
        return _("bulan dan tahun pengangkatan di dalamnya (%(t)s) tidak mungkin") % {
            "t": nip[8:14]
        }
    if nip[14] not in "12":
        return _("angka ke-15 (jenis kelamin) harus 1 atau 2")
    if nip[15:] == "000":
        return _("nomor urut di dalamnya tidak boleh 000")
    return None


def validate_nip(value: str) -> None:
    """18 digits (spaces, dots or dashes between groups allowed) in BKN's layout."""
    if not value:
        return
    nip = normalise_nip(value)
    if not NIP.match(nip):
        raise ValidationError(
            _("NIP '%(nip)s' tidak sah: NIP terdiri dari 18 angka."),
            code="nip",
            params={"nip": value},
        )
    problem = _nip_problem(nip)
    if problem:
        raise ValidationError(
            _("NIP '%(nip)s' tidak sah: %(why)s."),
            code="nip",
            params={"nip": value, "why": problem},
        )


TELEPON = re.compile(r"^(?:\+62|62|0)8\d{8,11}$|^(?:\+62|62|0)[2-79]\d{6,9}$")


def normalise_phone(value: str) -> str:
    """An Indonesian phone number without spaces, dashes, dots or brackets
    ("0812-3456-7890", "+62 812 3456 7890", "(0404) 21234")."""
    return re.sub(r"[\s\-.()]", "", value or "")


def validate_phone(value: str) -> None:
    if value and not TELEPON.match(normalise_phone(value)):
        raise ValidationError(
            _(
                "Nomor telepon '%(t)s' tidak sah: tulis seperti 081234567890, +6281234567890 "
                "atau (0404) 21234."
            ),
            params={"t": value},
            code="invalid",
        )


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("Zona waktu '%(tz)s' tidak dikenal (contoh: Asia/Makassar)."),
            code="zona_waktu",
            params={"tz": value},
        ) from None


def wilayah_kode_error(kode: str, tingkat: str, jenis: str = "") -> str | None:
    """The message for a kode wilayah that does not fit its level, or None when it fits."""
    pattern = WILAYAH_PATTERNS.get(tingkat)
    if pattern is None:
        return _("Tingkat wilayah '%(t)s' tidak dikenal.") % {"t": tingkat}
    if not pattern.match(kode):
        return _("Kode wilayah '%(kode)s' tidak sesuai format tingkat %(tingkat)s.") % {
            "kode": kode,
            "tingkat": tingkat,
        }
    if tingkat == "desa_kelurahan":
        expected = {"1": "kelurahan", "2": "desa"}[kode.split(".")[3][0]]
        if jenis and jenis != expected:
            return _(
                "Kode '%(kode)s' adalah kode %(expected)s (digit pertama segmen desa: "
                "1 = kelurahan, 2 = desa), bukan %(jenis)s."
            ) % {"kode": kode, "expected": expected, "jenis": jenis}
    return None


def parent_wilayah_kode(kode: str) -> str | None:
    parts = kode.split(".")
    return ".".join(parts[:-1]) if len(parts) > 1 else None
