"""Production-mode smoke test (docs/operations.md "Production build"): the documented build,
served the documented way, answers its main pages.

In a temporary folder, with PANTAU_DEBUG=0 and a fresh SQLite database, it:

1. builds the static files (`pantau collectstatic`, hashed and compressed, as in production);
2. migrates the database and loads a small world (the test suite's two pemdas with plans, users
   per role, a verified report and a public open-data catalogue; seconds instead of the demo's
   minutes) through the services;
3. runs `manage.py check --deploy` with the production settings and fails on any warning;
4. starts gunicorn with two workers on a free loopback port and fetches the main pages: the
   public portal, an OPD's public page, the dataset list, sign-in, then signed in the overview,
   the dashboard, the OPD list and page and a monthly report form, the CKAN API and the DCAT
   feed, and every static file those pages and their style sheets name; anything but 200/302
   fails;
5. checks that the open-data rate limit is counted once for both workers: with a budget of
   `RATE` calls the first 429 comes exactly at call RATE + 1.

Requests carry `X-Forwarded-Proto: https` as the reverse proxy in front of Pantau does (the
production settings redirect plain HTTP and set Secure cookies).

Run: `.venv/bin/python scripts/prod_smoke.py` (exit 0 when everything answered as it should).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RATE = 60  # calls per address per day to the open-data API during the smoke test
PROXY = {"X-Forwarded-Proto": "https"}


def log(text: str) -> None:
    print(f"[prod-smoke] {text}", flush=True)


class SmokeError(Exception):
    pass


# --- the small world (runs inside Django, in a child process) ----------------------------------


def seed() -> None:
    """Loads the suite's small world (conftest.World and Catalogue) and one verified report;
    prints the ids the fetches need as JSON."""
    import django

    django.setup()
    sys.path.insert(0, str(ROOT))
    from django.db import transaction

    import conftest

    folder = Path(tempfile.mkdtemp(prefix="pantau-smoke-nomen-"))
    nomen = folder / "nomenklatur.csv"
    with nomen.open("w", encoding="utf-8") as fh:
        fh.write("kode,nomenklatur,tingkat,kode_asli_sumber\n")
        for kode, nama, tingkat in conftest.NOMEN_ROWS:
            fh.write(f'{kode},"{nama}",{tingkat},{kode}\n')
    with transaction.atomic():
        world = conftest.World(nomen)
        catalogue = conftest.Catalogue(world)
        conftest.verified(world.a, world.a.sub, 1, "40000000", "10")
        # the leader's role requires a second factor (decision 0027): a test app
        app = conftest.second_factor_device(world.a.users["pimpinan"])
    shutil.rmtree(folder)
    a = world.a
    print(
        json.dumps(
            {
                "password": conftest.PASSWORD,
                "pimpinan": a.users["pimpinan"].username,
                "pimpinan_totp": app.key,
                "operator": a.users["operator_opd"].username,
                "opd_pk": a.dinkes.pk,
                "opd_kode": a.dinkes.kode,
                "sub_pk": a.sub.pk,
                "dataset": catalogue.public[0].nama,
            }
        )
    )


# --- HTTP -----------------------------------------------------------------------------------


class Browser:
    """A tiny client: keeps cookies itself (they are Secure, the transport here is loopback
    HTTP behind a pretend proxy) and follows no redirect."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = {"Host": f"127.0.0.1:{self.port}", **PROXY, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        conn.close()
        return response.status, dict(response.getheaders()), data

    def get(self, path: str, expect=(200,)) -> bytes:
        status, _headers, data = self.request("GET", path)
        if status not in expect:
            raise SmokeError(f"GET {path}: {status} (expected {expect}) {data[:300]!r}")
        log(f"GET {path} -> {status}")
        return data

    def post_form(self, path: str, fields: dict) -> tuple[int, dict, bytes]:
        page = self.get(path).decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token is None:
            raise SmokeError(f"{path} has no CSRF token")
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), **fields}).encode()
        return self.request(
            "POST",
            path,
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"https://127.0.0.1:{self.port}{path}",
                "Origin": f"https://127.0.0.1:{self.port}",
            },
        )

    def sign_in(self, username: str, password: str, totp_key: str = "") -> None:
        status, headers, data = self.post_form(
            "/masuk/", {"username": username, "password": password}
        )
        if status != 302:
            raise SmokeError(f"sign-in as {username}: {status} {data[:300]!r}")
        log(f"POST /masuk/ as {username} -> 302 {headers.get('Location')}")
        if totp_key:  # the second step: the authenticator app's code (django-otp's TOTP)
            from django_otp.oath import totp

            code = f"{totp(bytes.fromhex(totp_key)):06d}"
            status, headers, data = self.post_form("/masuk/verifikasi/", {"kode": code})
            if status != 302:
                raise SmokeError(f"second step as {username}: {status} {data[:300]!r}")
            log(f"POST /masuk/verifikasi/ as {username} -> 302 {headers.get('Location')}")


