"""Small-cell suppression (docs/domain.md §16.3): in the person-count columns the Walidata marks
at publication, values from 1 to below the pemda's minimum cell size never reach the public —
not in the preview, the downloads, the DataStore records, nor through a filter or a sort."""

import datetime as dt
import hashlib
import io
import json

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from conftest import PASSWORD
from pantau.opendata import services as od
from pantau.opendata import services_tabel as tabel
from pantau.opendata.ids import resource_id

pytestmark = pytest.mark.django_db
BODY = (
    "kecamatan,kasus,penduduk\n"
    "Wangi-Wangi,12,60000\n"
    "Kaledupa,3,20000\n"
    "Tomia,0,18000\n"
    "Binongko,1,17000\n"
    "Togo Binongko,5,9000\n"
)


def _dataset(world, nama="kasus-tbc-per-kecamatan"):
    admin = world.a.users["admin"]
    ds = od.dataset_create(
        actor=admin,
        opd=world.a.dinkes,
        nama=nama,
        judul="Kasus TBC per Kecamatan 2025",
        deskripsi="Jumlah kasus tuberkulosis yang ditemukan per kecamatan.",
        frekuensi="tahunan",
        periode_awal=dt.date(2025, 1, 1),
        periode_akhir=dt.date(2025, 12, 31),
        tahun=2025,
        kata_kunci="kesehatan",
        topik=[],
    )
    # declared without person counts: these tests are about what the Walidata marks
    tabel.skema_set(
        actor=admin,
        dataset=ds,
        fields=[
            {"name": "kecamatan", "type": "string"},
            {"name": "kasus", "type": "integer"},
            {"name": "penduduk", "type": "integer"},
        ],
    )
    tabel.versi_upload(actor=admin, dataset=ds, content=BODY.encode(), filename="tbc.csv")
    od.dataset_submit(actor=admin, dataset=ds)
    return ds


def _search(client, ds, **params):
    params = {"resource_id": resource_id(ds.uid, "csv"), **params}
    body = client.post(
        "/api/3/action/datastore_search", json.dumps(params), content_type="application/json"
    ).json()
    assert body["success"], body
    return body["result"]


def test_small_cells_never_reach_the_public(client, world, catalogue):
    ds = od.dataset_publish(
        actor=world.a.users["admin"],
        dataset=_dataset(world),
        kelas_kip="berkala",
        kolom_sel_kecil=["kasus"],
    )
    assert (ds.kolom_sel_kecil, ds.ambang_sel_kecil) == (["kasus"], 5)  # the pemda's default
    records = _search(client, ds)["records"]
    # 3 and 1 are hidden; 0, 5 and 12 are not small cells; other columns are untouched
    assert [r["kasus"] for r in records] == [12, None, 0, None, 5]
    assert [r["penduduk"] for r in records] == [60000, 20000, 18000, 17000, 9000]
    # a filter or a sort on the stored value finds nothing the records do not show
    assert _search(client, ds, filters={"kasus": 3})["total"] == 0
    assert _search(client, ds, filters={"kasus": [1, 3]})["total"] == 0
    assert _search(client, ds, filters={"kasus": {"lt": 5}})["total"] == 1  # only the 0
    assert _search(client, ds, q="3")["records"] == []
    ordered = _search(client, ds, sort="kasus desc")["records"]
    # nulls first on a descending sort, as PostgreSQL (and so CKAN) orders them, in row order
    assert [(r["_id"], r["kasus"]) for r in ordered] == [
        (2, None),
        (4, None),
        (1, 12),
        (5, 5),
        (3, 0),
    ]
    # downloads and the page
    for fmt in ("csv", "json"):
        url = f"/dataset/{ds.nama}/resource/{resource_id(ds.uid, fmt)}/download/{ds.nama}.{fmt}"
        text = client.get(url).getvalue().decode()
        assert "Kaledupa" in text and ",3," not in text and ": 3" not in text
    csv_text = (
        client.get(f"/dataset/{ds.nama}/resource/{resource_id(ds.uid, 'csv')}/download/x.csv")
        .getvalue()
        .decode()
    )
    assert "Kaledupa,,20000" in csv_text and "Tomia,0,18000" in csv_text
    page = client.get(f"/dataset/{ds.nama}/")
    assert "nilai 1 sampai 4 pada kolom kasus dikosongkan" in page.text
    assert "<td>3</td>" not in page.text
    pkg = client.get(f"/api/3/action/package_show?id={ds.nama}").json()["result"]
    extras = {e["key"]: e["value"] for e in pkg["extras"]}
    assert extras["sel_kecil_disamarkan"] == "kasus: 1-4"
    # the published size and digest are those of the file served, not of the upload (whose
    # digest would let anyone try the few possible hidden values until it matches)
    served = csv_text.encode()
    csv_res = next(r for r in pkg["resources"] if r["format"] == "CSV")
    assert csv_res["hash"] == hashlib.sha256(served).hexdigest()
    assert csv_res["hash_algorithm"] == "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
    assert csv_res["size"] == len(served)
    assert hashlib.sha256(BODY.encode()).hexdigest() not in json.dumps(pkg)
    assert all(not r["hash"] for r in pkg["resources"] if r["format"] != "CSV")
    xlsx = client.get(
        f"/dataset/{ds.nama}/resource/{resource_id(ds.uid, 'xlsx')}/download/x.xlsx"
    ).getvalue()
    sheet = load_workbook(io.BytesIO(xlsx), read_only=True).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        12,
        None,
        0,
        None,
        5,
    ]


