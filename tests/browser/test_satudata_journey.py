"""Issue 9 §3 on a 360 px phone: the Produsen Data uploads a table with letters in a count
column, checks the proposed schema, sees every breaking cell, uploads the corrected file, and
the Walidata finds the declared count column suppressed; no page scrolls sideways."""

import datetime as dt

import pytest

from tests.browser.support import ARTIFACTS, login, no_horizontal_scroll

pytestmark = pytest.mark.browser
WITH_LETTERS = (
    b"kecamatan,kasus_dbd,rasio_per_1000\n"
    b"Wangi-Wangi,12,0.4\nKaledupa,tiga,0.2\nTomia,20x5,1.1\nBinongko,4,0.3\n"
    b"Togo Binongko Kabupaten Wakatobi Sulawesi Tenggara,7,0.5\n"
)
CORRECTED = WITH_LETTERS.replace(b"tiga", b"3").replace(b"20x5", b"2")


def _shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"satudata-{name}.png"), full_page=True)


def test_producer_declares_the_schema_and_fixes_the_cells(phone, live_server, live_world):
    from pantau.opendata import services as od
    from pantau.opendata.models import Dataset
    from pantau.organisations.services import pemda_update

    base = live_server.url
    pemda_update(actor=None, pemda=live_world.a.pemda, walidata_email="data@a.example")
    ds = od.dataset_create(
        actor=live_world.a.users["operator_opd"],
        opd=live_world.a.dinkes,
        nama="kasus-dbd-2025",
        judul="Kasus DBD per Kecamatan 2025",
        deskripsi="Jumlah kasus demam berdarah per kecamatan.",
        frekuensi="tahunan",
        periode_awal=dt.date(2025, 1, 1),
        periode_akhir=dt.date(2025, 12, 31),
    )
    login(phone, base, "operator_opd.a")
    phone.goto(f"{base}/satu-data/{ds.pk}/")
    phone.set_input_files(
        "#id_berkas", files=[{"name": "dbd.csv", "mimeType": "text/csv", "buffer": WITH_LETTERS}]
    )
    phone.get_by_role("button", name="Unggah dan periksa").click()
    phone.wait_for_url(f"{base}/satu-data/{ds.pk}/skema/")
    assert phone.locator("#id_jenis_1").input_value() == "integer"  # the majority decides
    assert phone.locator("#id_orang_1").is_checked()  # "kasus" counts people
    assert "2 nilai tidak sesuai jenis yang diusulkan" in phone.content()
    assert no_horizontal_scroll(phone)
    _shot(phone, "usulan-skema")
    phone.locator("#id_judul_1").fill("Kasus DBD")
    phone.get_by_role("button", name="Simpan skema dan periksa data").click()
    phone.wait_for_load_state()
    errors = phone.locator("#galat").inner_text()
    assert "Baris 3, kolom kasus_dbd: nilai 'tiga' bukan bilangan bulat." in errors
    assert "Baris 4, kolom kasus_dbd: nilai '20x5' bukan bilangan bulat." in errors
    assert no_horizontal_scroll(phone)
    _shot(phone, "galat-sel")
    phone.set_input_files(
        "#id_berkas", files=[{"name": "dbd.csv", "mimeType": "text/csv", "buffer": CORRECTED}]
    )
    phone.get_by_role("button", name="Unggah dan periksa").click()
    phone.wait_for_url(f"{base}/satu-data/{ds.pk}/")
    assert "Versi 1 tersimpan: 5 baris." in phone.content()
    assert no_horizontal_scroll(phone)
    _shot(phone, "detail")
    phone.get_by_role("button", name="Ajukan ke walidata").click()
    phone.wait_for_load_state()
    assert Dataset.objects.get(pk=ds.pk).status == "diajukan"
    # the Walidata finds the declared count column ticked and fixed
    phone.context.clear_cookies()
    login(phone, base, "admin.a")
    phone.goto(f"{base}/satu-data/{ds.pk}/")
    box = phone.locator("#sel-kasus_dbd")
    assert box.is_checked() and box.is_disabled()
    assert no_horizontal_scroll(phone)
    _shot(phone, "walidata")
