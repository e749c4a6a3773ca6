"""List downloads at a 360 px phone viewport (issue 11 §5): the monthly list's buttons fit the
phone, "Unduh XLSX" gives a workbook of the page's rows and "CSV (;)" a semicolon CSV."""

import io

import pytest
from openpyxl import load_workbook

from pantau.core.exports import TITLE_ROWS
from tests.browser.support import login, no_horizontal_scroll

pytestmark = pytest.mark.browser


def test_operator_downloads_the_monthly_list_on_a_phone(phone, live_server, live_world, clock):
    clock.set("2026-02-05 10:00")
    world = live_world
    login(phone, live_server.url, "operator_opd.a")
    phone.goto(f"{live_server.url}/monitoring/?bulan=1")
    assert no_horizontal_scroll(phone)
    buttons = phone.get_by_role("group", name="Unduh daftar")
    with phone.expect_download() as wait:
        buttons.get_by_role("link", name="Unduh XLSX").click()
    download = wait.value
    assert download.suggested_filename == "laporan-bulanan-dinkes-a-januari-2026.xlsx"
    with open(download.path(), "rb") as fh:
        sheet = load_workbook(io.BytesIO(fh.read())).worksheets[0]
    codes = [r[0] for r in sheet.iter_rows(min_row=TITLE_ROWS + 2, values_only=True)]
    assert codes == [world.a.sub.kode, world.a.sub2.kode]  # Dinkes A's rows, not PUPR's
    with phone.expect_download() as wait:
        buttons.get_by_role("link", name="CSV (;)").click()
    with open(wait.value.path(), "rb") as fh:
        text = fh.read().decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Kode sub kegiatan;Sub kegiatan;Pagu (Rp)")
    assert text.splitlines()[1].startswith(f"{world.a.sub.kode};")
