"""Issue 10 §2: an evidence file over the upload limit is stopped while it streams; the report
form says so and nothing (report or file) is saved."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pantau.monitoring.models import Bukti, Realisasi
from pantau.monitoring.tests.photos import jpeg
from pantau.monitoring.tests.test_views import _february, form_url, login  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_file_over_the_limit_saves_nothing(client, world, settings):
    settings.UPLOAD_MAX_MB = 1
    login(client, world.a.users["operator_opd"])
    big = SimpleUploadedFile("besar.jpg", jpeg() + b"\x00" * (2 * 1024 * 1024), "image/jpeg")
    response = client.post(
        form_url(world.a),
        {
            "kunci": "k" * 32,
            "keuangan": "45.000.000",
            "fisik": "7,5",
            "aksi": "simpan",
            "bukti": big,
        },
    )
    assert response.status_code == 422
    assert "Berkas besar.jpg terlalu besar (maksimum 1 MB)" in response.text
    assert not Realisasi.objects.exists() and not Bukti.objects.exists()
