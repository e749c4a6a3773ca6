"""Evidence files: validation, EXIF time and GPS, thumbnails, EXIF-free public copies (Pillow).

Originals are stored under PRIVATE_ROOT (never served statically); every read goes through an
access-checked view. Files are written to a temporary name and renamed, so a crash never leaves
a half-written file behind a database row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import warnings
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from pantau.core.numbers import format_jarak
from pantau.core.storage import open_private, remove, store  # noqa: F401 - re-exported

PHOTO_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
THUMB_SIZE = (480, 480)
PUBLIC_MAX = (1600, 1600)
Image.MAX_IMAGE_PIXELS = 60_000_000  # refuse decompression bombs (about 60 megapixels)


@dataclass
class Processed:
    jenis: str
    content_type: str
    sha256: str
    ukuran: int
    original: bytes
    thumbnail: bytes = b""
    public: bytes = b""
    taken_at: dt.datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    warnings: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Upload:
    """One file of a submission, processed before the service's transaction opens
    (`prepare_uploads`): on SQLite that transaction is `BEGIN IMMEDIATE`, the database's write
    lock, and decoding and resizing a 12 MP photo inside it (about 1.8 s under load,
    docs/benchmarks.md B5) held every other writer up. A bad file's refusal is kept and raised
    by the service, beside the form's other errors. `name` is the name as sent."""

    name: str
    data: bytes
    tz: str
    processed: Processed | None = None
    error: ValidationError | None = None

    def result(self, tz: str) -> Processed:
        """The processed file, or the refusal; processed again if the pemda's time zone is not
        the one it was processed for."""
        if tz != self.tz:
            return process_upload(name=upload_name(self.name), data=self.data, tz=tz)
        if self.error is not None or self.processed is None:
            raise self.error or ValueError("an Upload holds its result or its refusal")
        return self.processed


def upload_name(name: str) -> str:
    """The file's own name (no folder a browser may send), at most 200 characters."""
    return Path(name or "berkas").name[:200]


def prepare_uploads(files: list[tuple[str, bytes]], *, tz: str) -> list[Upload]:
    """Process every file now, outside any transaction (see `Upload`)."""
    out = []
    for name, data in files:
        try:
            done = process_upload(name=upload_name(name), data=data, tz=tz)
        except ValidationError as exc:
            out.append(Upload(name, data, tz, error=exc))
        else:
            out.append(Upload(name, data, tz, processed=done))
    return out


def _mb(n: int) -> int:
    return n * 1024 * 1024


def process_upload(*, name: str, data: bytes, tz: str) -> Processed:
    """Validate and process one uploaded file; raise ValidationError with a clear message."""
    if not data:
        raise ValidationError(_("Berkas %(n)s kosong.") % {"n": name})
    digest = hashlib.sha256(data).hexdigest()
    if data[:5] == b"%PDF-":
        if len(data) > _mb(settings.UPLOAD_MAX_PDF_MB):
            raise ValidationError(
                _("Dokumen %(n)s lebih dari %(mb)d MB.")
                % {"n": name, "mb": settings.UPLOAD_MAX_PDF_MB}
            )
        return Processed("dokumen", "application/pdf", digest, len(data), data)
    if len(data) > _mb(settings.UPLOAD_MAX_PHOTO_MB):
        raise ValidationError(
            _("Foto %(n)s lebih dari %(mb)d MB.") % {"n": name, "mb": settings.UPLOAD_MAX_PHOTO_MB}
        )
    try:
        with warnings.catch_warnings():  # corrupt EXIF is reported as a warning of ours below
            warnings.simplefilter("ignore")
            warnings.simplefilter(
                "error", Image.DecompressionBombWarning
            )  # enforce MAX_IMAGE_PIXELS
            with Image.open(io.BytesIO(data)) as probe:
                probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("Foto %(n)s terlalu besar (lebih dari 60 megapiksel).") % {"n": name}
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("%(n)s bukan foto yang dapat dibaca (JPEG, PNG atau WebP) atau dokumen PDF.")
            % {"n": name}
        ) from None
    if image.format not in PHOTO_TYPES:
        raise ValidationError(
            _("Format %(f)s tidak diterima; gunakan JPEG, PNG, WebP atau PDF.")
            % {"f": image.format}
        )
    out = Processed("foto", PHOTO_TYPES[image.format], digest, len(data), data)
    _read_exif(image, out, tz)
    try:
        oriented = ImageOps.exif_transpose(image) or image
    except Exception:
        oriented = image
    out.thumbnail = _jpeg(oriented, THUMB_SIZE)
    out.public = _jpeg(oriented, PUBLIC_MAX)  # re-encoded from pixels: no EXIF, no GPS
    return out


def _jpeg(image: Image.Image, size: tuple[int, int]) -> bytes:
    copy = image.convert("RGB")
    copy.thumbnail(size)
    buf = io.BytesIO()
    copy.save(buf, "JPEG", quality=82, optimize=True)
    return buf.getvalue()


