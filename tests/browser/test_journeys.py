"""Journeys in real Chromium (Debian's /usr/bin/chromium) at a 360 px phone viewport."""

import pytest

from tests.browser.support import ARTIFACTS, login, no_horizontal_scroll, sign_out

pytestmark = pytest.mark.browser


def test_operator_signs_in_and_opens_own_opd(phone, live_server, live_world):
    base = live_server.url
    login(phone, base, "operator_opd.a")
    assert "Dinas Kesehatan A" in phone.content()
    phone.get_by_role("link", name="Dinas Kesehatan A").first.click()
    phone.wait_for_load_state()
    phone.locator("details.tree-kegiatan > summary").first.click()
    assert phone.get_by_text("1.02.02.2.01.0001").is_visible()
    assert "Rp 600.000.000" in phone.content()
    assert no_horizontal_scroll(phone)
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "operator-opd.png"), full_page=True)
    # another OPD of the same pemda is not visible to an operator
    phone.goto(f"{base}/opd/{live_world.a.pupr.pk}/")
    assert "Halaman tidak ditemukan" in phone.locator("main").inner_text()
    assert "PUPR" not in phone.locator("main").inner_text()


def test_bupati_sees_all_opds_and_signs_out(phone, live_server, live_world):
    base = live_server.url
    login(phone, base, "pimpinan.a")
    phone.goto(f"{base}/opd/")
    text = phone.locator("main").inner_text()
    assert (
        "Dinas Kesehatan A" in text and "Dinas PUPR A" in text and "Dinas Kesehatan B" not in text
    )
    phone.get_by_label("Cari OPD").fill("PUPR")
    phone.wait_for_function(
        "!document.querySelector('#opd-table').innerText.includes('Dinas Kesehatan A')"
    )
    assert "Dinas PUPR A" in phone.locator("#opd-table").inner_text()
    assert no_horizontal_scroll(phone)
    sign_out(phone, base)


def test_language_switch_to_english_and_back(phone, live_server, live_world):
    base = live_server.url
    phone.goto(f"{base}/masuk/")
    with phone.expect_navigation():
        phone.select_option("#bahasa", "en")
    assert phone.locator("html").get_attribute("lang") == "en"
    with phone.expect_navigation():
        phone.select_option("#bahasa", "id")
    assert phone.locator("html").get_attribute("lang") == "id"
