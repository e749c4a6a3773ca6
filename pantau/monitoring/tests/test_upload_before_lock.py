"""A report's photos are decoded and resized before the service's transaction opens (on SQLite
that transaction is `BEGIN IMMEDIATE`: the database's write lock, which the photo work held for
about 1.8 s a photo under load, docs/benchmarks.md B5), and the result is the same as when the
service processes the file itself."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from pantau.monitoring import evidence
from pantau.monitoring.models import Bukti, PeriodeLaporan, Realisasi
from pantau.monitoring.services import laporan_kirim
from pantau.monitoring.tests.photos import jpeg
from pantau.monitoring.tests.test_views import form_url, login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _february(clock):
    clock.set("2026-02-05 10:00")


@pytest.fixture
def depths(monkeypatch):
    """The transaction depth at each photo processing."""
    seen = []
    real = evidence.process_upload

    def counted(**kwargs):
        seen.append(len(connection.atomic_blocks))
        return real(**kwargs)

    monkeypatch.setattr(evidence, "process_upload", counted)
    monkeypatch.setattr("pantau.monitoring.services.process_upload", counted)
    return seen


def _post(client, world, files):
    return client.post(
        form_url(world.a),
        {
            "kunci": "u" * 32,
            "keuangan": "1.000.000",
            "fisik": "5",
            "aksi": "simpan",
            "bukti": files,
        },
    )


def test_the_form_processes_its_photos_outside_the_services_transaction(client, world, depths):
    outside = len(connection.atomic_blocks)  # the test's own blocks
    login(client, world.a.users["operator_opd"])
    files = [
        SimpleUploadedFile("dir/lokasi.jpg", jpeg(), content_type="image/jpeg"),
        SimpleUploadedFile("kedua.jpg", jpeg(color=(10, 200, 10)), content_type="image/jpeg"),
    ]
    response = _post(client, world, files)
    assert response.status_code == 302
    assert depths == [outside, outside]  # once each, and before laporan_kirim's block
    names = sorted(Bukti.objects.values_list("nama_berkas", flat=True))
    assert names == ["kedua.jpg", "lokasi.jpg"]  # the name without the folder, as before
    assert all(b.thumbnail and b.salinan_publik for b in Bukti.objects.all())


def test_a_bad_file_processed_early_is_refused_beside_the_other_errors(client, world, depths):
    login(client, world.a.users["operator_opd"])
    bad = SimpleUploadedFile("bukan.jpg", b"bukan foto", content_type="image/jpeg")
    response = _post(client, world, [bad])
    assert response.status_code == 422
    assert "bukan.jpg bukan foto yang dapat dibaca" in response.text
    assert not Realisasi.objects.exists() and not Bukti.objects.exists()


def test_prepared_and_raw_files_give_the_same_evidence(world):
    a = world.a
    periode = PeriodeLaporan.objects.get(tahun_anggaran=a.ta, bulan=1)
    tz = a.sub.opd.pemda.zona_waktu
    photo = jpeg()
    made = []
    for kunci, files in (
        ("a" * 32, [("lokasi.jpg", photo)]),
        ("b" * 32, evidence.prepare_uploads([("lokasi.jpg", photo)], tz=tz)),
    ):
        report, _new = laporan_kirim(
            actor=a.users["operator_opd"],
            sub_kegiatan=a.sub,
            periode=periode,
            kunci=kunci,
            fields={"keuangan": "1000", "fisik": "1"},
            files=files,
        )
        made.append(Bukti.objects.filter(realisasi=report).order_by("-id").first())
        Bukti.objects.filter(realisasi=report).delete()  # the same file may be attached again
    fields = ("jenis", "content_type", "sha256", "ukuran", "diambil_pada", "nama_berkas")
    assert [getattr(made[0], f) for f in fields] == [getattr(made[1], f) for f in fields]


def test_an_upload_prepared_for_another_time_zone_is_processed_again(world):
    photo = jpeg()
    (upload,) = evidence.prepare_uploads([("lokasi.jpg", photo)], tz="Asia/Jakarta")
    again = upload.result("Asia/Makassar")
    assert again is not upload.processed and again.sha256 == upload.processed.sha256
    assert upload.result("Asia/Jakarta") is upload.processed


def test_an_empty_file_is_refused_by_name_and_nothing_saved(client, world):
    """A 0-byte file (a photo that failed to save on the phone) is not dropped in silence."""
    login(client, world.a.users["operator_opd"])
    empty = SimpleUploadedFile("kosong.jpg", b"", content_type="image/jpeg")
    good = SimpleUploadedFile("lokasi.jpg", jpeg(), content_type="image/jpeg")
    response = _post(client, world, [good, empty])
    assert response.status_code == 422
    assert "kosong.jpg kosong" in response.text
    assert not Realisasi.objects.exists() and not Bukti.objects.exists()


def test_a_bad_file_is_named_beside_the_fields_errors_at_the_first_try(client, world):
    login(client, world.a.users["operator_opd"])
    bad = SimpleUploadedFile("foto.jpg", b"bukan foto", content_type="image/jpeg")
    response = client.post(
        form_url(world.a),
        {"kunci": "v" * 32, "keuangan": "1,250,000", "fisik": "120", "bukti": [bad]},
    )
    assert response.status_code == 422
    assert "bukan angka yang sah" in response.text
    assert "foto.jpg bukan foto yang dapat dibaca" in response.text
    assert not Realisasi.objects.exists()
