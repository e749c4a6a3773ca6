"""The realisation workbook page on a phone: an operator uploads a workbook, reads the dry run,
confirms, and the reports are drafts; a wrong file shows its errors per cell (decision 0022)."""

import pytest

from pantau.monitoring.models import Realisasi
from pantau.monitoring.tests.test_workbook import SUB2, _row, _xlsx
from tests.browser.support import login, no_horizontal_scroll

pytestmark = pytest.mark.browser


def test_operator_imports_a_workbook_on_a_phone(phone, live_world, live_server, clock, tmp_path):
    clock.set("2026-01-20 10:00")
    base = live_server.url
    login(phone, base, live_world.a.users["operator_opd"].username)
    phone.goto(f"{base}/monitoring/impor-realisasi/")
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=tmp_path / "page.png", full_page=True)

    wrong = tmp_path / "salah.xlsx"
    wrong.write_bytes(_xlsx([_row(keuangan="banyak")]))
    phone.set_input_files("#berkas", str(wrong))
    phone.get_by_role("button", name="Uji coba").click()
    phone.get_by_text("kesalahan: tidak ada yang disimpan").wait_for()
    assert "bukan angka" in phone.inner_text("table")
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=tmp_path / "errors.png", full_page=True)

    good = tmp_path / "januari.xlsx"
    good.write_bytes(_xlsx([_row(), _row(SUB2)]))
    phone.set_input_files("#berkas", str(good))
    phone.get_by_role("button", name="Uji coba").click()
    phone.get_by_role("button", name="Impor sekarang").click()
    phone.get_by_text("Impor selesai").wait_for()
    phone.screenshot(path=tmp_path / "done.png", full_page=True)
    assert sorted(Realisasi.objects.values_list("status", flat=True)) == ["draft", "draft"]
