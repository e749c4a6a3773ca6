"""Open every page of a running Pantau as each demo role on a 360 px phone and report the pages
that scroll sideways or have touch targets under 44 px (the check of the browser journeys,
tests/browser/support.py LAYOUT_CHECK). A development aid for the demo data, not a test.

  .venv/bin/python scripts/phone_check.py http://127.0.0.1:8103 [--pages 40] [--user bupati ...]

Users are the demo accounts (`pantau demo`); "-" is the anonymous visitor of the portal.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urlparse

from pantau.demo.keys import demo_totp_code

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

USERS = ["-", "bupati", "operator.dinkes", "kepala.dinkes", "verifikator.bappeda", "admin.kominfo"]
SKIP = re.compile(
    r"/(keluar|admin|i18n|api|static|media|download|resource)/|/bukti/|\.(csv|json|xlsx|pdf|ttl|rdf|jsonld|xml)$"
)


def pattern(path: str) -> str:
    """/opd/12/?tahun=2026 -> /opd/N/ : one visit per kind of page is enough."""
    return re.sub(r"\d+", "N", path.split("?")[0])


def crawl(browser, base: str, user: str, limit: int, password: str, check: str) -> dict:
    context = browser.new_context(
        viewport={"width": 360, "height": 800}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    start = "/publik/"
    if user != "-":
        page.goto(f"{base}/masuk/")
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        if "/masuk/verifikasi/" in page.url:  # the demo's second factor (decision 0027)
            page.fill("#id_kode", demo_totp_code())
            page.click("button[type=submit]")
            page.wait_for_load_state()
        start = "/"
    seen, found, queue = set(), {}, deque([base + start])
    while queue and len(seen) < limit:
        url = queue.popleft()
        key = pattern(urlparse(url).path)
        if key in seen:
            continue
        seen.add(key)
        try:
            response = page.goto(url)
            page.wait_for_timeout(300)
        except Exception as exc:  # report and go on: this is a survey
            found[url] = [f"not opened: {exc}"]
            continue
        if response is None or response.status >= 400:
            continue
        problems = page.evaluate(check)
        if problems:
            found[url] = problems
        for href in page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)"):
            href = urldefrag(href)[0]
            if href.startswith(base) and not SKIP.search(urlparse(href).path + "/"):
                queue.append(href)
    context.close()
    return found


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--pages", type=int, default=40, help="kinds of page per user")
    parser.add_argument("--user", nargs="*", default=USERS)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    password = os.environ.get("PANTAU_DEMO_PASSWORD", "pantau-demo-2026")  # pantau demo prints it
    check = (ROOT / "tests" / "browser" / "layout_check.js").read_text()

    bad = 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=["--no-sandbox"]
        )
        for user in args.user:
            found = crawl(browser, args.base.rstrip("/"), user, args.pages, password, check)
            for url, problems in found.items():
                bad += 1
                print(f"[{user}] {url}")
                for p in problems:
                    print(f"    {p}")
        browser.close()
    print(f"{bad} page(s) with problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