STATIC_REF = re.compile(r"""["'(](/static/[^"'()\s?#]+)""")
HASHED = re.compile(r"\.[0-9a-f]{12}\.")
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+?)["']?\s*\)""")


def static_files(browser: Browser, pages: list[bytes]) -> int:
    """Fetches every static file the pages name, and every file their style sheets name."""
    todo = sorted({m for page in pages for m in STATIC_REF.findall(page.decode("utf-8", "ignore"))})
    seen: set[str] = set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        status, headers, data = browser.request("GET", path)
        if status != 200:
            raise SmokeError(f"GET {path}: {status}")
        cache = headers.get("Cache-Control", "")
        if HASHED.search(path) and "immutable" not in cache:
            raise SmokeError(f"GET {path}: hashed file served with Cache-Control {cache!r}")
        log(f"GET {path} -> {status} ({cache})")
        if path.endswith(".css"):
            for ref in CSS_URL.findall(data.decode("utf-8", "ignore")):
                if ref.startswith(("data:", "#")):
                    continue
                target = urllib.parse.urljoin(path, ref).split("#")[0].split("?")[0]
                todo.append(target)
    if not any("/vendor/" in p for p in seen) or not any(HASHED.search(p) for p in seen):
        raise SmokeError(f"the pages name no hashed vendor file: {sorted(seen)}")
    return len(seen)


