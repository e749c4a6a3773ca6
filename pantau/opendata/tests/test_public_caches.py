"""What the public sees follows every change at once, whatever the caches: totals, withdrawals,
renames, deletions.
"""

import json

import pytest

from conftest import classify
from pantau.opendata import public
from pantau.opendata import services as od
from pantau.opendata.ids import resource_id

pytestmark = pytest.mark.django_db


API = "/api/3/action/"


def _result(client, path):
    return json.loads(client.get(API + path).content)


def test_confidential_amounts_are_not_in_public_totals(world, catalogue):
    from pantau.opendata.development import opd_rows

    classify(world.a, world.a.sub2, "rahasia", alasan="Sedang diselidiki.")
    rows = {r["kode_organisasi"]: r for r in opd_rows(world.a.ta)}
    assert rows[world.a.dinkes.kode]["pagu"] == 600_000_000  # without the rahasia 300 jt
    assert rows[world.a.dinkes.kode]["jumlah_sub_kegiatan"] == 1
    assert public.headline(world.a.pemda, 2026).pagu == 700_000_000


def test_withdrawal_is_seen_at_once_despite_the_caches(client, world, catalogue):
    ds = catalogue.public[0]
    assert ds.nama in _result(client, "package_list")["result"]
    assert client.get("/dataset/").context["count"] == 3
    od.dataset_withdraw(
        actor=world.a.users["admin"],
        dataset=ds,
        klasifikasi="terbatas",
        dasar_pengecualian="17i",
        alasan="Perlu diperiksa ulang.",
    )
    assert ds.nama not in _result(client, "package_list")["result"]
    assert client.get(API + f"package_show?id={ds.nama}").status_code == 404
    assert client.get("/dataset/").context["count"] == 2
    assert client.get(f"/dataset/{ds.uid}.ttl").status_code == 404


def test_resource_lookup_does_not_scan_the_catalogue(world, catalogue, django_assert_num_queries):
    ds = catalogue.public[1]
    key = resource_id(ds.uid, "xlsx")
    public.dataset_by_resource(world.a.pemda, key)  # builds the index
    with django_assert_num_queries(3):  # last change, the dataset, its topics
        found = public.dataset_by_resource(world.a.pemda, key)
    assert (found[0].pk, found[1]) == (ds.pk, "xlsx")
    assert public.dataset_by_resource(world.b.pemda, key) is None  # another pemda's index
    od.dataset_withdraw(
        actor=world.a.users["admin"],
        dataset=ds,
        klasifikasi="terbatas",
        dasar_pengecualian="17i",
        alasan="Diperiksa ulang.",
    )
    assert public.dataset_by_resource(world.a.pemda, key) is None


def test_opd_rename_reaches_the_cached_catalogue_at_once(client, world, catalogue):
    from pantau.organisations.services import opd_update, pemda_update

    ds = catalogue.public[0]  # of Dinkes A
    url = f"/api/3/action/package_show?id={ds.nama}"
    before = client.get(url).json()["result"]
    assert before["organization"]["title"] == "Dinas Kesehatan A"
    opd_update(actor=None, opd=world.a.dinkes, nama="Dinas Kesehatan Kabupaten Uji A")
    after = client.get(url).json()["result"]  # no waiting for the cache to expire
    assert after["organization"]["title"] == "Dinas Kesehatan Kabupaten Uji A"
    pemda_update(actor=None, pemda=world.a.pemda, walidata_nama="Walidata Baru")
    extras = {e["key"]: e["value"] for e in client.get(url).json()["result"]["extras"]}
    assert extras["sdi_walidata"] == "Walidata Baru"


def test_catalogue_token_moves_on_a_deletion_and_with_any_clock(world, catalogue, clock, rf):
    """The token is the latest audit event of the catalogue's objects: a deletion (through the
    audited admin) moves it, and so does a change saved by a server whose clock runs behind."""
    from django.contrib.admin.sites import site

    from pantau.opendata.models import Topik
    from pantau.organisations.services import opd_update

    old = Topik.objects.create(nama="uji-lama", judul="Uji lama")
    before = public.last_change(world.a.pemda)
    request = rf.post("/")
    request.user = world.a.users["admin"]
    site._registry[Topik].delete_model(request, old)
    after_delete = public.last_change(world.a.pemda)
    assert after_delete != before
    clock.set("2020-01-01T08:00")  # far behind every timestamp already stored
    opd_update(actor=None, opd=world.a.dinkes, nama="Dinas Kesehatan (ganti nama)")
    assert public.last_change(world.a.pemda) != after_delete
    # another pemda's change does not move A's token
    same = public.last_change(world.a.pemda)
    opd_update(actor=None, opd=world.b.dinkes, nama="Dinas Kesehatan B baru")
    assert public.last_change(world.a.pemda) == same
