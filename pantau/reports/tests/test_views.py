"""Report pages: scope (another OPD's operator gets 404 and changes nothing), the pemda's
reports only for pemda-wide roles, the print view at phone width, bad input refused in words,
and every gap of an awkward plan written in words in the XLSX and the PDF."""

from __future__ import annotations

import shutil
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import PASSWORD, verified
from pantau.core.storage import open_private
from pantau.organisations.choices import JenisOpd
from pantau.organisations.services import membership_set, opd_create, opd_update, user_create
from pantau.reports.jobs import laporan_run
from pantau.reports.models import LaporanResmi
from pantau.reports.selectors import Permintaan, laporan_list
from pantau.reports.services import laporan_request

YEAR = 2026


def _client(client, user):
    client.force_login(user)
    return client


def _url(opd, jenis="form-b"):
    return reverse("reports:opd", args=[opd.pk, YEAR, jenis])


class TestScope:
    def test_other_opd_operator_gets_404_and_changes_nothing(self, world, client):
        a = world.a
        verified(a, a.sub, 1, Decimal(10_000_000), 5)
        own = laporan_request(
            actor=a.users["operator_opd"],
            permintaan=Permintaan("form-b", a.ta, a.dinkes, 1),
            format="xlsx",
        )
        own = laporan_run(own.pk)
        stranger = user_create(actor=None, username="operator.pupr", password=PASSWORD)
        membership_set(actor=None, user=stranger, pemda=a.pemda, role="operator_opd", opd=a.pupr)
        c = _client(client, stranger)
        before = LaporanResmi.objects.count()
        assert c.get(_url(a.dinkes)).status_code == 404
        assert c.post(_url(a.dinkes), {"format": "xlsx"}).status_code == 404
        assert c.get(reverse("reports:arsip", args=[own.pk])).status_code == 404
        assert c.get(reverse("reports:unduh", args=[own.pk])).status_code == 404
        assert c.get(reverse("reports:pemda", args=[YEAR, "rfk"])).status_code == 404
        assert LaporanResmi.objects.count() == before
        assert laporan_list(user=stranger) == []
        # the OPD's own operator reads and downloads it; so does Bappeda, not pemda B
        assert laporan_list(user=a.users["operator_opd"]) == [own]
        assert laporan_list(user=a.users["verifikator"]) == [own]
        assert laporan_list(user=world.b.users["verifikator"]) == []
        got = _client(client, a.users["operator_opd"]).get(reverse("reports:unduh", args=[own.pk]))
        assert got.status_code == 200
        assert got["Content-Type"].startswith("application/vnd.openxmlformats")
        assert b"".join(got.streaming_content)[:2] == b"PK"

    def test_rahasia_report_only_for_its_readers(self, world):
        from conftest import classify

        a = world.a
        classify(a, a.sub2, "rahasia")
        made = laporan_run(
            laporan_request(
                actor=a.users["pimpinan"],
                permintaan=Permintaan("form-b", a.ta, a.dinkes, 1),
                format="xlsx",
            ).pk
        )
        assert made.memuat_rahasia is True
        assert laporan_list(user=a.users["pimpinan"]) == [made]
        assert laporan_list(user=a.users["kepala_opd"]) == [made]  # the OPD's own
        assert laporan_list(user=a.users["verifikator"]) == []  # may not read rahasia


