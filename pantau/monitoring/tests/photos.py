"""Real JPEG files made by the tests, with or without EXIF time and GPS."""

import io
import struct

from PIL import ExifTags, Image


def _dms(value: float):
    value = abs(value)
    d = int(value)
    m = int((value - d) * 60)
    s = round(((value - d) * 60 - m) * 60, 2)
    return (float(d), float(m), float(s))


def jpeg(
    *,
    taken: str | None = "2026:02:03 09:15:00",
    lat: float | None = -5.3114,
    lng: float | None = 123.5872,
    size=(64, 48),
    color=(30, 120, 200),
) -> bytes:
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PantauCam"
    if taken:
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = taken
    if lat is not None and lng is not None:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps[ExifTags.GPS.GPSLatitudeRef] = "S" if lat < 0 else "N"
        gps[ExifTags.GPS.GPSLatitude] = _dms(lat)
        gps[ExifTags.GPS.GPSLongitudeRef] = "W" if lng < 0 else "E"
        gps[ExifTags.GPS.GPSLongitude] = _dms(lng)
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def jpeg_with_corrupt_exif() -> bytes:
    """A valid image whose APP1 EXIF segment is garbage."""
    buf = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 10, 10)).save(buf, "JPEG")
    data = buf.getvalue()
    payload = b"Exif\x00\x00" + b"II*\x00\xff\xff\xff\x7f" + b"\x00garbage" * 8
    segment = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    return data[:2] + segment + data[2:]


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
