"""Regression tests for the findings of the open-data review."""

import io
import json

import pytest
from django.core.exceptions import ValidationError

from conftest import classify
from pantau.audit.models import AuditEvent
from pantau.opendata import public
from pantau.opendata import services as od
from pantau.opendata import services_tabel as tabel
from pantau.opendata.ids import resource_id

pytestmark = pytest.mark.django_db
API = "/api/3/action/"


def _new(world, nama, actor=None):
    """A draft dataset of Dinkes A with the minimum metadata."""
    import datetime as dt

    return od.dataset_create(
        actor=actor,
        opd=world.a.dinkes,
        nama=nama,
        judul=nama.title(),
        deskripsi="d",
        frekuensi="tahunan",
        periode_awal=dt.date(2025, 1, 1),
        periode_akhir=dt.date(2025, 12, 31),
    )


def _result(client, path):
    return json.loads(client.get(API + path).content)


def test_confidential_amounts_are_not_in_public_totals(world, catalogue):
    from pantau.opendata.development import opd_rows

    classify(world.a, world.a.sub2, "rahasia", alasan="Sedang diselidiki.")
    rows = {r["kode_organisasi"]: r for r in opd_rows(world.a.ta)}
    assert rows[world.a.dinkes.kode]["pagu"] == 600_000_000  # without the rahasia 300 jt
    assert rows[world.a.dinkes.kode]["jumlah_sub_kegiatan"] == 1
    assert public.headline(world.a.pemda, 2026).pagu == 700_000_000


def test_produsen_cannot_change_a_published_dataset(world, catalogue):
    ds = catalogue.public[0]
    with pytest.raises(ValidationError, match="walidata"):
        od.dataset_update(actor=world.a.users["operator_opd"], dataset=ds, judul="Belum disetujui")
    with pytest.raises(ValidationError, match="data pribadi"):
        od.dataset_update(
            actor=world.a.users["admin"], dataset=ds, deskripsi="Hubungi 081234567890"
        )
    before = ds.diubah_publik
    ds = od.dataset_update(actor=world.a.users["admin"], dataset=ds, judul="Judul baru")
    assert ds.diubah_publik > before  # harvesters see the change


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


def test_personal_data_after_many_rows_is_found(world):
    admin = world.a.users["admin"]
    ds = _new(world, "banyak", actor=admin)
    body = "kode,catatan\n" + "".join(f"K{i},baik\n" for i in range(6000)) + "K9,3201234567890123\n"
    with pytest.raises(ValidationError, match="NIK"):  # refused at upload already
        tabel.versi_upload(
            actor=admin, dataset=ds, content=body.encode(), filename="b.csv", terima_usulan=True
        )
    ds.refresh_from_db()
    assert not ds.versi.exists() and ds.skema == {}


@pytest.mark.parametrize(
    "body, message",
    [
        (b"a,b\n1,NaN\n2,3\n", "tidak berhingga"),
        (b"a,b\n1,\x0b\n", "karakter kendali"),
    ],
)
def test_uploads_with_bad_values(world, body, message):

    ds = _new(world, "nilai", actor=None)
    tabel.versi_upload(
        actor=None, dataset=ds, content=b"a,b\n1,2.5\n", filename="v1.csv", terima_usulan=True
    )
    with pytest.raises(ValidationError, match=message):
        tabel.versi_upload(actor=None, dataset=ds, content=body, filename="v2.csv")


def test_truncated_xlsx_is_a_clear_error(world):
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["a", "b"])
    book.active.append([1, 2])
    raw = io.BytesIO()
    book.save(raw)
    damaged = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(damaged, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, data[: len(data) // 2] if "sheet1" in item.filename else data)
    ds = _new(world, "rusak", actor=None)
    with pytest.raises(ValidationError, match="XLSX"):
        tabel.versi_upload(
            actor=None,
            dataset=ds,
            content=damaged.getvalue(),
            filename="r.xlsx",
            terima_usulan=True,
        )


def test_xlsx_download_never_writes_a_formula(client, world, settings):

    settings.OPENDATA_DEFAULT_PEMDA = "74.07"  # two pemdas, neither claims the test host

    from openpyxl import load_workbook

    from pantau.organisations.services import pemda_update

    pemda_update(actor=None, pemda=world.a.pemda, walidata_email="data@a.example")
    admin = world.a.users["admin"]
    ds = _new(world, "rumus", actor=admin)
    tabel.versi_upload(
        actor=admin,
        dataset=ds,
        terima_usulan=True,
        filename="r.csv",
        content=b'kode,tautan\nA,"=HYPERLINK(""http://evil"";""klik"")"\n',
    )
    od.dataset_submit(actor=admin, dataset=ds)
    ds = od.dataset_publish(actor=admin, dataset=ds, kelas_kip="berkala")
    url = f"/dataset/rumus/resource/{resource_id(ds.uid, 'xlsx')}/download/rumus.xlsx"
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    cell = load_workbook(io.BytesIO(response.content)).active["B2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


@pytest.mark.parametrize(
    "path",
    [
        "package_search?rows=%C2%B2",
        "package_list?limit=%C2%B2",
        "package_search?fq=" + "(" * 400 + "name:x" + ")" * 400,
        "package_search?facet.field=[1]",
        "organization_list?organizations=[[1]]",
    ],
)
def test_bad_parameters_are_ckan_errors_not_500(client, catalogue, path):
    response = client.get(API + path)
    assert response.status_code in (400, 409)
    assert json.loads(response.content)["success"] is False


def test_datastore_bad_numbers_and_in(client, catalogue):
    rid = resource_id(catalogue.public[2].uid, "csv")
    for params in (
        {"offset": "99999999999999999999999"},
        {"filters": '{"nilai": 1e400}'},
        {"filters": '{"nilai": {"gt": 1e400}}'},
        {"filters": '{"nomor": {"in": "123"}}'},
    ):
        response = client.get(API + "datastore_search", {"resource_id": rid, **params})
        assert response.status_code == 409, (params, response.content[:200])
    big = client.get(API + "datastore_search", {"resource_id": rid, "offset": "999999999"})
    assert big.status_code == 200 and json.loads(big.content)["result"]["records"] == []


def test_catalog_page_with_unicode_digit(client, catalogue):
    assert client.get("/catalog.ttl?page=%C2%B2").status_code == 400
    assert client.get("/catalog.ttl?fq=" + "(" * 400).status_code == 400


def test_topic_changes_are_audited(world, catalogue):
    from pantau.opendata.models import Topik

    ds = catalogue.public[0]
    sosial, _ = Topik.objects.get_or_create(nama="sosial", defaults={"judul": "Sosial"})
    od.dataset_update(actor=world.a.users["admin"], dataset=ds, topik=[sosial])
    event = AuditEvent.objects.filter(action="dataset.topik").latest("pk")
    assert event.changes["topik"] == [["kesehatan"], ["sosial"]]


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