class TestPages:
    def test_print_view_at_phone_width_and_build_from_it(self, world, client):
        a = world.a
        verified(a, a.sub, 1, Decimal(30_000_000), 5)
        c = _client(client, a.users["operator_opd"])
        page = c.get(_url(a.dinkes), {"bulan": "1"})
        assert page.status_code == 200
        html = page.content.decode()
        # the table scrolls in its own box; the page offers both formats; the chart is SVG
        assert 'class="table-responsive laporan-kotak"' in html
        assert "Buat XLSX" in html and "Buat PDF" in html
        assert "<svg" in html and ">30.000.000<" in html and ">5,00<" in html
        answer = c.post(_url(a.dinkes), {"format": "xlsx", "bulan": "1"})
        made = LaporanResmi.objects.get()
        assert answer.status_code == 302 and answer.url == reverse("reports:arsip", args=[made.pk])
        assert made.status == "selesai" and made.dibuat_oleh == a.users["operator_opd"]
        detail = c.get(answer.url).content.decode()
        assert made.versi_data in detail and "Unduh XLSX" in detail

    def test_pemda_report_is_queued_with_progress(
        self, world, client, django_capture_on_commit_callbacks
    ):
        a = world.a
        c = _client(client, a.users["pimpinan"])
        assert c.get(reverse("reports:pemda", args=[YEAR, "peringkat"])).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            answer = c.post(
                reverse("reports:pemda", args=[YEAR, "ringkasan"]),
                {"format": "pdf", "triwulan": "1"},
            )
        made = LaporanResmi.objects.get()
        assert answer.status_code == 302
        assert (made.jenis, made.triwulan, made.bulan, made.status) == (
            "ringkasan",
            1,
            3,
            "selesai",
        )
        assert open_private(made.berkas).read_bytes()[:5] == b"%PDF-"
        # an OPD's people may not ask for the pemda's reports
        op = _client(client, a.users["operator_opd"])
        assert op.get(reverse("reports:pemda", args=[YEAR, "ringkasan"])).status_code == 404

    def test_bad_input_is_refused_in_words_and_writes_nothing(self, world, client):
        a = world.a
        c = _client(client, a.users["operator_opd"])
        answer = c.post(_url(a.dinkes), {"format": "docx"}, follow=True)
        assert "Format laporan harus XLSX atau PDF." in answer.content.decode()
        assert not LaporanResmi.objects.exists()
        assert c.get(reverse("reports:opd", args=[a.dinkes.pk, YEAR, "salah"])).status_code == 404
        assert c.get(reverse("reports:opd", args=[a.dinkes.pk, 1999, "rfk"])).status_code == 404
        # a month that is no month falls back to the default month, never a 500
        assert c.get(_url(a.dinkes), {"bulan": "13'"}).status_code == 200


class TestGaps:
    def test_every_gap_in_words(self, world):
        from pantau.planning.services import sub_kegiatan_create

        a = world.a
        zero = sub_kegiatan_create(
            actor=None, kegiatan=a.kegiatan, kode="1.02.02.2.01.0003", pagu_murni=Decimal(0)
        )
        empty = opd_create(
            actor=None,
            pemda=a.pemda,
            kode="1.02.0.00.0.00.02.0000",
            nama="Badan Baru " + "dengan nama yang sangat panjang " * 5,
            singkatan="Baru",
            jenis=JenisOpd.BADAN,
        )
        opd_update(actor=None, opd=a.pupr, aktif=False)  # deactivated mid-year, history kept
        boss = a.users["pimpinan"]

        def build(fmt, **kw):
            made = laporan_run(
                laporan_request(actor=boss, permintaan=Permintaan(**kw), format=fmt).pk
            )
            assert made.status == "selesai", made.pesan
            return open_private(made.berkas).read_bytes()

        # no report at all this year: Form B still produced, the figures say "belum ..."
        ws = load_workbook(
            BytesIO(build("xlsx", jenis="form-b", tahun_anggaran=a.ta, opd=a.dinkes, bulan=12))
        ).active
        values = {c.value for row in ws.iter_rows() for c in row}
        assert "pagu nol" in values and "tanpa rencana" in values
        zero_row = next(r for r in ws.iter_rows(min_row=7) if r[1].value == zero.kode)
        assert zero_row[4].value == "pagu nol"  # bobot: never a silent 0
        # an OPD without sub kegiatan
        ws = load_workbook(
            BytesIO(build("xlsx", jenis="form-b", tahun_anggaran=a.ta, opd=empty, bulan=3))
        ).active
        values = [c.value for row in ws.iter_rows() for c in row]
        assert "OPD ini tidak memiliki sub kegiatan pada tahun anggaran ini." in values
        assert "tidak ada sub kegiatan" in values
        # the pemda's RFK keeps the deactivated OPD, marked, and the empty one, marked
        ws = load_workbook(
            BytesIO(build("xlsx", jenis="rfk", tahun_anggaran=a.ta, opd=None, bulan=3))
        ).active
        notes = {r[2].value: r[14].value for r in ws.iter_rows(min_row=7) if r[1].value}
        assert "OPD dinonaktifkan" in notes["Dinas PUPR A"]
        assert notes[empty.nama] == "tidak ada sub kegiatan"
        if shutil.which("pdftotext"):
            import subprocess
            import tempfile
            from pathlib import Path

            with tempfile.TemporaryDirectory() as tmp:
                pdf = Path(tmp) / "r.pdf"
                pdf.write_bytes(
                    build("pdf", jenis="form-b", tahun_anggaran=a.ta, opd=empty, bulan=3)
                )
                text = subprocess.run(  # noqa: S603 - our own file, a fixed tool
                    [shutil.which("pdftotext"), str(pdf), "-"], capture_output=True, check=True
                ).stdout.decode()
            assert "tidak memiliki sub kegiatan" in " ".join(text.split())
            assert "sangat panjang" in text  # a long name wraps, it is not cut