def _read_exif(image: Image.Image, out: Processed, tz: str) -> None:
    with warnings.catch_warnings():  # Pillow warns about corrupt EXIF; we report it ourselves
        warnings.simplefilter("ignore")
        _read_exif_tags(image, out, tz)


def _read_exif_tags(image: Image.Image, out: Processed, tz: str) -> None:
    try:
        exif = image.getexif()
        sub = exif.get_ifd(ExifTags.IFD.Exif)
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    except Exception:
        out.warnings.append(
            {"kode": "exif_rusak", "pesan": _("Data EXIF foto rusak dan tidak dapat dibaca.")}
        )
        return
    raw = sub.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime)
    if raw:
        try:
            # EXIF carries no zone: the camera's local time is taken as the pemda's zone.
            naive = dt.datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")  # noqa: DTZ007
            if not 1990 <= naive.year <= timezone.now().year + 1:
                raise ValueError(naive.year)  # a camera with an unset clock: not a usable time
            out.taken_at = naive.replace(tzinfo=zoneinfo.ZoneInfo(tz))
        except ValueError:
            out.warnings.append(
                {"kode": "exif_waktu", "pesan": _("Waktu pengambilan di EXIF tidak sah.")}
            )
    else:
        out.warnings.append(
            {"kode": "tanpa_waktu", "pesan": _("Foto tidak memuat waktu pengambilan (EXIF).")}
        )
    try:
        lat = _dms(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), "S")
        lng = _dms(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef), "W")
    except (TypeError, ValueError, ZeroDivisionError):
        lat = lng = None
        out.warnings.append({"kode": "exif_gps", "pesan": _("Koordinat GPS di EXIF tidak sah.")})
    if lat is None or lng is None or not (-90 <= lat <= 90 and -180 <= lng <= 180):
        if not any(w["kode"] == "exif_gps" for w in out.warnings):
            out.warnings.append(
                {"kode": "tanpa_gps", "pesan": _("Foto tidak memuat koordinat GPS.")}
            )
        return
    out.latitude = Decimal(str(round(lat, 6)))
    out.longitude = Decimal(str(round(lng, 6)))


def _dms(values, ref, negative: str) -> float | None:
    if not values:
        return None
    d, m, s = (float(v) for v in values)
    value = d + m / 60 + s / 3600
    if isinstance(ref, bytes):
        ref = ref.decode(errors="ignore")
    return -value if (ref or "").strip().upper() == negative else value


def distance_m(lat1: Decimal, lng1: Decimal, lat2: Decimal, lng2: Decimal) -> int:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lng2) - float(lng1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * 6_371_000 * math.asin(math.sqrt(a)))


# ---------------------------------------------------------------- warnings, in the reader's words


def _far_message(distance: int | None, limit: int | None) -> str:
    if limit is None:
        return _("Foto diambil %(d)s dari lokasi sub kegiatan.") % {"d": format_jarak(distance)}
    return _("Foto diambil %(d)s dari lokasi sub kegiatan (batas %(l)s).") % {
        "d": format_jarak(distance),
        "l": format_jarak(limit),
    }


def _early_message(taken: dt.date, periode) -> str:
    return _("Foto diambil %(d)s, sebelum periode %(p)s.") % {
        "d": date_format(taken, "j F Y"),
        "p": periode,
    }


STATIC_WARNINGS = {
    "tanpa_waktu": lambda: _("Foto tidak memuat waktu pengambilan (EXIF)."),
    "exif_waktu": lambda: _("Waktu pengambilan di EXIF tidak sah."),
    "exif_rusak": lambda: _("Data EXIF foto rusak dan tidak dapat dibaca."),
    "exif_gps": lambda: _("Koordinat GPS di EXIF tidak sah."),
    "tanpa_gps": lambda: _("Foto tidak memuat koordinat GPS."),
}


def warning_entry(kode: str, **facts) -> dict:
    """A stored warning: its code, the facts it was judged on, and the message at the time."""
    if kode == "foto_jauh":
        pesan = _far_message(facts["jarak_m"], facts.get("batas_m"))
    elif kode == "foto_lama":
        pesan = _early_message(facts["tanggal"], facts["periode"])
        facts = {"tanggal": facts["tanggal"].isoformat()}
    else:
        pesan = STATIC_WARNINGS[kode]()
    return {"kode": kode, "pesan": pesan, **facts}


def warning_messages(bukti) -> list[str]:
    """A photo's warnings written again in the active language from their codes and the photo's
    own facts (distances in km); a warning of an unknown kind keeps its stored text."""
    out = []
    for w in bukti.peringatan or []:
        kode = w.get("kode")
        if kode in STATIC_WARNINGS:
            out.append(STATIC_WARNINGS[kode]())
        elif kode == "foto_jauh" and (w.get("jarak_m") or bukti.jarak_m) is not None:
            out.append(_far_message(w.get("jarak_m") or bukti.jarak_m, w.get("batas_m")))
        elif kode == "foto_lama" and bukti.diambil_pada is not None:
            taken = timezone.localtime(bukti.diambil_pada).date()
            out.append(_early_message(taken, bukti.realisasi.periode))
        else:
            out.append(str(w.get("pesan", "")))
    return out
