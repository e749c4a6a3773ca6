"""Dataset uploads and downloads: bad values and files are clear errors, personal data is found, no
formula is ever written.
"""

import io

import pytest
from django.core.exceptions import ValidationError

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