# --- the run --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(cmd: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    log("$ " + " ".join(cmd))
    # our own commands, from this checkout
    result = subprocess.run(  # noqa: S603 - our own commands # nosec B603
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, **kwargs
    )
    if result.returncode != 0:
        raise SmokeError(
            f"{cmd[0]} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return result


def production_env(folder: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PANTAU_", "DJANGO_"))}
    env.update(
        PANTAU_DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PANTAU_DATA_DIR=str(folder),
        PANTAU_OPENDATA_API_RATE=f"{RATE}/d",
        DATABASE_URL="",
        REDIS_URL="",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return env


def wait_ready(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SmokeError(f"gunicorn stopped ({server.returncode})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SmokeError("gunicorn did not start within 60 s")


def check_security_headers(visitor) -> None:
    """The web layer's headers as production sends them (decision 0028)."""
    _status, headers, _ = visitor.request("GET", "/masuk/")
    expected = {
        "Content-Security-Policy": "script-src 'self'",
        "Strict-Transport-Security": "max-age=31536000",
        "Permissions-Policy": "camera=()",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    for name, part in expected.items():
        if part not in headers.get(name, ""):
            raise SmokeError(f"/masuk/: {name} is {headers.get(name)!r} (expected {part!r})")
    if "unsafe-inline" in headers["Content-Security-Policy"]:
        raise SmokeError("/masuk/: the Content Security Policy allows unsafe-inline")
    log("GET /masuk/ -> CSP, HSTS, Permissions-Policy, X-Frame-Options, COOP present")


def fetch_pages(port: int, ids: dict) -> None:
    visitor = Browser(port)
    pages = [
        visitor.get("/publik/"),
        visitor.get(f"/publik/opd/{ids['opd_kode']}/"),
        visitor.get("/dataset/"),
        visitor.get(f"/dataset/{ids['dataset']}/"),
        visitor.get("/masuk/"),
    ]
    visitor.get("/", expect=(302,))
    # plain HTTP is redirected to HTTPS (what the proxy header says)
    status, headers, _ = visitor.request("GET", "/publik/", headers={"X-Forwarded-Proto": "http"})
    if status != 301 or not headers.get("Location", "").startswith("https://"):
        raise SmokeError(f"plain HTTP: {status} {headers.get('Location')} (expected 301 to https)")
    log("GET /publik/ over plain HTTP -> 301 https")
    check_security_headers(visitor)

    lead = Browser(port)
    lead.sign_in(ids["pimpinan"], ids["password"], ids["pimpinan_totp"])
    pages += [
        lead.get("/"),
        lead.get("/dasbor/"),
        lead.get("/opd/"),
        lead.get(f"/opd/{ids['opd_pk']}/"),
    ]
    operator = Browser(port)
    operator.sign_in(ids["operator"], ids["password"])
    pages.append(operator.get(f"/monitoring/laporan/{ids['sub_pk']}/12/"))
    pages.append(operator.get("/monitoring/"))
    log(f"{static_files(visitor, pages)} static files answered")


def check_rate_limit(port: int, dataset: str) -> int:
    """Calls the rate-limited interfaces (the CKAN API, a DCAT feed) until the first 429 and
    returns at which call it came; the caller expects the budget + 1, whichever worker
    answered each call."""
    client = Browser(port)
    paths = ["/api/3/action/package_list", "/catalog.ttl", "/api/3/action/package_search?q=uji"]
    for n in range(1, RATE + 2):
        status, _, data = client.request("GET", paths[n % len(paths)])
        if status == 429:
            return n
        if status != 200:
            raise SmokeError(f"rate-limited call {n}: {status} {data[:200]!r}")
        if n == 3 and dataset not in json.loads(data)["result"]:  # package_list
            raise SmokeError(f"package_list does not list {dataset}: {data[:200]!r}")
        if n == 1 and b"dcat:Catalog" not in data:
            raise SmokeError(f"catalog.ttl is no DCAT catalogue: {data[:200]!r}")
    raise SmokeError(f"no 429 after {RATE + 1} calls with a budget of {RATE}")


def workers_that_answered(logfile: Path) -> set[str]:
    """Worker process ids of the rate-limited calls in the access log."""
    text = logfile.read_text()
    return set(re.findall(r"^pid=<?(\d+)>? .*(?:/api/3/action/|/catalog\.ttl)", text, re.MULTILINE))


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="pantau-prod-smoke-"))
    env = production_env(folder)
    server = None
    started = time.monotonic()
    try:
        run([str(BIN / "pantau"), "collectstatic", "--noinput", "-v", "0"], env)
        if not (folder / "static" / "staticfiles.json").exists():
            raise SmokeError("collectstatic wrote no manifest")
        run([str(BIN / "pantau"), "migrate", "--noinput", "-v", "0"], env)
        ids = json.loads(
            run([sys.executable, __file__, "seed"], env).stdout.strip().splitlines()[-1]
        )
        check = run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env
        )
        log(check.stdout.strip() or check.stderr.strip())
        port = free_port()
        logfile = (folder / "gunicorn.log").open("w")
        server = subprocess.Popen(  # noqa: S603 - the project's own gunicorn # nosec B603
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--access-logfile",
                "-",
                "--access-logformat",
                'pid=%(p)s "%(r)s" %(s)s',
            ],
            cwd=ROOT,
            env=env,
            stdout=logfile,
            stderr=subprocess.STDOUT,
        )
        wait_ready(port, server)
        log(f"gunicorn (2 workers) on 127.0.0.1:{port}")
        fetch_pages(port, ids)
        first_429 = check_rate_limit(port, ids["dataset"])
        if first_429 != RATE + 1:
            raise SmokeError(f"first 429 at call {first_429}; expected {RATE + 1} (budget {RATE})")
        pids = workers_that_answered(folder / "gunicorn.log")
        log(
            f"rate limit: first 429 exactly at call {RATE + 1} of a budget of {RATE}, "
            f"answered by {len(pids)} worker process(es)"
        )
    except SmokeError as exc:
        log(f"GAGAL / FAILED: {exc}")
        if (folder / "gunicorn.log").exists():
            print((folder / "gunicorn.log").read_text()[-4000:])
        return 1
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
    log(f"LULUS / passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["seed"]:
        seed()
    else:
        sys.exit(main())
