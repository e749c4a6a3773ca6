"""Every service that builds the world leaves its audit event, and SQLite runs as configured."""

import pytest
from django.db import connection

from pantau.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_each_service_used_to_build_a_world_is_audited(world):
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    expected = {
        "nomenklatur.load",
        "pemda.create",
        "opd.create",
        "tahun_anggaran.create",
        "periode.create",
        "program.create",
        "kegiatan.create",
        "sub_kegiatan.create",
        "rencana.set",
        "user.create",
        "membership.create",
    }
    assert expected <= actions
    # one event per created row, each in the right tenant
    assert AuditEvent.objects.filter(action="periode.create").count() == 24
    assert AuditEvent.objects.filter(action="opd.create", pemda=world.b.pemda).count() == 2
    event = AuditEvent.objects.filter(action="program.create", pemda=world.a.pemda).first()
    assert event.object_type == "planning.program" and event.changes["kode"][1] in {
        "1.02.02",
        "1.03.03",
    }


def test_sumber_dana_and_pemda_update_audited(world):
    from pantau.organisations.services import pemda_update
    from pantau.planning.services import sumber_dana_create

    sumber_dana_create(actor=None, kode="PAD", nama="Pendapatan Asli Daerah")
    pemda_update(actor=world.a.users["admin"], pemda=world.a.pemda, hari_batas_laporan=12)
    assert AuditEvent.objects.filter(action="sumber_dana.create").exists()
    event = AuditEvent.objects.get(action="pemda.update")
    assert event.changes == {"hari_batas_laporan": [10, 12]} and event.actor_label == "admin.a"


@pytest.mark.django_db(transaction=True)
def test_audit_requires_a_transaction():
    from pantau.audit.services import audit_record

    with pytest.raises(RuntimeError):
        audit_record(actor=None, action="x")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite settings only")
def test_sqlite_wal_and_foreign_keys():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in connection.settings_dict["OPTIONS"]["init_command"]


class TestDownloadsAudited:
    """Every download of a plan or realisation workbook is one `daftar.ekspor` event in the
    pemda's chain (issue 12 §4); the lists and drill-downs record theirs in core/exports."""

    def test_plan_workbook_download(self, world, client):
        from django.urls import reverse

        user = world.a.users["operator_opd"]
        client.force_login(user)
        for fmt in ("xlsx", "csv"):
            got = client.get(reverse("impor:templat"), {"tahun": 2026, "format": fmt})
            assert got.status_code == 200
        events = AuditEvent.objects.filter(action="daftar.ekspor", object_id="impor:templat")
        assert [e.changes["format"] for e in events.order_by("id")] == ["xlsx", "zip"]
        event = events.first()
        assert event.actor == user and event.pemda == world.a.pemda
        assert event.opd_id == world.a.dinkes.pk and event.changes["jumlah_baris"] >= 1

    def test_realisation_workbook_download(self, world, client):
        from django.urls import reverse

        user = world.a.users["operator_opd"]
        client.force_login(user)
        got = client.get(reverse("monitoring:templat-realisasi"), {"tahun": 2026, "isi": 1})
        assert got.status_code == 200
        event = AuditEvent.objects.get(
            action="daftar.ekspor", object_id="monitoring:templat-realisasi"
        )
        assert event.actor == user and event.pemda == world.a.pemda
        assert event.changes["format"] == "xlsx" and event.changes["saringan"]["isi"] == "1"
