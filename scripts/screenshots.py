"""Screenshots of the main pages at phone size for the docs: python scripts/screenshots.py URL OUTDIR.

Needs a running server with the demo data and Debian's Chromium.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(sys.argv[2] if len(sys.argv) > 2 else "docs/img")
OUT.mkdir(parents=True, exist_ok=True)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
    page = browser.new_page(
        viewport={"width": 360, "height": 780}, device_scale_factor=2, is_mobile=True
    )
    page.goto(f"{BASE}/masuk/")
    page.screenshot(path=str(OUT / "login.png"))
    page.fill("#id_username", "bupati")
    page.fill("#id_password", "pantau-demo-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{BASE}/")
    page.screenshot(path=str(OUT / "beranda.png"), full_page=True)
    page.goto(f"{BASE}/opd/")
    page.screenshot(path=str(OUT / "opd-list.png"))
    page.click("text=Dinas Pekerjaan Umum dan Penataan Ruang")
    page.wait_for_load_state()
    page.click("details.tree-program[open] details.tree-kegiatan >> nth=0")
    page.screenshot(path=str(OUT / "opd-detail.png"), full_page=False)
    browser.close()
