"""B6: first load of Pantau's pages on a phone, production configuration (docs/quality.md).

The Wakatobi demo (`pantau demo --today 2026-12-01`, deterministic) is built once into
var/bench/b6/; static files are collected with PANTAU_DEBUG=0 (WhiteNoise's compressed,
hashed files) and served by gunicorn on a loopback port. For each page:

- **Lighthouse** (npm `lighthouse`, installed into bench/lighthouse/ by `make bench`), mobile
  profile (its default: Moto G class phone, 4x CPU slowdown, slow 4G): performance and
  accessibility scores, FCP, LCP, TBT and the compressed bytes of script and style it loaded;
- **every part loaded**: Chromium at 360 x 800 opens the page, scrolls to the bottom (so code
  that a page loads only when a chart or map comes into view is loaded too) and adds up the
  compressed bytes (as sent on the wire) of every script and style sheet.

Signed-in pages are opened with a session cookie made for the demo user. Each page must answer
200 with its own heading before anything is counted. Prints one line per page and writes
var/bench/b6.json; exits 1 when a target is missed (performance < 90, accessibility < 95,
script + style > 250 KB compressed, in either measurement).

  python bench/b6.py [--port 8103] [--runs 3] [--only dasbor laporan ...] [--root DIR]

--root measures another checkout with this script (the "before" figures: a `git clone` at the
commit before the change, after `make setup-js` there); it reuses this checkout's demo database.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent  # the checkout measured (--root)
DATA = ROOT / "var" / "bench" / "b6"
OWN_DATA = DATA
LIGHTHOUSE = HERE / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
TODAY = "2026-12-01"
BUDGET_KB = 250
MIN_PERFORMANCE = 90
MIN_ACCESSIBILITY = 95


def environment(port: int) -> dict:
    if not DATA.exists() and OWN_DATA.exists():
        shutil.copytree(OWN_DATA, DATA, ignore=shutil.ignore_patterns("static"))
    DATA.mkdir(parents=True, exist_ok=True)
    key_file = DATA / "secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
    env = dict(os.environ)
    env.update(
        PANTAU_DATA_DIR=str(DATA),
        DATABASE_URL="",
        PANTAU_DEBUG="0",
        SECRET_KEY=key_file.read_text().strip(),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PANTAU_BASE_URL=f"http://127.0.0.1:{port}",
        PANTAU_OPENDATA_API_RATE="0",
        PANTAU_SSL_REDIRECT="0",  # plain HTTP on loopback, no TLS-ending proxy in front
    )
    return env


def prepare(env: dict) -> None:
    # the checkout's own code (cwd first on sys.path), also under --root
    pantau = [sys.executable, "-c", "import sys; from pantau.cli import main; main(sys.argv)"]
    for args in (
        ["migrate", "--noinput", "-v", "0"],
        ["demo", "--if-empty", "--today", TODAY],
        ["collectstatic", "--noinput", "--clear", "-v", "0"],
    ):
        subprocess.run([*pantau, *args], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def pages(env: dict) -> tuple[list[dict], dict]:
    """The pages measured and a session cookie per signed-in user (made in this process)."""
    os.environ.update(
        {k: v for k, v in env.items() if k.startswith(("PANTAU_", "SECRET", "ALLOW"))}
    )
    os.environ["DATABASE_URL"] = ""
    import _django

    _django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from pantau.monitoring.models import Realisasi
    from pantau.opendata import public
    from pantau.organisations.models import Opd, Pemda

    pemda = Pemda.objects.get(kode="74.07")
    cookies = {}
    for username in ("bupati", "operator.dinkes"):
        client = Client()
        _django.sign_in(client, get_user_model().objects.get(username=username))
        cookies[username] = client.cookies["sessionid"].value
    dinkes = Opd.objects.get(pemda=pemda, singkatan="Dinkes")
    report = (
        Realisasi.objects.filter(opd=dinkes, periode__tahun_anggaran__tahun=2026)
        .order_by("-periode__bulan", "sub_kegiatan__kode")
        .first()
    )
    kegiatan = public.activities(pemda, 2026).filter(fisik__isnull=False).first()
    dataset = public.datasets(pemda).order_by("nama").first()
    out = [
        ("dasbor", "bupati", "/dasbor/?tahun=2026&periode=10", "Dasbor pimpinan"),
        ("beranda", "bupati", "/", "Beranda"),
        ("opd", "bupati", f"/opd/{dinkes.pk}/", dinkes.nama),
        (
            "riwayat",
            "bupati",
            f"/monitoring/sub-kegiatan/{report.sub_kegiatan_id}/riwayat/",
            "Riwayat",
        ),
        (
            "laporan",
            "operator.dinkes",
            f"/monitoring/laporan/{report.sub_kegiatan_id}/{report.periode.bulan}/",
            "Laporan",
        ),
        ("publik-beranda", None, "/publik/", "Pembangunan"),
        ("publik-kegiatan", None, "/publik/kegiatan/", "Kegiatan pembangunan"),
        ("publik-kegiatan-detail", None, f"/publik/kegiatan/{kegiatan.pk}/", kegiatan.nama),
        ("publik-dataset", None, "/dataset/", "Dataset"),
        ("publik-dataset-detail", None, f"/dataset/{dataset.nama}/", dataset.judul),
        ("publik-publikasi", None, "/publik/publikasi/", "Publikasi"),
    ]
    return [dict(zip(("name", "user", "path", "expect"), p, strict=True)) for p in out], cookies


def serve(env: dict, port: int) -> subprocess.Popen:
    try:
        requests.get(f"http://127.0.0.1:{port}/", timeout=2)
    except requests.RequestException:
        pass
    else:
        raise RuntimeError(f"port {port} is already in use; choose another with --port")
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(200):
        try:
            requests.get(f"http://127.0.0.1:{port}/masuk/", timeout=2)
            return proc
        except requests.RequestException:
            time.sleep(0.1)
    proc.terminate()
    raise RuntimeError("gunicorn did not start")


def check_page(base: str, page: dict, cookie: str | None) -> None:
    headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
    r = requests.get(base + page["path"], headers=headers, timeout=30, allow_redirects=False)
    assert r.status_code == 200, (page["name"], r.status_code)
    assert page["expect"] in r.text, (page["name"], "missing", page["expect"])


def lighthouse(url: str, cookie: str | None) -> dict:
    cmd = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        "--output-path=stdout",
        "--only-categories=performance,accessibility",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    if cookie:
        cmd.append("--extra-headers=" + json.dumps({"Cookie": f"sessionid={cookie}"}))
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    for attempt in (1, 2):  # Chromium now and then fails to start on a loaded machine
        run = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if run.returncode == 0:
            break
        if attempt == 2:
            raise RuntimeError(f"lighthouse failed on {url}: {run.stderr[-2000:]}")
    lhr = json.loads(run.stdout)
    audits = lhr["audits"]
    kinds = {i["resourceType"]: i for i in audits["resource-summary"]["details"]["items"]}
    return {
        "performance": round(lhr["categories"]["performance"]["score"] * 100),
        "accessibility": round(lhr["categories"]["accessibility"]["score"] * 100),
        "fcp_ms": round(audits["first-contentful-paint"]["numericValue"]),
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        "script_style_kb": round(
            sum(kinds.get(k, {}).get("transferSize", 0) for k in ("script", "stylesheet")) / 1024, 1
        ),
    }


def all_parts(browser, url: str, cookie: str | None) -> float:
    """KB of script and style (compressed, as sent) once the whole page has been scrolled."""
    # no service worker: it would fetch the lazily loaded files itself, out of this page's sight
    context = browser.new_context(
        viewport={"width": 360, "height": 800},
        is_mobile=True,
        has_touch=True,
        service_workers="block",
    )
    if cookie:
        context.add_cookies([{"name": "sessionid", "value": cookie, "url": url}])
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    kinds, sizes = {}, {}
    cdp.on("Network.responseReceived", lambda e: kinds.__setitem__(e["requestId"], e["type"]))
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]),
    )
    page.goto(url, wait_until="networkidle")
    assert page.url == url, f"{url} answered {page.url} (signed out?)"
    height = page.evaluate("document.documentElement.scrollHeight")
    for y in range(0, height + 800, 400):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(100)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    total = sum(size for rid, size in sizes.items() if kinds.get(rid) in ("Script", "Stylesheet"))
    context.close()
    return round(total / 1024, 1)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8103)
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (median)")
    parser.add_argument("--only", nargs="*", help="page names")
    parser.add_argument("--root", type=Path, help="another checkout to measure")
    args = parser.parse_args()
    global ROOT, DATA
    if args.root:
        ROOT = args.root.resolve()
        DATA = ROOT / "var" / "bench" / "b6"
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse missing: npm ci --prefix bench/lighthouse (make bench does it)")
    env = environment(args.port)
    prepare(env)
    todo, cookies = pages(env)
    if args.only:
        todo = [p for p in todo if p["name"] in args.only]
    base = f"http://127.0.0.1:{args.port}"
    server = serve(env, args.port)
    results, failed = [], False
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            for page in todo:
                cookie = cookies.get(page["user"]) if page["user"] else None
                check_page(base, page, cookie)
                url = base + page["path"]
                runs = [lighthouse(url, cookie) for _ in range(args.runs)]
                row = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
                row["performance_runs"] = [r["performance"] for r in runs]
                row["all_parts_kb"] = all_parts(browser, url, cookie)
                row["page"] = page["name"]
                ok = (
                    row["performance"] >= MIN_PERFORMANCE
                    and row["accessibility"] >= MIN_ACCESSIBILITY
                    and max(row["script_style_kb"], row["all_parts_kb"]) <= BUDGET_KB
                )
                failed |= not ok
                results.append(row)
                print(
                    f"B6 {page['name']:24} performance {row['performance']:5} "
                    f"{row['performance_runs']} accessibility {row['accessibility']:5} "
                    f"FCP {row['fcp_ms']} ms LCP {row['lcp_ms']} ms TBT {row['tbt_ms']} ms "
                    f"CLS {row['cls']} JS+CSS {row['script_style_kb']} KB "
                    f"(every part {row['all_parts_kb']} KB) {'ok' if ok else 'MISSED'}",
                    flush=True,
                )
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    OWN_DATA.parent.mkdir(parents=True, exist_ok=True)
    name = "b6-before.json" if args.root else "b6.json"
    (OWN_DATA.parent / name).write_text(json.dumps(results, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
