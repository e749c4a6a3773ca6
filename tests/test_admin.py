"""The Django admin for reference data: scoped to the admin's pemda, every change audited."""

import pytest
from django.urls import reverse

from conftest import PASSWORD
from pantau.audit.models import AuditEvent
from pantau.organisations.models import Opd
from pantau.organisations.services import reference_admin_grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, world):
    user = world.a.users["admin"]
    reference_admin_grant(actor=None, user=user)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_grant_is_audited(world):
    reference_admin_grant(actor=None, user=world.a.users["admin"])
    event = AuditEvent.objects.get(action="user.grant_reference_admin")
    assert "change_opd" in event.changes["permissions"][1]


def test_changelist_shows_own_pemda_only(admin_client, world):
    response = admin_client.get(reverse("admin:organisations_opd_changelist"))
    assert response.status_code == 200
    assert world.a.dinkes.nama in response.text and world.b.dinkes.nama not in response.text
    other = admin_client.get(reverse("admin:organisations_opd_change", args=[world.b.dinkes.pk]))
    assert other.status_code in (302, 404)  # the admin redirects "does not exist" to the index


def test_edit_is_audited_field_level(admin_client, world):
    url = reverse("admin:organisations_opd_change", args=[world.a.dinkes.pk])
    opd = world.a.dinkes
    data = {
        "pemda": opd.pemda_id,
        "kode": opd.kode,
        "nama": "Dinas Kesehatan Baru",
        "singkatan": opd.singkatan,
        "jenis": opd.jenis,
        "bidang_urusan": opd.bidang_urusan,
        "wilayah": "",
        "kepala_nama": "",
        "kepala_nip": "",
        "aktif": "on",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.text[:2000]
    assert Opd.objects.get(pk=opd.pk).nama == "Dinas Kesehatan Baru"
    event = AuditEvent.objects.get(action="opd.update.admin")
    assert event.changes == {"nama": [opd.nama, "Dinas Kesehatan Baru"]}
    assert event.actor == world.a.users["admin"]


def test_bad_code_in_admin_changes_nothing(admin_client, world):
    url = reverse("admin:organisations_opd_change", args=[world.a.dinkes.pk])
    opd = world.a.dinkes
    data = {
        "pemda": opd.pemda_id,
        "kode": "1.02",
        "nama": opd.nama,
        "singkatan": opd.singkatan,
        "jenis": opd.jenis,
        "aktif": "on",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200 and "tidak sah" in response.text
    assert Opd.objects.get(pk=opd.pk).kode == opd.kode
    assert not AuditEvent.objects.filter(action="opd.update.admin").exists()


def test_audit_trail_is_read_only(admin_client):
    response = admin_client.get(reverse("admin:audit_auditevent_changelist"))
    assert response.status_code == 200
    assert admin_client.get(reverse("admin:audit_auditevent_add")).status_code == 403


def test_operator_cannot_enter_admin(client, world):
    assert client.login(username="operator_opd.a", password=PASSWORD)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
