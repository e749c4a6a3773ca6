"""The realisation workbook page: download, and the upload form that creates a job on the one
import page (`/impor/`); who may do what."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import PASSWORD
from pantau.monitoring.models import Realisasi
from pantau.monitoring.tests.test_workbook import OPD, SUB, _row, _xlsx
from pantau.planning.models import ImportJob

pytestmark = pytest.mark.django_db
URL = reverse("monitoring:impor-realisasi")
TEMPLAT = reverse("monitoring:templat-realisasi")


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    # the job is queued after the commit of its request; huey runs it at once in tests
    return django_capture_on_commit_callbacks


def test_operator_downloads_then_the_upload_goes_to_the_job_page(client, world, clock, on_commit):
    clock.set("2026-01-20 10:00")
    _login(client, world.a.users["operator_opd"])
    page = client.get(URL)
    body = page.content.decode()
    assert page.status_code == 200 and 'name="berkas"' in body
    assert f'action="{reverse("impor:index")}"' in body and 'value="realisasi"' in body
    got = client.get(TEMPLAT, {"tahun": 2026, "bulan": 1})
    assert got.status_code == 200 and "templat-realisasi" in got["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(got.content))["Realisasi"]
    assert sheet["B2"].value == SUB
    upload = io.BytesIO(_xlsx([_row()]))
    upload.name = "januari.xlsx"
    with on_commit(execute=True):
        dry = client.post(
            reverse("impor:index"),
            {
                "kind": "realisasi",
                "opd": world.a.dinkes.pk,
                "tahun_anggaran": world.a.ta.pk,
                "berkas": upload,
            },
        )
    job = ImportJob.objects.get()
    assert dry.url == reverse("impor:detail", args=[job.pk]) and not Realisasi.objects.exists()
    assert (job.kind, job.opd_id, job.status, job.hasil["counts"]["baru"]) == (
        "realisasi",
        world.a.dinkes.pk,
        "selesai",
        1,
    )


def test_the_page_keeps_no_upload_of_its_own(client, world):
    _login(client, world.a.users["operator_opd"])
    upload = io.BytesIO(_xlsx([_row()]))
    upload.name = "r.xlsx"
    assert client.post(URL, {"opd": world.a.dinkes.pk, "berkas": upload}).status_code == 405
    assert not ImportJob.objects.exists()


def test_head_of_opd_has_no_upload_and_other_pemda_is_hidden(client, world):
    _login(client, world.a.users["kepala_opd"])
    assert b'name="berkas"' not in client.get(URL).content
    assert client.get(URL, {"opd": world.b.dinkes.pk}).status_code == 404
    assert client.get(TEMPLAT, {"opd": world.b.dinkes.pk, "isi": 1}).status_code == 404


def test_admin_exports_the_pemda_as_csv(client, world):
    _login(client, world.a.users["admin"])
    got = client.get(TEMPLAT, {"tahun": 2026, "isi": 1, "format": "csv"})
    assert got.status_code == 200 and got.content.decode().startswith("Kode OPD;")
    assert OPD not in got.content.decode()  # no reports yet: the header only
