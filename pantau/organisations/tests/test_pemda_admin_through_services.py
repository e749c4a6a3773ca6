"""The Django admin's pemda form writes through `pemda_update` like every other path: a changed
warning threshold refreshes the roll-ups (their warning flags depend on it) and the change is one
audited `pemda.update` event."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from conftest import PASSWORD, verified
from pantau.audit.models import AuditEvent
from pantau.evaluation import rollup
from pantau.evaluation.models import RingkasanSubKegiatan
from pantau.organisations.models import Pemda

pytestmark = pytest.mark.django_db

FIELDS = [
    "kode", "nama", "domain_publik", "zona_waktu", "walidata_nama", "walidata_email",
    "sel_minimum", "hari_batas_laporan", "hari_pengingat", "selisih_fisik_keuangan_maks",
    "jarak_foto_maks_m", "kritis_batas_rencana", "kritis_deviasi_awal", "kritis_deviasi_akhir",
    "bobot_capaian", "bobot_serapan", "bobot_fisik", "bobot_ketepatan", "e81_tata_letak",
    "ibu_kota",
]  # fmt: skip


def _form(pemda: Pemda, **changes) -> dict:
    data = {f: getattr(pemda, f) for f in FIELDS}
    data["aktif"] = "on"
    data.update(changes)
    return data


def test_admin_threshold_change_refreshes_rollups_and_is_audited(client, world):
    verified(world.a, world.a.sub2, 1, Decimal(20_000_000), Decimal(1))
    root = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    assert client.login(username="root", password=PASSWORD)
    pemda = world.a.pemda
    assert RingkasanSubKegiatan.objects.exists()  # roll-up rows that carry warning flags
    url = reverse("admin:organisations_pemda_change", args=[pemda.pk])
    response = client.post(url, _form(pemda, kritis_deviasi_awal="0", walidata_nama="Walidata"))
    assert response.status_code == 302, response.text[:2000]
    fresh = Pemda.objects.get(pk=pemda.pk)
    assert fresh.kritis_deviasi_awal == Decimal(0) and fresh.walidata_nama == "Walidata"
    assert rollup.check() == []  # refreshed to the new threshold, not left stale
    event = AuditEvent.objects.filter(action="pemda.update", object_id=str(pemda.pk)).latest("at")
    assert event.actor_id == root.pk
    assert set(event.changes) >= {"kritis_deviasi_awal", "walidata_nama"}


def test_admin_form_without_changes_writes_nothing(client, world):
    get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    assert client.login(username="root", password=PASSWORD)
    pemda = world.a.pemda
    n = AuditEvent.objects.count()
    url = reverse("admin:organisations_pemda_change", args=[pemda.pk])
    assert client.post(url, _form(pemda)).status_code == 302
    assert AuditEvent.objects.filter(action="pemda.update").count() == 0
    assert AuditEvent.objects.count() == n


def test_admin_sets_the_e81_layout_and_seat_through_the_service(client, world):
    """Formulir E.81's layout (17 / 16 columns) and the seat printed above its signatures are
    pemda settings, changed in the admin like the others, audited; a layout outside the two is
    refused and nothing changes."""
    get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    assert client.login(username="root", password=PASSWORD)
    pemda = world.a.pemda
    url = reverse("admin:organisations_pemda_change", args=[pemda.pk])
    response = client.post(url, _form(pemda, e81_tata_letak="16", ibu_kota="Wangi-Wangi"))
    assert response.status_code == 302, response.text[:2000]
    fresh = Pemda.objects.get(pk=pemda.pk)
    assert (fresh.e81_tata_letak, fresh.ibu_kota) == ("16", "Wangi-Wangi")
    event = AuditEvent.objects.filter(action="pemda.update", object_id=str(pemda.pk)).latest("at")
    assert event.changes["e81_tata_letak"] == ["17", "16"]
    n = AuditEvent.objects.count()
    refused = client.post(url, _form(fresh, e81_tata_letak="15"))
    assert refused.status_code == 200 and "15 bukan salah satu dari pilihan" in refused.text
    assert Pemda.objects.get(pk=pemda.pk).e81_tata_letak == "16" and AuditEvent.objects.count() == n
