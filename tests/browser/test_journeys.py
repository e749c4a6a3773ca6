"""Journeys in real Chromium (Debian's /usr/bin/chromium) at a 360 px phone viewport."""

import os
import shutil
from pathlib import Path

import pytest

from conftest import PASSWORD, World

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 360, "height": 760}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def live_world(transactional_db, nomen_csv, live_server):
    return World(nomen_csv)


def login(page, base, username):
    page.goto(f"{base}/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}/")


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


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
    phone.get_by_role("button", name="Buka menu").click()
    phone.get_by_role("button", name="Keluar").click()
    phone.wait_for_url(f"{base}/masuk/")


def test_language_switch_to_english_and_back(phone, live_server, live_world):
    base = live_server.url
    phone.goto(f"{base}/masuk/")
    with phone.expect_navigation():
        phone.select_option("#bahasa", "en")
    assert phone.locator("html").get_attribute("lang") == "en"
    with phone.expect_navigation():
        phone.select_option("#bahasa", "id")
    assert phone.locator("html").get_attribute("lang") == "id"
