"""Issue 14 §1 at a 360 px phone (decision 0038): the operator sets the OPD's Renstra period,
adds a sasaran, maps the program to it and enters an indicator's Renstra target with an earlier
year in place (htmx); a refused value is explained and nothing is saved."""

from decimal import Decimal

import pytest

from pantau.planning.models import ProgramSasaran, TargetRenstra
from pantau.planning.services import indikator_create
from tests.browser.support import login, no_horizontal_scroll

pytestmark = pytest.mark.browser


def test_operator_enters_renstra_data_on_a_phone(browser, live_server, live_world):
    a = live_world.a
    ind = indikator_create(
        actor=None, induk=a.program, nama="Cakupan layanan", satuan="%", rumus=1, target_tahunan=80
    )
    ctx = browser.new_context(
        viewport={"width": 360, "height": 800}, is_mobile=True, has_touch=True
    )
    page = ctx.new_page()
    login(page, live_server.url, "operator_opd.a")
    page.goto(f"{live_server.url}/rencana/{a.dinkes.pk}/2026/renstra/")
    page.get_by_label("Tahun awal").fill("2025")
    page.get_by_label("Tahun akhir").fill("2029")
    with page.expect_navigation():
        page.get_by_role("button", name="Tetapkan periode").click()
    page.wait_for_selector("text=Periode 2025–2029")
    assert no_horizontal_scroll(page)
    page.get_by_label("Kode sasaran").fill("S1")
    page.locator("#uraian").fill("Meningkatnya derajat kesehatan masyarakat")
    with page.expect_navigation():
        page.get_by_role("button", name="Tambah sasaran").click()
    page.locator(f"#renstra-program-{a.program.pk} >> text=Pilih sasaran").click()
    page.get_by_label("S1 Meningkatnya derajat kesehatan masyarakat").check()
    page.locator(f"#renstra-program-{a.program.pk} >> role=button[name='Simpan']").click()
    page.wait_for_selector(f"#renstra-program-{a.program.pk} >> text=Sasaran: S1")
    assert ProgramSasaran.objects.filter(program=a.program).count() == 1
    row = f"#renstra-ind-{ind.pk}"
    page.locator(f"{row} >> text=Ubah").click()
    page.locator(f"{row} input[name='target_k']").fill("95,5")
    page.locator(f"{row} input[name='target_rp']").fill("-5")
    page.locator(f"{row} >> role=button[name='Simpan']").click()
    page.wait_for_selector(f"{row} >> text=tidak boleh negatif")
    assert not TargetRenstra.objects.exists()
    page.locator(f"{row} input[name='target_rp']").fill("1.500.000.000")
    page.locator(f"{row} input[name='k_2025']").fill("70")
    page.locator(f"{row} >> role=button[name='Simpan']").click()
    page.wait_for_selector(f"{row} >> text=Rp 1.500.000.000")
    assert no_horizontal_scroll(page)
    target = TargetRenstra.objects.get(indikator=ind)
    assert (target.target_k, target.target_rp) == (Decimal("95.5"), Decimal(1_500_000_000))
    ctx.close()
