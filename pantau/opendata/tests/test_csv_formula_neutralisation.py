"""Issue 10 §2: CSV downloads (the file and datastore_search's csv/tsv records) never hand a
spreadsheet a formula: text cells starting with = + - @ tab or CR get a leading apostrophe,
numbers and numeric columns are never altered."""

import csv
import hashlib
import io
import json

import pytest

from pantau.core.spreadsheets import safe_cell
from pantau.opendata import services as od
from pantau.opendata import services_tabel as tabel
from pantau.opendata.ids import resource_id
from pantau.opendata.tests.test_uploads_and_downloads import _new

pytestmark = pytest.mark.django_db

BODY = (
    b"kode,tautan,catatan,jumlah,suhu\n"
    b'A,"=HYPERLINK(""http://evil"";""klik"")",@SUM(A1),-5,-1.5\n'
    b"B,+1+1,biasa,3,2\n"
    b'C,"\tTAB",-catatan,0,0\n'
    b'D,"\r=cmd|\' /C calc\'!A0","ok\r=1+1",1,1\n'
)


@pytest.fixture
def published(world, settings):
    from pantau.organisations.services import pemda_update

    settings.OPENDATA_DEFAULT_PEMDA = "74.07"  # two pemdas, neither claims the test host
    pemda_update(actor=None, pemda=world.a.pemda, walidata_email="data@a.example")
    admin = world.a.users["admin"]
    ds = _new(world, "rumus", actor=admin)
    tabel.versi_upload(actor=admin, dataset=ds, terima_usulan=True, filename="r.csv", content=BODY)
    od.dataset_submit(actor=admin, dataset=ds)
    return od.dataset_publish(actor=admin, dataset=ds, kelas_kip="berkala")


def _rows(text: str, delimiter=","):
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def test_the_downloaded_file_neutralises_formulas_and_keeps_numbers(client, published):
    types = {f["name"]: f["type"] for f in published.versi_terbit.skema["fields"]}
    assert types["jumlah"] == "integer" and types["suhu"] == "number"
    url = f"/dataset/rumus/resource/{resource_id(published.uid, 'csv')}/download/rumus.csv"
    response = client.get(url)
    assert response.status_code == 200
    rows = _rows(response.content.decode())
    assert rows[1] == ["A", '\'=HYPERLINK("http://evil";"klik")', "'@SUM(A1)", "-5", "-1.5"]
    assert rows[2] == ["B", "'+1+1", "biasa", "3", "2"]
    assert rows[3] == ["C", "'\tTAB", "'-catatan", "0", "0"]
    # a CR inside a cell is quoted: a reader sees one row, not a new row starting with "="
    assert rows[4] == ["D", "'\r=cmd|' /C calc'!A0", "ok\r=1+1", "1", "1"] and len(rows) == 5
    # the published digest is the digest of what is served
    assert published.csv_sha256 == hashlib.sha256(response.content).hexdigest()


@pytest.mark.parametrize(("fmt", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_datastore_search_csv_records_are_neutralised(client, published, fmt, delimiter):
    rid = resource_id(published.uid, "csv")
    body = json.loads(
        client.get(f"/api/3/action/datastore_search?resource_id={rid}&records_format={fmt}").content
    )
    assert body["success"], body
    rows = _rows(body["result"]["records"], delimiter)
    assert rows[0][0] == "1" and rows[0][2:] == [
        '\'=HYPERLINK("http://evil";"klik")',
        "'@SUM(A1)",
        "-5",
        "-1.5",
    ]
    assert rows[1][2] == "'+1+1"
    assert len(rows) == 4 and rows[3][1:] == ["D", "'\r=cmd|' /C calc'!A0", "ok\r=1+1", "1", "1"]
    # the JSON records keep the values as stored
    plain = json.loads(client.get(f"/api/3/action/datastore_search?resource_id={rid}").content)[
        "result"
    ]["records"]
    assert plain[0]["tautan"].startswith("=HYPERLINK") and plain[0]["jumlah"] == -5


@pytest.mark.parametrize(
    ("value", "kind", "out"),
    [
        ("=1+1", "string", "'=1+1"),
        ("\rx", "string", "'\rx"),
        ("-5", "integer", "-5"),
        ("-5", "number", "-5"),
        ("-5", "string", "'-5"),
        (-5, "string", -5),
        (None, "string", ""),
        ("Wangi-Wangi", "string", "Wangi-Wangi"),
    ],
)
def test_safe_cell(value, kind, out):
    assert safe_cell(value, kind) == out
