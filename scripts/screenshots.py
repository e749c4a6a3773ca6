"""Screenshots of the main pages at phone size for the docs.

Usage: python scripts/screenshots.py [BASE_URL] [OUTDIR]   (a running server with the demo data)
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from pantau.demo.keys import DEMO_SECOND_FACTOR_USERS, demo_totp_code

BASE = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(sys.argv[2] if len(sys.argv) > 2 else "docs/img")
OUT.mkdir(parents=True, exist_ok=True)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "pantau-demo-2026"  # the demo password, printed by `pantau demo` # nosec B105


def session(browser, username):
    context = browser.new_context(
        viewport={"width": 360, "height": 780}, device_scale_factor=2, is_mobile=True
    )
    page = context.new_page()
    page.goto(f"{BASE}/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    if username in DEMO_SECOND_FACTOR_USERS:  # the second step (decision 0027)
        page.wait_for_url(f"{BASE}/masuk/verifikasi/**")
        page.fill("#id_kode", demo_totp_code())
        page.click("button[type=submit]")
    page.wait_for_url(f"{BASE}/")
    return context, page


with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
    context = browser.new_context(
        viewport={"width": 360, "height": 780}, device_scale_factor=2, is_mobile=True
    )
    page = context.new_page()
    page.goto(f"{BASE}/masuk/")
    page.screenshot(path=str(OUT / "login.png"))
    # the public portal, as a citizen (no account)
    page.goto(f"{BASE}/publik/")
    page.screenshot(path=str(OUT / "publik-beranda.png"))
    page.goto(f"{BASE}/publik/kegiatan/?kecamatan=74.07.05")
    page.wait_for_timeout(800)  # the map
    page.screenshot(path=str(OUT / "publik-kegiatan.png"))
    page.locator("ul.list-group a.fw-semibold").first.click()
    page.wait_for_load_state()
    page.screenshot(path=str(OUT / "publik-kegiatan-detail.png"), full_page=True)
    page.goto(f"{BASE}/dataset/")
    page.screenshot(path=str(OUT / "publik-dataset-list.png"))
    page.goto(f"{BASE}/dataset/pulau-kabupaten-wakatobi-2025/")
    page.screenshot(path=str(OUT / "publik-dataset.png"))
    context.close()

    context, page = session(browser, "bupati")
    page.screenshot(path=str(OUT / "beranda.png"), full_page=True)
    page.goto(f"{BASE}/opd/")
    page.screenshot(path=str(OUT / "opd-list.png"))
    page.click("text=Dinas Pekerjaan Umum dan Penataan Ruang")
    page.wait_for_load_state()
    page.click("details.tree-program[open] details.tree-kegiatan >> nth=0")
    page.screenshot(path=str(OUT / "opd-detail.png"))
    page.goto(f"{BASE}/dasbor/")
    page.wait_for_timeout(1000)  # charts and map drawn
    page.screenshot(path=str(OUT / "dasbor.png"))
    page.goto(f"{BASE}/dasbor/rincian/kritis/?periode=tw3")
    page.screenshot(path=str(OUT / "dasbor-rincian.png"))
    context.close()

    context, page = session(browser, "operator.dinkes")
    page.goto(f"{BASE}/monitoring/")
    page.screenshot(path=str(OUT / "laporan-daftar.png"))
    page.locator("ul.list-group a.stretched-link").first.click()
    page.wait_for_load_state()
    page.screenshot(path=str(OUT / "laporan-form.png"), full_page=True)
    context.close()

    context, page = session(browser, "verifikator.bappeda")
    page.goto(f"{BASE}/monitoring/kepatuhan/")
    page.screenshot(path=str(OUT / "kepatuhan.png"))
    context.close()
    browser.close()
