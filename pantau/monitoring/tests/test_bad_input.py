"""Bad input to monitoring (photos, uploads, query and field values) is refused or warned about,
never a crash.
"""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import ExifTags, Image

from conftest import PASSWORD
from pantau.monitoring.evidence import process_upload
from pantau.monitoring.models import Realisasi

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _february(clock):
    clock.set("2026-02-05 10:00")


class TestBadInput:
    def test_exif_year_one_is_a_warning(self):
        image = Image.new("RGB", (16, 16))
        exif = Image.Exif()
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "0001:01:01 00:00:00"
        buf = io.BytesIO()
        image.save(buf, "JPEG", exif=exif)
        out = process_upload(name="a.jpg", data=buf.getvalue(), tz="Asia/Makassar")
        assert out.taken_at is None and "exif_waktu" in {w["kode"] for w in out.warnings}

    def test_decompression_bomb_refused(self, settings):
        buf = io.BytesIO()
        Image.new("1", (9000, 9000)).save(buf, "PNG")  # 81 megapixels, a few KB
        with pytest.raises(ValidationError, match="megapiksel"):
            process_upload(name="bom.png", data=buf.getvalue(), tz="Asia/Makassar")

    def test_strange_query_and_field_values_do_not_crash(self, client, world):
        client.login(username="operator_opd.a", password=PASSWORD)
        assert (
            client.get(
                reverse("monitoring:daftar") + "?tahun=99999999999999999999&bulan=²"
            ).status_code
            == 200
        )
        url = reverse("monitoring:laporan", args=[world.a.sub.pk, 1])
        response = client.post(
            url, {"kunci": "x" * 32, "keuangan": "1", "fisik": "1", "indikator-²": "5"}
        )
        assert response.status_code == 302
        client.login(username="verifikator.a", password=PASSWORD)
        assert (
            client.get(reverse("monitoring:kepatuhan") + "?tahun=99999999999999999999").status_code
            == 200
        )

    def test_oversized_upload_refused_before_reading(self, client, world, settings):
        from django.core.files.uploadedfile import SimpleUploadedFile

        settings.UPLOAD_MAX_PHOTO_MB = settings.UPLOAD_MAX_PDF_MB = 1
        client.login(username="operator_opd.a", password=PASSWORD)
        big = SimpleUploadedFile(
            "besar.jpg", b"\xff" * (1024 * 1024 + 1), content_type="image/jpeg"
        )
        response = client.post(
            reverse("monitoring:laporan", args=[world.a.sub.pk, 1]),
            {"kunci": "y" * 32, "keuangan": "1", "fisik": "1", "bukti": big},
        )
        assert response.status_code == 422 and "lebih dari 1 MB" in response.text
        assert not Realisasi.objects.exists()
