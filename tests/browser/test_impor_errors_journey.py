"""Issue 11 §4 (review B1–B3) at a 360 px phone: a plan file with several faults lists every one
at its sheet, row and column in the first dry run, the sub kegiatan rules and the month of the
cash plan included."""

import pytest
from openpyxl import load_workbook

from tests.browser.support import ARTIFACTS, no_horizontal_scroll
from tests.browser.test_impor_journey import _template, _upload, operator  # noqa: F401

pytestmark = pytest.mark.browser


def test_every_fault_at_its_cell_in_one_round(operator, live_server, live_world, tmp_path):  # noqa: F811
    path = _template(operator, live_server.url, tmp_path)
    book = load_workbook(path)
    book["Sub Kegiatan"]["I2"] = 200  # Lintang out of range
    book["Sub Kegiatan"]["J2"] = 120
    book["Sub Kegiatan"]["L2"] = "abc"  # NIP
    book["Sub Kegiatan"]["F3"] = "TIDAK-ADA"  # unknown sumber dana: a cell error of another row
    book["Rencana Bulanan"]["Q2"] = 5  # month 2's target fisik below month 1's
    book.save(path)
    _upload(operator, path)
    operator.wait_for_selector("text=Unduh daftar kesalahan (CSV)")
    places = {
        tuple(c.inner_text() for c in row.locator("td").all()[:3])
        for row in operator.locator("#impor-galat tbody tr").all()
    }
    for place in (
        ("Sub Kegiatan", "2", "I"),
        ("Sub Kegiatan", "2", "L"),
        ("Sub Kegiatan", "3", "F"),
        ("Rencana Bulanan", "2", "Q"),
    ):
        assert place in places, places
    assert operator.get_by_role("button", name="Impor sekarang").count() == 0
    assert no_horizontal_scroll(operator)
    ARTIFACTS.mkdir(exist_ok=True)
    operator.screenshot(path=str(ARTIFACTS / "impor-galat-satu-putaran.png"), full_page=True)
