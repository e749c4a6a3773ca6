"""Issue 11 §3 at a 360 px phone: the operator opens the plan, edits one sub kegiatan's pagu
and cash plan, is told why a cash plan that does not add up is refused, and saves one that does."""

from decimal import Decimal

import pytest

from pantau.planning.models import RencanaBulanan, SubKegiatan
from tests.browser.support import login, no_horizontal_scroll

pytestmark = pytest.mark.browser


def test_operator_edits_pagu_and_cash_plan_on_a_phone(browser, live_server, live_world):
    a = live_world.a
    ctx = browser.new_context(
        viewport={"width": 360, "height": 800}, is_mobile=True, has_touch=True
    )
    page = ctx.new_page()
    login(page, live_server.url, "operator_opd.a")
    page.goto(f"{live_server.url}/rencana/")
    page.wait_for_selector("text=Versi dan persetujuan")
    assert no_horizontal_scroll(page)
    with page.expect_navigation():
        page.locator(f"a[href$='/sub-kegiatan/{a.sub2.pk}/']").click()
    assert no_horizontal_scroll(page)
    page.get_by_label("Pagu murni (Rp)").fill("240.000.000")
    for m in range(1, 13):
        page.get_by_label(f"Kas bulan {m} (Rp)").fill("10.000.000")
        page.get_by_label(f"Fisik {m} (%)").fill(str(m * 8 if m < 12 else 100))
    with page.expect_navigation():
        page.get_by_role("button", name="Simpan").click()
    page.wait_for_selector("text=harus sama dengan pagu")
    assert SubKegiatan.objects.get(pk=a.sub2.pk).pagu_murni == Decimal(300_000_000)
    for m in range(1, 13):
        page.get_by_label(f"Kas bulan {m} (Rp)").fill("20.000.000")
    with page.expect_navigation():
        page.get_by_role("button", name="Simpan").click()
    page.wait_for_selector("text=Sub kegiatan tersimpan.")
    sub = SubKegiatan.objects.get(pk=a.sub2.pk)
    assert sub.pagu_murni == Decimal(240_000_000)
    kas = [r.anggaran_kas for r in RencanaBulanan.objects.filter(sub_kegiatan=sub)]
    assert kas == [Decimal(20_000_000)] * 12
    ctx.close()


def test_operator_adds_a_sub_kegiatan_found_by_search(browser, live_server, live_world):
    a = live_world.a
    ctx = browser.new_context(
        viewport={"width": 360, "height": 800}, is_mobile=True, has_touch=True
    )
    page = ctx.new_page()
    login(page, live_server.url, "operator_opd.a")
    page.goto(
        f"{live_server.url}/rencana/{a.dinkes.pk}/2026/tambah/"
        f"?tingkat=sub_kegiatan&induk={a.kegiatan.pk}"
    )
    page.get_by_label("Cari di nomenklatur (kode atau nama)").fill("Lainnya")
    page.wait_for_selector("#hasil >> text=1.02.02.2.01.0003")
    assert page.locator("#hasil li").count() == 1  # htmx narrowed the list as one typed
    assert no_horizontal_scroll(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Tambah 1.02.02.2.01.0003").click()
    page.wait_for_selector("text=Sub kegiatan ditambahkan")
    assert SubKegiatan.objects.filter(opd=a.dinkes, kode="1.02.02.2.01.0003").exists()
    ctx.close()
