"""Public host names (issue 10 §1.1, portal takeover): one spelling, validated, one pemda per
host, changed only by a superuser, and a host claimed twice is a start-up error."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import IntegrityError, transaction
from django.urls import reverse

from conftest import PASSWORD
from pantau.audit.models import AuditEvent
from pantau.opendata import public
from pantau.organisations.checks import check_public_hosts
from pantau.organisations.hosts import normalise_host
from pantau.organisations.models import Pemda
from pantau.organisations.services import pemda_update, reference_admin_grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("data.wakatobikab.go.id", "data.wakatobikab.go.id"),
        ("  Data.WakatobiKab.GO.id  ", "data.wakatobikab.go.id"),
        ("data.wakatobikab.go.id:8443", "data.wakatobikab.go.id"),
        ("data.wakatobikab.go.id.", "data.wakatobikab.go.id"),
        ("data.wakatobikab.go.id.:80", "data.wakatobikab.go.id"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("BÜCHER.example", "xn--bcher-kva.example"),
        ("testserver", "testserver"),
        ("", ""),
    ],
)
def test_host_names_have_one_spelling(typed, stored):
    assert normalise_host(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "https://data.wakatobikab.go.id",
        "data.wakatobikab.go.id/portal",
        "data wakatobi.go.id",
        "-data.go.id",
        "data..go.id",
        "data_wakatobi.go.id",
        "xn--zz.go.id",
        "a" * 64 + ".go.id",
        "[::1]:8000",
        "admin@data.go.id",
    ],
)
def test_what_is_not_a_host_name_is_refused_and_changes_nothing(world, typed):
    pemda = world.a.pemda
    with pytest.raises(ValidationError) as caught:
        pemda_update(actor=None, pemda=pemda, domain_publik=typed)
    assert "bukan nama host yang sah" in str(caught.value)
    assert Pemda.objects.get(pk=pemda.pk).domain_publik == ""
    assert not AuditEvent.objects.filter(action="pemda.update").exists()


def test_host_is_stored_normalised(world):
    pemda_update(actor=None, pemda=world.a.pemda, domain_publik="Data.A.Example:443.")
    assert Pemda.objects.get(pk=world.a.pemda.pk).domain_publik == "data.a.example"


def test_a_host_belongs_to_one_pemda_case_insensitively(world):
    pemda_update(actor=None, pemda=world.a.pemda, domain_publik="data.a.example")
    with pytest.raises(ValidationError) as caught:
        pemda_update(actor=None, pemda=world.b.pemda, domain_publik="DATA.A.example")
    assert "sudah dipakai pemda lain" in str(caught.value)
    assert Pemda.objects.get(pk=world.b.pemda.pk).domain_publik == ""
    # the database refuses it too, whatever writes around the services
    with pytest.raises(IntegrityError), transaction.atomic():
        Pemda.objects.filter(pk=world.b.pemda.pk).update(domain_publik="Data.A.Example")
    # many pemdas may leave the host empty
    pemda_update(actor=None, pemda=world.a.pemda, domain_publik="")
    assert Pemda.objects.filter(domain_publik="").count() == 2


def test_only_a_superuser_changes_host_and_code(world, root):
    admin_a = world.a.users["admin"]
    for fields in ({"domain_publik": "data.a.example"}, {"kode": "74.99"}):
        with pytest.raises(PermissionDenied) as caught:
            pemda_update(actor=admin_a, pemda=world.a.pemda, **fields)
        assert "Hanya superuser" in str(caught.value)
    fresh = Pemda.objects.get(pk=world.a.pemda.pk)
    assert (fresh.domain_publik, fresh.kode) == ("", "74.07")
    # the admin still changes the pemda's other settings, and resubmitting the same host is fine
    pemda_update(actor=admin_a, pemda=world.a.pemda, walidata_nama="Walidata A", domain_publik="")
    pemda_update(actor=root, pemda=world.a.pemda, domain_publik="data.a.example")
    event = AuditEvent.objects.filter(action="pemda.update", actor=root).get()
    assert event.changes == {"domain_publik": ["", "data.a.example"]}


def test_pemda_admin_cannot_take_over_a_portal_through_the_admin(client, world, root, settings):
    """The attack of issue 10: B's admin writes A's host name on B in the Django admin."""
    settings.ALLOWED_HOSTS = ["*"]
    from conftest import Catalogue

    Catalogue(world)
    pemda_update(actor=root, pemda=world.a.pemda, domain_publik="data.a.example")
    admin_b = world.b.users["admin"]
    reference_admin_grant(actor=None, user=admin_b)
    assert client.login(username=admin_b.username, password=PASSWORD)
    url = reverse("admin:organisations_pemda_change", args=[world.b.pemda.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert 'name="domain_publik"' not in form.text and 'name="kode"' not in form.text
    b = world.b.pemda
    data = {
        "kode": "74.07",
        "nama": b.nama,
        "domain_publik": "data.a.example",
        "zona_waktu": b.zona_waktu,
        "walidata_nama": "Walidata B",
        "walidata_email": "",
        "sel_minimum": b.sel_minimum,
        "hari_batas_laporan": b.hari_batas_laporan,
        "hari_pengingat": b.hari_pengingat,
        "selisih_fisik_keuangan_maks": b.selisih_fisik_keuangan_maks,
        "jarak_foto_maks_m": b.jarak_foto_maks_m,
        "kritis_batas_rencana": b.kritis_batas_rencana,
        "kritis_deviasi_awal": b.kritis_deviasi_awal,
        "kritis_deviasi_akhir": b.kritis_deviasi_akhir,
        "bobot_capaian": b.bobot_capaian,
        "bobot_serapan": b.bobot_serapan,
        "bobot_fisik": b.bobot_fisik,
        "bobot_ketepatan": b.bobot_ketepatan,
        "e81_tata_letak": b.e81_tata_letak,
        "ibu_kota": b.ibu_kota,
        "aktif": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.text[:3000]
    fresh = Pemda.objects.get(pk=b.pk)
    assert (fresh.domain_publik, fresh.kode, fresh.walidata_nama) == (
        "data.b.example",
        "74.01",
        "Walidata B",
    )
    client.logout()
    public.forget_hosts()
    listed = client.get("/api/3/action/package_list", HTTP_HOST="data.a.example")
    assert "jumlah-puskesmas-2025" in json.loads(listed.content)["result"]
    assert "dataset-pemda-b" not in json.loads(listed.content)["result"]


def _claim_twice(world):
    """Two spellings of one host, as a dump restored around the services could hold them
    (the case-insensitive constraint cannot see a port or a trailing dot)."""
    Pemda.objects.filter(pk=world.a.pemda.pk).update(domain_publik="data.x.example")
    Pemda.objects.filter(pk=world.b.pemda.pk).update(domain_publik="Data.X.Example.")
    public.forget_hosts()


def test_a_host_claimed_twice_serves_no_catalogue(world):
    _claim_twice(world)
    assert public.catalogue_pemda("data.x.example") is None
    assert public.catalogue_pemda("DATA.x.example:8443") is None


def test_a_host_claimed_twice_is_a_start_up_error(world):
    from django.core.exceptions import ImproperlyConfigured

    import config.wsgi  # starts cleanly while every host has one pemda

    assert check_public_hosts() == []
    _claim_twice(world)
    errors = check_public_hosts()
    assert [e.id for e in errors] == ["organisations.E001"]
    assert "data.x.example" in errors[0].msg and "74.07" in errors[0].msg
    assert "74.01" in errors[0].msg
    with pytest.raises(SystemCheckError):
        call_command("check")
    with pytest.raises(ImproperlyConfigured):
        config.wsgi._refuse_ambiguous_hosts()
    # the repair command runs despite the failing check
    call_command("pemda_host", "74.01", "--hapus")
    assert check_public_hosts() == []
    assert public.catalogue_pemda("data.x.example") == world.a.pemda


def test_migration_normalises_hosts_and_refuses_a_double_claim(world):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "pantau.organisations.migrations.0009_pemda_domain_publik_unik"
    )
    Pemda.objects.filter(pk=world.a.pemda.pk).update(domain_publik="Data.X.Example:80")
    migration.normalise_hosts(apps, None)
    assert Pemda.objects.get(pk=world.a.pemda.pk).domain_publik == "data.x.example"
    Pemda.objects.filter(pk=world.b.pemda.pk).update(domain_publik="data.x.example.")
    with pytest.raises(RuntimeError, match="diklaim lebih dari satu pemda"):
        migration.normalise_hosts(apps, None)
    assert Pemda.objects.get(pk=world.b.pemda.pk).domain_publik == "data.x.example."
