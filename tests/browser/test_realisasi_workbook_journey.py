"""The realisation workbook on a phone, through the one import page (decisions 0021, 0022): an
operator opens the realisation page, uploads a wrong workbook and reads its errors per cell on
the job page, uploads a good one, watches the dry run finish, imports, and the reports are
drafts."""

import pytest

from pantau.monitoring.models import Realisasi
from pantau.monitoring.tests.test_workbook import SUB2, _row, _xlsx
from pantau.planning.models import ImportJob
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
    phone.wait_for_url(f"{base}/impor/*/")
    phone.get_by_text("1 kesalahan").wait_for()
    assert "bukan angka" in phone.inner_text("#impor-galat")
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=tmp_path / "errors.png", full_page=True)

    phone.goto(f"{base}/impor/?jenis=realisasi&opd={live_world.a.dinkes.pk}")
    assert phone.locator("#kind").input_value() == "realisasi"
    good = tmp_path / "januari.xlsx"
    good.write_bytes(_xlsx([_row(), _row(SUB2)]))
    phone.get_by_label("Berkas (.xlsx, .csv, .zip atau .json)").set_input_files(str(good))
    phone.get_by_role("button", name="Uji coba").click()
    phone.get_by_role("button", name="Impor sekarang").wait_for()
    assert "2 baru" in phone.inner_text("#impor-status")
    assert not Realisasi.objects.exists()
    assert no_horizontal_scroll(phone)
    phone.get_by_role("button", name="Impor sekarang").click()
    phone.get_by_text("Impor selesai").wait_for()
    assert phone.locator("#impor-status[hx-get]").count() == 0  # polling stopped: finished
    phone.screenshot(path=tmp_path / "done.png", full_page=True)
    assert no_horizontal_scroll(phone)
    job = ImportJob.objects.exclude(nama_berkas="salah.xlsx").get()
    assert (job.kind, job.mode, job.status, job.persen) == ("realisasi", "impor", "selesai", 100)
    assert sorted(Realisasi.objects.values_list("status", flat=True)) == ["draft", "draft"]
