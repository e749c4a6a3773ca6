"""Issue 10 §2: a pemda logo is served from the media URL, so it must be a real raster image:
SVG (which can carry script) and files that only claim to be images are refused with a clear
message, and nothing changes."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import modelform_factory
from PIL import Image

from pantau.audit.models import AuditEvent
from pantau.organisations.models import Pemda
from pantau.organisations.services import pemda_update

pytestmark = pytest.mark.django_db
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)">'
    b"<script>alert(1)</script></svg>"
)


def _png(size=(8, 8), fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "navy").save(out, format=fmt)
    return out.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("logo.svg", SVG),
        ("logo.png", SVG),  # an SVG renamed
        ("logo.png", b"<html><script>alert(1)</script></html>"),
        ("logo.jpg", _png(fmt="GIF")),  # a real image, but not one of the accepted formats
        ("logo.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 garbage"),
    ],
)
def test_refused_with_a_message_and_nothing_changes(world, media, name, content):
    pemda = world.a.pemda
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="Logo harus gambar PNG, JPEG atau WebP"):
        pemda_update(actor=None, pemda=pemda, logo=SimpleUploadedFile(name, content))
    assert not Pemda.objects.get(pk=pemda.pk).logo
    assert AuditEvent.objects.count() == events
    assert not any(media.rglob("*")) if media.exists() else True


def test_a_real_png_or_jpeg_is_accepted(world, media):
    pemda = pemda_update(
        actor=None, pemda=world.a.pemda, logo=SimpleUploadedFile("logo.png", _png())
    )
    assert pemda.logo.name.startswith("pemda/logo/logo")
    # a later change of another setting does not re-read the stored file
    pemda = pemda_update(actor=None, pemda=pemda, nama="Kabupaten A Baru")
    jpeg = pemda_update(
        actor=None, pemda=pemda, logo=SimpleUploadedFile("logo.jpg", _png(fmt="JPEG"))
    )
    assert jpeg.logo.name.endswith(".jpg")


def test_too_large_a_logo_is_refused(world, media):
    big = SimpleUploadedFile("logo.png", _png() + b"\x00" * (2 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError, match="Logo terlalu besar"):
        pemda_update(actor=None, pemda=world.a.pemda, logo=big)


def test_the_admin_form_refuses_svg_too(world, media):
    form_class = modelform_factory(Pemda, fields=["logo"])
    form = form_class(
        data={}, files={"logo": SimpleUploadedFile("logo.svg", SVG)}, instance=world.a.pemda
    )
    assert not form.is_valid()
    assert "SVG" in form.errors["logo"][0]


def test_the_message_in_english(world, media):
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError, match="SVG and other files"):
        pemda_update(actor=None, pemda=world.a.pemda, logo=SimpleUploadedFile("l.svg", SVG))


def test_a_picture_with_too_many_pixels_is_refused_as_too_large(world, media, monkeypatch):
    """A decompression bomb (a small file declaring a huge picture) is told it is too large in
    pixels, not that it is no PNG (review of issue 10)."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # a 40 x 40 picture counts as a bomb
    upload = SimpleUploadedFile("logo.png", _png((40, 40)), "image/png")
    with pytest.raises(ValidationError) as caught:
        pemda_update(actor=None, pemda=world.a.pemda, logo=upload)
    assert "terlalu besar dalam piksel" in str(caught.value)
    assert not Pemda.objects.get(pk=world.a.pemda.pk).logo