@pytest.mark.parametrize("jenis", ["peringkat", "ringkasan"])
def test_pemda_kinds_are_not_an_opd_report(world, client, jenis):
    a = world.a
    c = _client(client, a.users["pimpinan"])
    assert c.get(_url(a.dinkes, jenis)).status_code == 404
    assert c.get(reverse("reports:pemda", args=[YEAR, "form-b"])).status_code == 404


class TestStale:
    def test_a_build_whose_worker_died_is_failed_in_words(self, world):
        import datetime as dt

        from django.utils import timezone

        from pantau.audit.models import AuditEvent
        from pantau.reports.services import laporan_fail_stale

        a = world.a
        asked = laporan_request(
            actor=a.users["operator_opd"],
            permintaan=Permintaan("rfk", a.ta, a.dinkes, 1),
            format="pdf",
        )
        LaporanResmi.objects.filter(pk=asked.pk).update(status="berjalan")
        assert laporan_fail_stale() == []  # still fresh
        later = timezone.now() + dt.timedelta(minutes=31)
        assert laporan_fail_stale(now=later) == [asked.pk]
        asked.refresh_from_db()
        assert asked.status == "gagal" and "buat ulang" in asked.pesan and not asked.berkas
        assert AuditEvent.objects.filter(action="laporan_resmi.gagal", object_id=str(asked.pk))
        assert laporan_list(user=a.users["operator_opd"]) == [asked]  # listed, as failed
        # a failed build never runs again, however often it is queued
        assert laporan_run(asked.pk).status == "gagal"


class TestLanguage:
    def test_built_later_in_the_askers_language(self, world):
        from django.utils import translation

        a = world.a
        with translation.override("en"):
            asked = laporan_request(
                actor=a.users["kepala_opd"],
                permintaan=Permintaan("form-b", a.ta, a.dinkes, 1),
                format="xlsx",
            )
        made = laporan_run(asked.pk)  # as the task queue would, outside the request
        ws = load_workbook(BytesIO(open_private(made.berkas).read_bytes())).active
        assert ws["A1"].value == "FORM B — PHYSICAL AND FINANCIAL REALISATION PER SUB-ACTIVITY"
        values = {c.value for row in ws.iter_rows() for c in row}
        assert {"not recorded", "no plan", "OPD total"} <= values, values
        assert any("no monthly plan" in str(v) for v in values)
