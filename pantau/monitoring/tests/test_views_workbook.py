"""The realisation workbook page: download, dry run, confirm; who may do what."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import PASSWORD
from pantau.monitoring.models import Realisasi
from pantau.monitoring.tests.test_workbook import OPD, SUB, _row, _xlsx

pytestmark = pytest.mark.django_db
URL = reverse("monitoring:impor-realisasi")
TEMPLAT = reverse("monitoring:templat-realisasi")


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_operator_downloads_dry_runs_and_imports(client, world, clock):
    clock.set("2026-01-20 10:00")
    _login(client, world.a.users["operator_opd"])
    page = client.get(URL)
    assert page.status_code == 200 and b'name="berkas"' in page.content
    got = client.get(TEMPLAT, {"tahun": 2026, "bulan": 1})
    assert got.status_code == 200 and "templat-realisasi" in got["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(got.content))["Realisasi"]
    assert sheet["B2"].value == SUB
    upload = io.BytesIO(_xlsx([_row()]))
    upload.name = "januari.xlsx"
    dry = client.post(URL, {"opd": world.a.dinkes.pk, "tahun": 2026, "berkas": upload})
    assert dry.status_code == 200 and not Realisasi.objects.exists()
    token = dry.context["token"]
    done = client.post(
        URL, {"opd": world.a.dinkes.pk, "tahun": 2026, "langkah": "impor", "token": token}
    )
    assert done.context["done"] and Realisasi.objects.get().status == "draft"
    again = client.post(
        URL, {"opd": world.a.dinkes.pk, "tahun": 2026, "langkah": "impor", "token": token}
    )
    assert again.status_code == 400 and Realisasi.objects.count() == 1  # the token is spent


def test_errors_are_listed_and_nothing_is_kept(client, world, clock):
    clock.set("2026-01-20 10:00")
    _login(client, world.a.users["operator_opd"])
    upload = io.BytesIO(_xlsx([_row(keuangan="banyak")]))
    upload.name = "salah.xlsx"
    page = client.post(URL, {"opd": world.a.dinkes.pk, "tahun": 2026, "berkas": upload})
    assert "bukan angka" in page.content.decode() and "token" not in page.context
    assert not Realisasi.objects.exists()


def test_head_of_opd_cannot_import_and_other_pemda_is_hidden(client, world):
    _login(client, world.a.users["kepala_opd"])
    upload = io.BytesIO(_xlsx([_row()]))
    upload.name = "r.xlsx"
    assert client.post(URL, {"opd": world.a.dinkes.pk, "berkas": upload}).status_code == 403
    assert client.get(URL, {"opd": world.b.dinkes.pk}).status_code == 404
    assert client.get(TEMPLAT, {"opd": world.b.dinkes.pk, "isi": 1}).status_code == 404


def test_admin_exports_the_pemda_as_csv(client, world):
    _login(client, world.a.users["admin"])
    got = client.get(TEMPLAT, {"tahun": 2026, "isi": 1, "format": "csv"})
    assert got.status_code == 200 and got.content.decode().startswith("Kode OPD;")
    assert OPD not in got.content.decode()  # no reports yet: the header only
