"""The import page: upload -> dry run (task queue, immediate in tests) -> report -> import;
scope of the jobs; template download; the upload guard."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from pantau.audit.models import AuditEvent
from pantau.planning.models import ImportJob, SubKegiatan
from pantau.planning.workbook import SUB, plan_workbook

pytestmark = pytest.mark.django_db
CAPTURE = None


@pytest.fixture(autouse=True)
def _run_queued(django_capture_on_commit_callbacks):
    # the job is queued after the commit of its request; huey runs it at once in tests
    global CAPTURE
    CAPTURE = django_capture_on_commit_callbacks


def _post(client, url, data=None):
    with CAPTURE(execute=True):
        return client.post(url, data or {})


def _upload(client, world, content, name="rencana.xlsx"):
    return _post(
        client,
        reverse("impor:index"),
        {
            "kind": "rencana",
            "tahun_anggaran": world.a.ta.pk,
            "berkas": SimpleUploadedFile(name, content),
        },
    )


def _changed_pagu(world) -> bytes:
    book = load_workbook(
        io.BytesIO(plan_workbook(tahun_anggaran=world.a.ta, opds=[world.a.dinkes]))
    )
    book[SUB]["D3"] = 300_000_005  # sub 0002 has no cash plan: its pagu may change alone
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class TestImporPage:
    def test_upload_dry_run_then_import(self, client, world):
        client.force_login(world.a.users["operator_opd"])
        response = _upload(client, world, _changed_pagu(world))
        job = ImportJob.objects.get()
        assert response.url == reverse("impor:detail", args=[job.pk])
        assert (job.mode, job.status, job.hasil["counts"]["diubah"]) == ("uji", "selesai", 1)
        world.a.sub2.refresh_from_db()
        assert world.a.sub2.pagu_murni == 300_000_000  # the dry run wrote nothing
        page = client.get(response.url)
        assert "Impor sekarang" in page.content.decode()
        _post(client, reverse("impor:jalankan", args=[job.pk]))
        job.refresh_from_db()
        assert (job.mode, job.status) == ("impor", "selesai")
        world.a.sub2.refresh_from_db()
        assert world.a.sub2.pagu_murni == 300_000_005

    def test_a_file_equal_to_what_is_stored_says_nothing_would_change(self, client, world):
        client.force_login(world.a.users["operator_opd"])
        same = plan_workbook(tahun_anggaran=world.a.ta, opds=[world.a.dinkes])
        response = _upload(client, world, same)
        page = client.get(response.url).content.decode()
        assert "data-tanpa-perubahan" in page and "tidak akan mengubah apa pun" in page
        changed = _upload(client, world, _changed_pagu(world))
        assert "data-tanpa-perubahan" not in client.get(changed.url).content.decode()

    def test_errors_listed_downloadable_and_import_refused(self, client, world):
        client.force_login(world.a.users["operator_opd"])
        book = load_workbook(
            io.BytesIO(plan_workbook(tahun_anggaran=world.a.ta, opds=[world.a.dinkes]))
        )
        book[SUB]["D2"] = "banyak"
        out = io.BytesIO()
        book.save(out)
        _upload(client, world, out.getvalue())
        job = ImportJob.objects.get()
        page = client.get(reverse("impor:detail", args=[job.pk])).content.decode()
        assert "Sub Kegiatan" in page and "banyak" in page and "Impor sekarang" not in page
        assert job.hasil["counts"]["galat"] >= 1  # the badge agrees with the error list
        csv = client.get(reverse("impor:galat-csv", args=[job.pk])).content.decode()
        assert "Sub Kegiatan,2,D," in csv
        _post(client, reverse("impor:jalankan", args=[job.pk]))
        job.refresh_from_db()
        assert job.mode == "uji"  # refused: a dry run with errors cannot be imported

    def test_htmx_poll_returns_the_status_partial(self, client, world):
        client.force_login(world.a.users["operator_opd"])
        _upload(client, world, _changed_pagu(world))
        job = ImportJob.objects.get()
        part = client.get(reverse("impor:detail", args=[job.pk]), HTTP_HX_REQUEST="true")
        assert part.content.decode().startswith('<div id="impor-status"')

    def test_other_users_job_is_404(self, client, world):
        client.force_login(world.a.users["operator_opd"])
        _upload(client, world, _changed_pagu(world))
        job = ImportJob.objects.get()
        client.force_login(world.a.users["kepala_opd"])
        assert client.get(reverse("impor:detail", args=[job.pk])).status_code == 404
        client.force_login(world.b.users["admin"])
        assert client.get(reverse("impor:detail", args=[job.pk])).status_code == 404
        client.force_login(world.a.users["admin"])
        assert client.get(reverse("impor:detail", args=[job.pk])).status_code == 200

    def test_the_plan_file_records_each_rahasia_read(self, client, world):
        from conftest import classify

        classify(world.a, world.a.sub2, "rahasia")
        client.force_login(world.a.users["operator_opd"])
        response = client.get(reverse("impor:templat"), {"tahun": 2026})
        assert response.status_code == 200
        reads = AuditEvent.objects.filter(action="rahasia.read", object_id=str(world.a.sub2.pk))
        assert reads.filter(actor=world.a.users["operator_opd"]).exists()

    def test_only_the_uploader_runs_the_import(self, client, world):
        # the admin sees the operator's job but does not run it (the writes would be recorded
        # in the operator's name, with the operator's rights, while the admin clicked)
        client.force_login(world.a.users["operator_opd"])
        _upload(client, world, _changed_pagu(world))
        job = ImportJob.objects.get()
        client.force_login(world.a.users["admin"])
        page = client.get(reverse("impor:detail", args=[job.pk])).content.decode()
        assert "Impor sekarang" not in page
        _post(client, reverse("impor:jalankan", args=[job.pk]))
        job.refresh_from_db()
        world.a.sub2.refresh_from_db()
        assert job.mode == "uji" and world.a.sub2.pagu_murni == 300_000_000
        assert not AuditEvent.objects.filter(action="impor.start").exists()

    def test_a_job_of_a_deactivated_uploader_fails(self, client, world):
        from pantau.planning.jobs import run_job

        client.force_login(world.a.users["operator_opd"])
        _upload(client, world, _changed_pagu(world))
        job = ImportJob.objects.get()
        _post(client, reverse("impor:jalankan", args=[job.pk]))  # queued and run
        ImportJob.objects.filter(pk=job.pk).update(status="antri", mode="impor")
        type(world.a.users["operator_opd"]).objects.filter(
            pk=world.a.users["operator_opd"].pk
        ).update(is_active=False)
        SubKegiatan.objects.filter(pk=world.a.sub2.pk).update(pagu_murni=300_000_000)
        job = run_job(job.pk)
        world.a.sub2.refresh_from_db()
        assert job.status == "gagal" and world.a.sub2.pagu_murni == 300_000_000

    def test_template_download_for_own_opd_only(self, client, world):
        client.force_login(world.a.users["operator_opd"])
        response = client.get(reverse("impor:templat"), {"tahun": 2026})
        book = load_workbook(io.BytesIO(response.content))
        assert {r[0] for r in book[SUB].iter_rows(min_row=2, values_only=True)} == {
            world.a.dinkes.kode
        }
        client.force_login(world.a.users["auditor"])
        assert client.get(reverse("impor:templat")).status_code == 404

    def test_not_a_spreadsheet_fails_with_a_message(self, client, world):
        client.force_login(world.a.users["operator_opd"])
        _upload(client, world, b"just text", name="catatan.txt")
        job = ImportJob.objects.get()
        assert job.status == "gagal" and "bukan lembar kerja" in job.pesan
        assert AuditEvent.objects.filter(action="impor.uji.gagal").exists()

    def test_too_large_upload_refused_before_anything_is_kept(self, client, world, settings):
        settings.UPLOAD_MAX_MB = 1
        settings.UPLOAD_MAX_REQUEST_MB = 1
        client.force_login(world.a.users["operator_opd"])
        response = _upload(client, world, b"PK" + b"0" * (2 * 1024 * 1024))
        assert response.status_code == 200 and "terlalu besar" in response.content.decode()
        assert not ImportJob.objects.exists()
        assert SubKegiatan.objects.filter(tahun_anggaran=world.a.ta).count() == 3


def test_rows_with_errors_are_counted_as_errors():
    from pantau.planning.services_impor import rows_with_errors_marked

    hasil = {
        "counts": {"baru": 1, "diubah": 2, "tetap": 0, "galat": 0},
        "rows": [
            {"sheet": "Sub Kegiatan", "row": 2, "outcome": "diubah"},
            {"sheet": "Sub Kegiatan", "row": 3, "outcome": "diubah"},
            {"sheet": "Program", "row": 2, "outcome": "baru"},
        ],
        "errors": [
            {"sheet": "Sub Kegiatan", "row": 3, "column": "D", "message": "x"},
            {"sheet": "Sub Kegiatan", "row": 3, "column": "E", "message": "y"},
            {"sheet": "", "row": None, "column": "", "message": "file"},
        ],
    }
    out = rows_with_errors_marked(hasil)
    assert out["counts"] == {"baru": 1, "diubah": 1, "tetap": 0, "galat": 1}
    assert [r["outcome"] for r in out["rows"]] == ["diubah", "galat", "baru"]
