"""Request-size limits enforced while an upload streams in (docs/security.md).

Django writes an upload to memory or a temporary file as it arrives and only afterwards do forms
look at its size, so a 150 MB file would be received whole before a 20 MB limit refused it.
`LimitedUploadHandler` runs first among FILE_UPLOAD_HANDLERS: it refuses a request whose
declared Content-Length is over UPLOAD_MAX_REQUEST_MB as soon as its first file starts, and
stops any single file as soon as more than UPLOAD_MAX_MB of it has arrived. The rest of the body
is then read and discarded in chunks (never kept), the request carries the reason and
`refused_message(request)` gives views the message to show; no file reaches the view.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext as _

MB = 1024 * 1024
DRAIN_CHUNK = 64 * 1024


class LimitedUploadHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, meta, content_length, boundary, encoding=None):
        self.request_length = content_length or 0

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        if getattr(self, "request_length", 0) > settings.UPLOAD_MAX_REQUEST_MB * MB:
            self._refuse(settings.UPLOAD_MAX_REQUEST_MB)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_MB * MB:
            self._refuse(settings.UPLOAD_MAX_MB)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler keeps the file

    def _refuse(self, limit_mb: int) -> None:
        if self.request is not None:
            self.request.upload_refused = {"name": self.file_name or "", "mb": limit_mb}
            # Discard the rest of the body here, in fixed chunks: Django's own clean-up after a
            # StopUpload reads it line by line, and a body without newlines would become one
            # line held whole in memory (a 150 MB upload grew a worker by 340 MB).
            while self.request.read(DRAIN_CHUNK):
                pass
        raise StopUpload(connection_reset=False)


def refused_message(request) -> str | None:
    """The message for an upload the handler stopped, or None."""
    if request.method == "POST":
        request.FILES  # noqa: B018 - parses the body, which runs the handler
    refused = getattr(request, "upload_refused", None)
    if not refused:
        return None
    return _("Berkas %(n)s terlalu besar (maksimum %(mb)s MB); tidak ada yang disimpan.") % {
        "n": refused["name"],
        "mb": refused["mb"],
    }


# --- images shown to the public (pemda logo) -----------------------------------------------------

LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
LOGO_MAX_MB = 2
LOGO_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp")


def validate_raster_image(upload) -> None:
    """A logo must really be a PNG, JPEG or WebP image (read by Pillow, not trusted from its
    name), at most LOGO_MAX_MB. SVG is refused: it can carry script that runs when the file is
    opened from the media URL."""
    import warnings

    from django.core.exceptions import ValidationError
    from PIL import Image, UnidentifiedImageError

    if getattr(upload, "_committed", False):  # the stored file, unchanged: checked when uploaded
        return
    if not str(upload.name or "").lower().endswith(LOGO_EXTENSIONS):
        raise ValidationError(
            _("Logo harus gambar PNG, JPEG atau WebP; SVG dan berkas lain tidak diterima."),
            code="logo_format",
        )
    if upload.size > LOGO_MAX_MB * MB:
        raise ValidationError(
            _("Logo terlalu besar (maksimum %(mb)s MB).") % {"mb": LOGO_MAX_MB}, code="logo_size"
        )
    refused = ValidationError(
        _("Logo harus gambar PNG, JPEG atau WebP; SVG dan berkas lain tidak diterima."),
        code="logo_format",
    )
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                kind = image.format
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            _("Logo terlalu besar dalam piksel; kecilkan gambarnya (mis. 1000 × 1000 piksel)."),
            code="logo_size",
        ) from exc
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
    ) as exc:
        raise refused from exc
    finally:
        upload.seek(0)
    if kind not in LOGO_FORMATS:
        raise refused