def test_the_threshold_is_the_pemda_setting_at_publication(client, world, catalogue):
    from pantau.organisations.services import pemda_update

    pemda_update(actor=None, pemda=world.a.pemda, sel_minimum=11)
    ds = od.dataset_publish(
        actor=world.a.users["admin"],
        dataset=_dataset(world),
        kelas_kip="berkala",
        kolom_sel_kecil=["kasus"],
    )
    assert [r["kasus"] for r in _search(client, ds)["records"]] == [12, None, 0, None, None]
    # a later refresh keeps the Walidata's columns
    ds = od.dataset_publish(actor=None, dataset=_publish_again(world, ds), kelas_kip="berkala")
    assert ds.kolom_sel_kecil == ["kasus"]


def _publish_again(world, ds):
    tabel.versi_upload(
        actor=world.a.users["admin"], dataset=ds, content=BODY.encode(), filename="tbc.csv"
    )
    od.dataset_submit(actor=world.a.users["admin"], dataset=ds)
    return ds


def test_only_columns_of_the_dataset_can_be_marked(world, catalogue):
    ds = _dataset(world)
    with pytest.raises(ValidationError) as err:
        od.dataset_publish(
            actor=world.a.users["admin"],
            dataset=ds,
            kelas_kip="berkala",
            kolom_sel_kecil=["kasus", "tidak_ada"],
        )
    assert "Kolom sel kecil harus kolom dataset ini: tidak_ada" in str(err.value)
    ds.refresh_from_db()
    assert ds.status == "diajukan" and ds.versi_terbit_id is None


def test_walidata_marks_the_columns_on_the_review_screen(client, world, catalogue):
    ds = _dataset(world)
    client.login(username=world.a.users["admin"].username, password=PASSWORD)
    page = client.get(f"/satu-data/{ds.pk}/")
    assert 'name="kolom_sel_kecil" value="kasus"' in page.text
    # every column is offered: a count may have arrived as text in an older version
    assert 'name="kolom_sel_kecil" value="kecamatan"' in page.text
    client.post(
        f"/satu-data/{ds.pk}/terbitkan/",
        {"kelas_kip": "berkala", "kolom_sel_kecil": ["kasus", "penduduk"]},
    )
    ds.refresh_from_db()
    assert ds.status == "terbit" and ds.kolom_sel_kecil == ["kasus", "penduduk"]
    # a column the version does not have is refused with the form's message
    other = _dataset(world, nama="kasus-lain")
    page = client.post(
        f"/satu-data/{other.pk}/terbitkan/",
        {"kelas_kip": "berkala", "kolom_sel_kecil": ["tidak_ada"]},
        follow=True,
    )
    other.refresh_from_db()
    assert other.status == "diajukan"
    assert [str(m) for m in page.context["messages"]][-1] == (
        "Masukkan pilihan yang valid. tidak_ada bukan salah satu dari pilihan yang tersedia."
    )
