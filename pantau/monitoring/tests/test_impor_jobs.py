"""The one import page (`/impor/`) with every kind (decision 0021): the realisation workbook, the
plan workbook and SIPD through the job queue (huey immediate in tests); who may use each kind;
progress; the robustness of the queue: the stale job, the changed file, the double click, the
removal of old uploads."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from pantau.audit.models import AuditEvent
from pantau.core.storage import open_private, store
from pantau.monitoring.models import Realisasi
from pantau.monitoring.tests.test_workbook import SUB2, _row, _xlsx
from pantau.planning import jobs
from pantau.planning.models import ImportJob, SubKegiatan
from pantau.planning.services_impor import (
    STALE_MESSAGE,
    import_files_purge,
    import_jobs_fail_stale,
)
from pantau.planning.tasks import import_jobs_housekeeping
from pantau.planning.tests.test_sipd import Sipd, sipd_data
from pantau.planning.workbook import plan_workbook

pytestmark = pytest.mark.django_db
INDEX = reverse("impor:index")


@pytest.fixture
def queue(django_capture_on_commit_callbacks):
    """Run what a request queued after its commit (huey runs it at once in tests)."""

    def post(client, url, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {})

    return post


@pytest.fixture
def january(clock):
    clock.set("2026-01-20 10:00")


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _realisasi(queue, client, world, content=None, opd=None, name="januari.xlsx"):
    return queue(
        client,
        INDEX,
        {
            "kind": "realisasi",
            "opd": (opd or world.a.dinkes).pk,
            "tahun_anggaran": world.a.ta.pk,
            "berkas": SimpleUploadedFile(name, content or _xlsx([_row(), _row(SUB2)])),
        },
    )


def _import(queue, client, job):
    return queue(client, reverse("impor:jalankan", args=[job.pk]))


class TestRealisasiKind:
    def test_operator_dry_run_then_import_through_the_queue(self, client, world, queue, january):
        _login(client, world.a.users["operator_opd"])
        response = _realisasi(queue, client, world)
        job = ImportJob.objects.get()
        assert response.url == reverse("impor:detail", args=[job.pk])
        assert (job.kind, job.opd, job.mode, job.status) == (
            "realisasi",
            world.a.dinkes,
            "uji",
            "selesai",
        )
        assert job.hasil["counts"]["baru"] == 2 and not job.hasil["errors"]
        assert job.progress_total > 0 and job.progress_done == job.progress_total
        assert job.persen == 100
        assert not Realisasi.objects.exists()  # the dry run wrote nothing
        page = client.get(response.url).content.decode()
        assert "Impor sekarang" in page and "Hasil per baris" in page and SUB2 in page
        _import(queue, client, job)
        job.refresh_from_db()
        assert (job.mode, job.status) == ("impor", "selesai")
        assert sorted(Realisasi.objects.values_list("status", flat=True)) == ["draft", "draft"]

    def test_errors_by_sheet_row_and_column_and_import_refused(self, client, world, queue, january):
        _login(client, world.a.users["operator_opd"])
        _realisasi(queue, client, world, _xlsx([_row(keuangan="banyak")]))
        job = ImportJob.objects.get()
        error = job.hasil["errors"][0]
        assert (error["sheet"], error["row"]) == ("Realisasi", 2) and error["column"]
        assert "bukan angka" in client.get(reverse("impor:detail", args=[job.pk])).content.decode()
        _import(queue, client, job)
        job.refresh_from_db()
        assert job.mode == "uji" and not Realisasi.objects.exists()

    @pytest.mark.parametrize("role", ["kepala_opd", "verifikator", "admin", "pimpinan", "auditor"])
    def test_only_the_operator_of_the_opd_may_upload(self, client, world, queue, role, january):
        _login(client, world.a.users[role])
        response = _realisasi(queue, client, world)
        assert response.status_code == 200
        assert "tidak berwenang" in response.content.decode()
        assert not ImportJob.objects.exists() and not Realisasi.objects.exists()

    def test_another_opd_or_another_pemda_is_404(self, client, world, queue):
        _login(client, world.a.users["operator_opd"])
        assert _realisasi(queue, client, world, opd=world.a.pupr).status_code == 404
        assert _realisasi(queue, client, world, opd=world.b.dinkes).status_code == 404
        assert (
            client.get(INDEX, {"jenis": "realisasi", "opd": world.b.dinkes.pk}).status_code == 404
        )
        assert not ImportJob.objects.exists()

    def test_rows_of_another_opd_in_the_file_are_refused_and_audited(
        self, client, world, queue, january
    ):
        _login(client, world.a.users["operator_opd"])
        _realisasi(queue, client, world, _xlsx([_row(opd=world.a.pupr.kode)]))
        job = ImportJob.objects.get()
        assert job.hasil["errors"] and not Realisasi.objects.exists()
        _import(queue, client, job)
        assert not Realisasi.objects.exists()

    def test_the_page_preselects_the_kind_for_the_operator(self, client, world):
        _login(client, world.a.users["operator_opd"])
        page = client.get(INDEX, {"jenis": "realisasi", "opd": world.a.dinkes.pk})
        body = page.content.decode()
        assert '<option value="realisasi" selected>' in body
        assert f'name="opd" value="{world.a.dinkes.pk}"' in body


class TestRobustness:
    def _dry_run(self, client, world, queue):
        _login(client, world.a.users["operator_opd"])
        _realisasi(queue, client, world)
        return ImportJob.objects.get()

    def test_double_click_runs_the_import_once(self, client, world, queue, january):
        job = self._dry_run(client, world, queue)
        _import(queue, client, job)
        second = _import(queue, client, job)
        assert second.status_code == 302
        assert AuditEvent.objects.filter(action="impor.start").count() == 1
        assert AuditEvent.objects.filter(action="impor.impor.selesai").count() == 1
        assert Realisasi.objects.count() == 2
        # a task queued twice for the same job is taken by one worker only
        job.refresh_from_db()
        assert jobs.run_job(job.pk).status == "selesai"
        assert AuditEvent.objects.filter(action="impor.impor.selesai").count() == 1

    def test_a_file_changed_since_its_dry_run_is_refused(self, client, world, queue, january):
        job = self._dry_run(client, world, queue)
        assert len(job.sha256) == 64
        open_private(job.berkas).write_bytes(_xlsx([_row(keuangan=20_000_000)]))
        _import(queue, client, job)
        job.refresh_from_db()
        assert (job.mode, job.status) == ("impor", "gagal")
        assert "Berkas berubah sejak uji coba" in job.pesan
        assert not Realisasi.objects.exists()
        assert (
            "Impor ditolak" in client.get(reverse("impor:detail", args=[job.pk])).content.decode()
        )

    def test_a_stale_running_job_is_failed_a_live_one_kept(self, world, clock):
        clock.set("2026-01-20 10:00")
        common = {
            "pemda": world.a.pemda,
            "tahun_anggaran": world.a.ta,
            "kind": "rencana",
            "nama_berkas": "r.xlsx",
            "berkas": "",
            "status": ImportJob.Status.BERJALAN,
        }
        stale = ImportJob.objects.create(**common)
        live = ImportJob.objects.create(**common)
        ImportJob.objects.filter(pk=stale.pk).update(
            updated_at=timezone.now() - dt.timedelta(minutes=31)
        )
        ImportJob.objects.filter(pk=live.pk).update(
            updated_at=timezone.now() - dt.timedelta(minutes=29)
        )
        assert import_jobs_fail_stale() == [stale.pk]
        stale.refresh_from_db()
        live.refresh_from_db()
        assert (stale.status, live.status) == ("gagal", "berjalan")
        assert stale.pesan == str(STALE_MESSAGE) and stale.finished_at
        assert AuditEvent.objects.filter(action="impor.stale").count() == 1
        assert import_jobs_fail_stale() == []  # once

    def test_progress_is_visible_while_the_import_transaction_runs(
        self, client, world, clock, monkeypatch
    ):
        seen = {}
        _login(client, world.a.users["operator_opd"])
        url = reverse("impor:detail", args=[1])

        @transaction.atomic  # as every importer: the job row would not show a tick
        def dry_run(*, actor, content, filename, tahun_anggaran, progress):
            progress(1, 4)
            job = ImportJob.objects.get()
            seen["row"] = (job.progress_done, job.progress_total)
            seen["page"] = client.get(url).content.decode()
            clock.set("2026-01-20 11:00")
            progress(3, 4)
            seen["beat"] = jobs.heartbeat_of(job.pk)
            return jobs.RowsResult(rows=[{"outcome": "baru"}], errors=[])

        monkeypatch.setitem(jobs.KINDS, "uji", jobs.ImportKind("uji", dry_run=dry_run, run=dry_run))
        clock.set("2026-01-20 10:00")
        content = b"isi berkas"
        job = ImportJob.objects.create(
            pk=1,
            pemda=world.a.pemda,
            tahun_anggaran=world.a.ta,
            user=world.a.users["operator_opd"],
            kind="uji",
            nama_berkas="x",
            berkas=store(content, suffix=".unggah"),
            sha256=jobs.checksum(content),
        )
        job = jobs.run_job(job.pk)
        assert seen["row"] == (0, 0)  # the row is not where progress lives
        assert "25%" in seen["page"] and 'value="25"' in seen["page"]
        assert "1 dari 4 baris" in seen["page"]
        assert seen["beat"] == int(timezone.now().timestamp())
        assert (job.status, job.progress_done, job.progress_total, job.persen) == (
            "selesai",
            4,
            4,
            100,
        )

    def test_a_running_job_with_a_recent_tick_is_not_stale(self, world, clock):
        clock.set("2026-01-20 10:00")
        job = ImportJob.objects.create(
            pemda=world.a.pemda,
            tahun_anggaran=world.a.ta,
            kind="rencana",
            nama_berkas="r.xlsx",
            status=ImportJob.Status.BERJALAN,
        )
        clock.set("2026-01-20 10:40")
        jobs._progress(job.pk)(5, 10)  # the worker is alive, inside a long transaction
        assert import_jobs_fail_stale() == []
        clock.set("2026-01-20 11:20")
        assert import_jobs_fail_stale() == [job.pk]

    def test_old_files_are_removed_the_jobs_kept(self, client, world, queue, january, settings):
        job = self._dry_run(client, world, queue)
        path = open_private(job.berkas)
        settings.IMPORT_RETENTION_DAYS = 7
        with_commit = import_files_purge(now=timezone.now() + dt.timedelta(days=6))
        assert with_commit == [] and path.exists()
        import_files_purge(now=timezone.now() + dt.timedelta(days=8))
        job.refresh_from_db()
        assert job.berkas == "" and job.hasil["counts"]["baru"] == 2
        assert AuditEvent.objects.filter(action="impor.berkas_dihapus").count() == 1
        _import(queue, client, job)
        job.refresh_from_db()
        assert job.status == "gagal" and "sudah dihapus" in job.pesan
        assert not Realisasi.objects.exists()

    def test_the_periodic_task_does_both(self, world, clock, settings):
        clock.set("2026-01-20 10:00")
        ImportJob.objects.create(
            pemda=world.a.pemda,
            tahun_anggaran=world.a.ta,
            kind="rencana",
            nama_berkas="r.xlsx",
            berkas="",
            status=ImportJob.Status.BERJALAN,
        )
        clock.set("2026-01-21 10:00")
        assert import_jobs_housekeeping.call_local() == (1, 0)


class TestPlanKind:
    @pytest.mark.parametrize("role", ["operator_opd", "kepala_opd", "admin"])
    def test_plan_upload_allowed(self, client, world, queue, role):
        _login(client, world.a.users[role])
        content = plan_workbook(tahun_anggaran=world.a.ta, opds=[world.a.dinkes])
        queue(
            client,
            INDEX,
            {
                "kind": "rencana",
                "tahun_anggaran": world.a.ta.pk,
                "berkas": SimpleUploadedFile("rencana.xlsx", content),
            },
        )
        job = ImportJob.objects.get()
        assert (job.status, job.hasil["counts"].get("galat", 0)) == ("selesai", 0)

    @pytest.mark.parametrize("role", ["verifikator", "pimpinan", "auditor"])
    def test_plan_upload_refused(self, client, world, queue, role):
        _login(client, world.a.users[role])
        content = plan_workbook(tahun_anggaran=world.a.ta, opds=[world.a.dinkes])
        response = queue(
            client,
            INDEX,
            {
                "kind": "rencana",
                "tahun_anggaran": world.a.ta.pk,
                "berkas": SimpleUploadedFile("rencana.xlsx", content),
            },
        )
        assert "tidak berwenang" in response.content.decode()
        assert not ImportJob.objects.exists()


@pytest.fixture
def sipd(world, nomen_csv) -> Sipd:
    return Sipd(world, nomen_csv)


def _sipd(queue, client, tenant, content=None, name="sipd.json"):
    return queue(
        client,
        INDEX,
        {
            "kind": "sipd",
            "tahun_anggaran": tenant.ta27.pk,
            "berkas": SimpleUploadedFile(name, content or json.dumps(sipd_data()).encode()),
        },
    )


class TestSipdKind:
    @pytest.mark.parametrize("role", ["admin", "verifikator"])
    def test_dry_run_then_import(self, client, sipd, queue, role):
        a = sipd.world.a
        _login(client, a.users[role])
        _sipd(queue, client, a)
        job = ImportJob.objects.get()
        assert (job.kind, job.status, job.hasil["errors"]) == ("sipd", "selesai", [])
        assert [r["outcome"] for r in job.hasil["rows"]] == ["baru", "baru", "baru", "tetap"]
        assert job.progress_done == job.progress_total == 21
        assert not SubKegiatan.objects.filter(tahun_anggaran=a.ta27).exists()
        _import(queue, client, job)
        job.refresh_from_db()
        assert (job.mode, job.status) == ("impor", "selesai")
        assert SubKegiatan.objects.filter(tahun_anggaran=a.ta27).count() == 3

    def test_spreadsheet_with_a_record_error_named_by_table_record_and_field(
        self, client, sipd, queue
    ):
        from pantau.planning.tests.test_sipd import as_xlsx

        a = sipd.world.a
        data = sipd_data()
        data["data_sub_keg_bl"][0]["pagu"] = "banyak"
        _login(client, a.users["verifikator"])
        _sipd(queue, client, a, as_xlsx(data), name="sipd.xlsx")
        job = ImportJob.objects.get()
        error = job.hasil["errors"][0]
        assert error["sheet"] == "data_sub_keg_bl" and error["row"] and error["column"] == "pagu"
        assert job.hasil["counts"]["galat"] >= 1

    @pytest.mark.parametrize("role", ["operator_opd", "kepala_opd", "pimpinan", "auditor"])
    def test_other_roles_refused(self, client, sipd, queue, role):
        _login(client, sipd.world.a.users[role])
        response = _sipd(queue, client, sipd.world.a)
        assert "tidak berwenang" in response.content.decode()
        assert not ImportJob.objects.exists()

    def test_without_a_mapping_the_job_fails_with_the_way_to_it(self, client, sipd, queue):
        b = sipd.world.b  # pemda B has no SIPD mapping
        _login(client, b.users["admin"])
        _sipd(queue, client, b)
        job = ImportJob.objects.get()
        assert job.status == "gagal" and "Pemetaan SIPD" in job.pesan
        assert not SubKegiatan.objects.filter(tahun_anggaran=b.ta27).exists()

    def test_another_pemdas_job_is_404(self, client, sipd, queue):
        a, b = sipd.world.a, sipd.world.b
        _login(client, a.users["admin"])
        _sipd(queue, client, a)
        job = ImportJob.objects.get()
        client.logout()
        _login(client, b.users["admin"])
        assert client.get(reverse("impor:detail", args=[job.pk])).status_code == 404
        assert client.post(reverse("impor:jalankan", args=[job.pk])).status_code == 404

    def test_the_form_links_to_the_mapping_screen(self, client, sipd):
        _login(client, sipd.world.a.users["verifikator"])
        body = client.get(INDEX, {"jenis": "sipd"}).content.decode()
        assert reverse("sipd:pemetaan") in body and '<option value="sipd" selected>' in body


class TestNav:
    @pytest.mark.parametrize(
        ("role", "shown"),
        [
            ("operator_opd", True),
            ("kepala_opd", True),
            ("admin", True),
            ("verifikator", True),
            ("pimpinan", False),
            ("auditor", False),
        ],
    )
    def test_impor_in_the_nav_for_the_roles_that_import(self, client, world, role, shown):
        _login(client, world.a.users[role])
        body = client.get(reverse("monitoring:daftar")).content.decode()
        assert (f'href="{INDEX}"' in body) is shown


def test_monitoring_page_is_an_entry_to_the_job_page(client, world):
    _login(client, world.a.users["operator_opd"])
    body = client.get(reverse("monitoring:impor-realisasi")).content.decode()
    assert f'action="{INDEX}"' in body
