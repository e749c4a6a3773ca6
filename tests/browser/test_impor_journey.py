"""Issue 11 §4 at a 360 px phone: an operator downloads the plan template of their OPD, changes
one pagu in Excel, uploads it, reads the dry run (one row changed, nothing written yet), imports
it and sees the result; a file with a bad cell lists it by sheet, row and column."""

from decimal import Decimal

import pytest
from openpyxl import load_workbook

from pantau.planning.models import SubKegiatan
from tests.browser.support import ARTIFACTS, login, no_horizontal_scroll

pytestmark = pytest.mark.browser


@pytest.fixture
def operator(browser, live_server, live_world):
    ctx = browser.new_context(
        viewport={"width": 360, "height": 800},
        is_mobile=True,
        has_touch=True,
        accept_downloads=True,
    )
    page = ctx.new_page()
    login(page, live_server.url, "operator_opd.a")
    yield page
    ctx.close()


def _template(page, base, tmp_path):
    page.goto(f"{base}/impor/")
    with page.expect_download() as download:
        page.get_by_role("button", name="Unduh templat").click()
    path = tmp_path / "rencana.xlsx"
    download.value.save_as(path)
    return path


def _upload(page, path):
    page.get_by_label("Berkas (.xlsx, .csv, .zip atau .json)").set_input_files(path)
    page.get_by_role("button", name="Uji coba").click()


def test_template_dry_run_import(operator, live_server, live_world, tmp_path):
    path = _template(operator, live_server.url, tmp_path)
    book = load_workbook(path)
    book["Sub Kegiatan"]["D3"] = "300.000.005"  # sub 0002, written the Indonesian way
    book.save(path)
    _upload(operator, path)
    operator.wait_for_selector("text=Impor sekarang")
    assert "1 diubah" in operator.content()
    sub2 = SubKegiatan.objects.get(pk=live_world.a.sub2.pk)
    assert sub2.pagu_murni == Decimal(300_000_000)  # the dry run wrote nothing
    assert no_horizontal_scroll(operator)
    operator.get_by_role("button", name="Impor sekarang").click()
    operator.wait_for_selector("text=Impor selesai")
    sub2.refresh_from_db()
    assert sub2.pagu_murni == Decimal(300_000_005)
    ARTIFACTS.mkdir(exist_ok=True)
    operator.screenshot(path=str(ARTIFACTS / "impor-selesai.png"), full_page=True)


def test_bad_cell_listed_by_place(operator, live_server, live_world, tmp_path):
    path = _template(operator, live_server.url, tmp_path)
    book = load_workbook(path)
    book["Sub Kegiatan"]["D2"] = "enam ratus juta"
    book.save(path)
    _upload(operator, path)
    operator.wait_for_selector("text=Unduh daftar kesalahan (CSV)")
    row = operator.locator("#impor-galat tbody tr").first
    assert [c.inner_text() for c in row.locator("td").all()][:3] == ["Sub Kegiatan", "2", "D"]
    assert operator.get_by_role("button", name="Impor sekarang").count() == 0
    assert no_horizontal_scroll(operator)
    operator.screenshot(path=str(ARTIFACTS / "impor-galat.png"), full_page=True)
