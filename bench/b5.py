"""B5: the month-end burst (docs/quality.md): N operators each sign in, open their monthly report
form and submit the report with a photo of about 2 MB into the workflow, arriving within a
bounded window, against the production server (gunicorn, two workers, PANTAU_DEBUG=0) on
loopback; on SQLite or PostgreSQL.

1. A fresh database and data folder: the regency of `bench/scale.py` for the current year
   (`pantau.demo.scale.build_scale`, the project's services; `--opd-limit` keeps fewer OPDs),
   then N operator accounts (`user_create`, `membership_set`), each in an OPD and with its own
   sub kegiatan that has no report for the current month (whose period is open).
2. `collectstatic`, then gunicorn as in production (`scripts/prod_smoke.py`): two workers,
   PANTAU_DEBUG=0, requests marked `X-Forwarded-Proto: https`.
3. N client threads, operator i starting at a fixed pseudo-random time within `--window`
   seconds: GET /masuk/, POST /masuk/ (the real form, CSRF), GET the report form, POST it as
   multipart with the month's figures, an explanation and one JPEG (4032 x 3024, EXIF time in
   the period and GPS at the sub kegiatan, distinct bytes per operator) with aksi=ajukan, then
   GET the page it redirects to. Each step's status and content are checked.
4. The server is stopped; then in the database: exactly one report per operator with the sent
   figures, status diajukan, one submission step, one key, one photo with the sent checksum
   whose stored original, thumbnail and public copy exist and match; no other report of the
   month added; and `evaluation.rollup.check` (the `evaluation_check` command) finds no
   difference between the roll-ups and the raw rows.

The per-address sign-in limit (30/min) would count all N operators as one caller, since all
come from 127.0.0.1. In production nginx sets `X-Real-IP` and Pantau reads it
(PANTAU_CLIENT_IP_HEADER=HTTP_X_REAL_IP, docs/operations.md); the bench plays that proxy and
gives each operator its own address (10.5.x.y). `--one-address` sends none: every operator is
then one caller, as behind one office NAT.

Prints one line per figure and exits 1 on any error or failed check.

  python bench/b5.py [--operators 300] [--photo-mb 2] [--window 600] [--database sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
PG_SERVER = os.environ.get("PANTAU_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PASSWORD = "Burst-Bulanan-Operator-2026"  # noqa: S105 - the bench accounts' password
STEPS = ("masuk_form", "masuk", "formulir", "kirim", "hasil")
SUBMITTED = "tersimpan dan diajukan ke kepala OPD"
SEED = 2026


# --- the world (in this process, before the server starts) ------------------------------------


def _rupiah_text(value: Decimal) -> str:
    """1234567.5 -> '1.234.567,50', as an operator types it into the form."""
    whole, cents = f"{value:.2f}".split(".")
    return f"{int(whole):,}".replace(",", ".") + "," + cents


def build_world(*, operators: int, opd_limit: int | None) -> dict:
    """The regency, N operators with a sub kegiatan each; returns what the clients send."""
    import datetime as dt
    import zoneinfo

    from django.core.management import call_command
    from django.db import transaction
    from django.db.models import Sum

    from pantau.demo.scale import build_scale
    from pantau.monitoring.models import PeriodeLaporan, Realisasi
    from pantau.monitoring.workflow import PeriodeState, periode_state
    from pantau.organisations.choices import Role
    from pantau.organisations.services import membership_set, user_create
    from pantau.planning.models import SubKegiatan

    call_command("migrate", verbosity=0)
    today = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Makassar")).date()
    (pemda,) = build_scale(pemda=1, years=1, today=today, opd_limit=opd_limit, log=lambda _m: None)
    periode = PeriodeLaporan.objects.select_related("tahun_anggaran").get(
        pemda=pemda, tahun_anggaran__tahun=today.year, bulan=today.month
    )
    reported = Realisasi.objects.filter(periode=periode).values_list("sub_kegiatan_id", flat=True)
    by_opd: dict[int, list] = {}
    subs = (
        SubKegiatan.objects.filter(tahun_anggaran=periode.tahun_anggaran)
        .exclude(pk__in=reported)
        .select_related("opd__pemda")
        .order_by("opd__kode", "kode")
    )
    for sub in subs:
        by_opd.setdefault(sub.opd_id, []).append(sub)
    if periode_state(periode, next(iter(by_opd.values()))[0].opd) != PeriodeState.TERBUKA:
        raise SystemExit(f"periode {periode} tidak terbuka / not open")
    picked = []
    queues = list(by_opd.values())
    while len(picked) < operators and any(queues):  # round robin over the OPDs
        for queue in queues:
            if queue and len(picked) < operators:
                picked.append(queue.pop(0))
    if len(picked) < operators:
        raise SystemExit(f"hanya {len(picked)} sub kegiatan tanpa laporan / only {len(picked)}")
    plan = []
    with transaction.atomic():
        for number, sub in enumerate(picked, start=1):
            other = Realisasi.objects.filter(sub_kegiatan=sub).aggregate(t=Sum("keuangan"))["t"]
            left = sub.pagu - (other or Decimal(0))
            keuangan = (left / 20).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
            last = (
                Realisasi.objects.filter(sub_kegiatan=sub, periode__bulan__lt=periode.bulan)
                .order_by("-periode__bulan")
                .values_list("fisik", flat=True)
                .first()
            )
            fisik = min(Decimal(100), (last or Decimal(0)) + Decimal("3.5"))
            user = user_create(actor=None, username=f"operator.b5.{number:03d}", password=PASSWORD)
            membership_set(actor=None, user=user, pemda=pemda, role=Role.OPERATOR_OPD, opd=sub.opd)
            plan.append(
                {
                    "username": user.username,
                    "sub": sub.pk,
                    "kode": sub.kode,
                    "bulan": periode.bulan,
                    "keuangan": str(max(keuangan, Decimal(0))),
                    "fisik": str(fisik),
                    "lat": float(sub.latitude) if sub.latitude is not None else -5.32,
                    "lng": float(sub.longitude) if sub.longitude is not None else 123.54,
                }
            )
    baseline = Realisasi.objects.filter(periode=periode).count()
    return {
        "pemda": pemda.kode,
        "periode": periode.pk,
        "tahun": periode.tahun_anggaran.tahun,
        "baseline": baseline,
        "operators": plan,
    }


# --- the photos -------------------------------------------------------------------------------


def photo_base(target_mb: float) -> bytes:
    """A 4032 x 3024 JPEG (a 12 MP phone photo) of smooth seeded noise, at the highest quality
    that stays within `target_mb`; the same bytes every run."""
    from PIL import Image

    rng = random.Random(SEED)  # a deterministic picture, not security
    w, h = 4032, 3024
    small = Image.frombytes("RGB", (w // 8, h // 8), rng.randbytes((w // 8) * (h // 8) * 3))
    image = small.resize((w, h), Image.Resampling.BICUBIC)
    lo, hi, best = 5, 95, b""
    while lo <= hi:
        quality = (lo + hi) // 2
        buf = io.BytesIO()
        image.save(buf, "JPEG", quality=quality)
        if buf.tell() <= target_mb * 1024 * 1024:
            best, lo = buf.getvalue(), quality + 1
        else:
            hi = quality - 1
    if not best:
        raise SystemExit(f"no 12 MP JPEG fits in {target_mb} MB / tidak ada kualitas yang muat")
    return best


def _dms(value: float) -> tuple[float, float, float]:
    value = abs(value)
    d = int(value)
    m = int((value - d) * 60)
    return float(d), float(m), round(((value - d) * 60 - m) * 60, 4)


def photo_for(base: bytes, *, when: str, lat: float, lng: float, note: str) -> bytes:
    """The base photo with its own EXIF segment (time taken, GPS, a description naming the
    operator) spliced in after the JFIF header: valid JPEG, distinct bytes, same pixels."""
    from PIL import ExifTags, Image

    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Pantau B5"
    exif[ExifTags.Base.ImageDescription] = note
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = when
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S" if lat < 0 else "N"
    gps[ExifTags.GPS.GPSLatitude] = _dms(lat)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W" if lng < 0 else "E"
    gps[ExifTags.GPS.GPSLongitude] = _dms(lng)
    payload = exif.tobytes()
    segment = b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload
    at = 2
    if base[2:4] == b"\xff\xe0":  # after APP0 (JFIF)
        at = 4 + int.from_bytes(base[4:6], "big")
    return base[:at] + segment + base[at:]


# --- the clients --------------------------------------------------------------------------------

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KUNCI = re.compile(r'name="kunci" value="([0-9a-f]+)"')


class StepError(Exception):
    pass


@dataclass
class Result:
    username: str
    times: dict[str, float] = field(default_factory=dict)
    error: str = ""
    kunci: str = ""


class Operator:
    """One operator's browser: keeps its cookies itself (they are Secure; the transport is
    loopback HTTP behind the pretend proxy) and follows no redirect."""

    def __init__(self, base: str, address: str | None) -> None:
        import requests

        self.base = base
        self.http = requests.Session()
        self.cookies: dict[str, str] = {}
        self.headers = {"X-Forwarded-Proto": "https", "Origin": base.replace("http:", "https:")}
        if address:
            self.headers["X-Real-IP"] = address

    def call(self, method: str, path: str, **kwargs):
        headers = {**self.headers, "Referer": self.headers["Origin"] + path}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.http.request(
            method, self.base + path, headers=headers, allow_redirects=False, timeout=300, **kwargs
        )
        for value in response.raw.headers.getlist("Set-Cookie"):
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response


def _expect(response, status: int, step: str, *, contains: str = "", location: str = "") -> str:
    text = response.text if "text/html" in response.headers.get("Content-Type", "") else ""
    if response.status_code != status:
        raise StepError(f"{step}: HTTP {response.status_code} (expected {status}) {text[:200]!r}")
    if contains and contains not in text:
        raise StepError(f"{step}: the page lacks {contains!r}")
    if location and response.headers.get("Location", "") != location:
        raise StepError(f"{step}: redirected to {response.headers.get('Location')!r}")
    return text


def _token(text: str, step: str) -> str:
    found = CSRF.search(text)
    if found is None:
        raise StepError(f"{step}: no CSRF token")
    return found.group(1)


def run_operator(base: str, spec: dict, photo: bytes, address: str | None, out: Result) -> None:
    browser = Operator(base, address)
    report = f"/monitoring/laporan/{spec['sub']}/{spec['bulan']}/"

    def step(name: str, fn):
        start = time.perf_counter()
        try:
            return fn()
        finally:
            out.times[name] = time.perf_counter() - start

    try:
        page = step("masuk_form", lambda: _expect(browser.call("GET", "/masuk/"), 200, "masuk"))
        form = {"csrfmiddlewaretoken": _token(page, "masuk")}
        form |= {"username": spec["username"], "password": PASSWORD}
        done = step("masuk", lambda: browser.call("POST", "/masuk/", data=form))
        _expect(done, 302, "POST /masuk/", location="/")  # operators: no second factor
        page = step(
            "formulir",
            lambda: _expect(browser.call("GET", report), 200, "formulir", contains=spec["kode"]),
        )
        kunci = KUNCI.search(page)
        if kunci is None:
            raise StepError("formulir: no kunci (the form is not editable)")
        out.kunci = kunci.group(1)
        fields = {
            "csrfmiddlewaretoken": _token(page, "formulir"),
            "kunci": out.kunci,
            "keuangan": _rupiah_text(Decimal(spec["keuangan"])),
            "fisik": spec["fisik"].replace(".", ","),
            "kendala": "",
            "tindak_lanjut": "",
            "penjelasan": "Laporan akhir bulan (B5).",
            "aksi": "ajukan",
        }
        files = {"bukti": (f"foto-{spec['username']}.jpg", photo, "image/jpeg")}
        done = step("kirim", lambda: browser.call("POST", report, data=fields, files=files))
        _expect(done, 302, "POST laporan", location=report)
        step(
            "hasil",
            lambda: _expect(browser.call("GET", report), 200, "hasil", contains=SUBMITTED),
        )
    except StepError as exc:
        out.error = str(exc)
    except Exception as exc:  # a refused connection, a timeout: an error like any other
        out.error = f"{type(exc).__name__}: {exc}"


def warm_up(base: str, workers: int) -> None:
    """A running server has loaded its URLs and templates: a few sign-in pages first, from an
    address of their own, not counted (each must still answer 200 with its form)."""
    for _ in range(2 * workers):
        page = _expect(Operator(base, "10.6.0.1").call("GET", "/masuk/"), 200, "warm-up")
        _token(page, "warm-up")


def burst(base: str, world: dict, base_photo: bytes, *, window: float, one_address: bool):
    """Every operator in its own thread, operator i starting at its arrival time."""
    rng = random.Random(SEED)  # fixed arrival times, not security
    specs = world["operators"]
    arrivals = sorted(rng.uniform(0, window) for _ in specs)
    results = [Result(s["username"]) for s in specs]
    photos = []
    for number, spec in enumerate(specs):
        when = (
            f"{world['tahun']}:{spec['bulan']:02d}:01 08:{number // 60 % 60:02d}:{number % 60:02d}"
        )
        photos.append(
            photo_for(
                base_photo, when=when, lat=spec["lat"], lng=spec["lng"], note=spec["username"]
            )
        )
    start = time.monotonic()

    def later(n: int) -> None:
        time.sleep(max(0.0, start + arrivals[n] - time.monotonic()))
        address = None if one_address else f"10.5.{n // 250}.{n % 250 + 1}"
        run_operator(base, specs[n], photos[n], address, results[n])

    threads = [threading.Thread(target=later, args=(n,)) for n in range(len(specs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sha = {s["username"]: hashlib.sha256(p).hexdigest() for s, p in zip(specs, photos, strict=True)}
    return results, time.monotonic() - start, sha


# --- the check in the database -------------------------------------------------------------------


def gather(world: dict, usernames: list[str]) -> dict:
    """The rows the check compares, as plain values."""
    from pantau.core.storage import open_private
    from pantau.monitoring.models import Bukti, KunciPengiriman, Realisasi, RiwayatStatus

    periode = world["periode"]
    subs = [s["sub"] for s in world["operators"]]

    def digest(name: str) -> str | None:
        try:
            return hashlib.sha256(open_private(name).read_bytes()).hexdigest() if name else None
        except FileNotFoundError:
            return None

    return {
        "period_total": Realisasi.objects.filter(periode_id=periode).count(),
        "reports": list(
            Realisasi.objects.filter(periode_id=periode, sub_kegiatan_id__in=subs).values(
                "id", "sub_kegiatan_id", "keuangan", "fisik", "status", "diajukan_pada"
            )
        ),
        "steps": list(
            RiwayatStatus.objects.filter(realisasi__periode_id=periode, ke="diajukan").values(
                "realisasi__sub_kegiatan_id", "aktor__username"
            )
        ),
        "keys": list(
            KunciPengiriman.objects.filter(user__username__in=usernames).values(
                "user__username", "realisasi__sub_kegiatan_id"
            )
        ),
        "photos": [
            {
                "sub": b.realisasi.sub_kegiatan_id,
                "sha256": b.sha256,
                "stored": digest(b.berkas),
                "thumbnail": digest(b.thumbnail) is not None,
                "public": digest(b.salinan_publik) is not None,
            }
            for b in Bukti.objects.filter(realisasi__periode_id=periode).select_related("realisasi")
        ],
    }


def verify(world: dict, rows: dict, sha: dict[str, str]) -> list[str]:
    """Every way a report can be lost, duplicated or wrong, as messages (empty: all is right)."""
    problems = []
    specs = world["operators"]
    expected_total = world["baseline"] + len(specs)
    if rows["period_total"] != expected_total:
        problems.append(f"{rows['period_total']} reports in the month, expected {expected_total}")
    by_sub: dict[int, list] = {}
    for row in rows["reports"]:
        by_sub.setdefault(row["sub_kegiatan_id"], []).append(row)
    for spec in specs:
        who, sub = spec["username"], spec["sub"]
        reports = by_sub.get(sub, [])
        if len(reports) != 1:
            problems.append(f"{who}: {len(reports)} reports for sub kegiatan {sub}")
            continue
        report = reports[0]
        if report["status"] != "diajukan" or report["diajukan_pada"] is None:
            problems.append(f"{who}: report is {report['status']}, not diajukan")
        if Decimal(report["keuangan"]) != Decimal(spec["keuangan"]):
            problems.append(f"{who}: keuangan {report['keuangan']} != {spec['keuangan']}")
        if Decimal(report["fisik"]) != Decimal(spec["fisik"]):
            problems.append(f"{who}: fisik {report['fisik']} != {spec['fisik']}")
        steps = [s for s in rows["steps"] if s["realisasi__sub_kegiatan_id"] == sub]
        if [s["aktor__username"] for s in steps] != [who]:
            problems.append(f"{who}: {len(steps)} submission steps")
        keys = [k for k in rows["keys"] if k["user__username"] == who]
        if [k["realisasi__sub_kegiatan_id"] for k in keys] != [sub]:
            problems.append(f"{who}: {len(keys)} submission keys")
        photos = [p for p in rows["photos"] if p["sub"] == sub]
        if len(photos) != 1:
            problems.append(f"{who}: {len(photos)} photos")
            continue
        photo = photos[0]
        if photo["sha256"] != sha[who] or photo["stored"] != sha[who]:
            problems.append(f"{who}: photo checksum {photo['sha256']} / file {photo['stored']}")
        if not (photo["thumbnail"] and photo["public"]):
            problems.append(f"{who}: thumbnail or public copy missing")
    ours = {s["sub"] for s in specs}
    strays = [p for p in rows["photos"] if p["sub"] not in ours]
    if strays:
        problems.append(f"{len(strays)} photos on other reports of the month")
    return problems


def rollup_differences(pemda_kode: str) -> list[str]:
    from pantau.evaluation import rollup
    from pantau.organisations.models import Pemda

    pemda = Pemda.objects.get(kode=pemda_kode)
    return [str(d) for d in rollup.check(pemda=pemda) + rollup.check_indicators(pemda=pemda)]


# --- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(data_dir: Path, database_url: str, redis_url: str, one_address: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PANTAU_", "DJANGO_"))}
    env.update(
        PANTAU_DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PANTAU_DATA_DIR=str(data_dir),
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONPATH=str(ROOT),
    )
    if not one_address:  # the proxy's header, as docs/operations.md sets it up behind nginx
        env["PANTAU_CLIENT_IP_HEADER"] = "HTTP_X_REAL_IP"
    return env


def start_server(env: dict, port: int, workers: int, log: Path) -> subprocess.Popen:
    cmd = [str(BIN / "gunicorn"), "config.wsgi:application", "--workers", str(workers)]
    cmd += ["--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT)]
    with log.open("w") as sink:
        server = subprocess.Popen(
            cmd, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped ({server.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise SystemExit("gunicorn did not start within 90 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def static_files(env: dict, target: Path, cache: Path | None) -> None:
    """`collectstatic` as in production (hashed, compressed), or a copy of an earlier run's
    output kept in `cache` (the tests: the same checkout, seconds instead of a minute)."""
    if cache is not None and (cache / "staticfiles.json").exists():
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(cache, target)
        return
    collect = [str(BIN / "pantau"), "collectstatic", "--noinput", "-v", "0"]
    subprocess.run(collect, env=env, cwd=ROOT, check=True)
    if cache is not None:
        shutil.rmtree(cache, ignore_errors=True)
        shutil.copytree(target, cache)


def fresh_database(kind: str, pg_url: str, data_dir: Path) -> str:
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    if kind == "sqlite":
        return ""
    import psycopg

    server, _, name = pg_url.rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return pg_url


# --- figures --------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def figures(results: list[Result]) -> dict:
    out = {}
    for name in (*STEPS, "total"):
        values = [
            sum(r.times.values()) if name == "total" else r.times[name]
            for r in results
            if not r.error and (name == "total" or name in r.times)
        ]
        if values:
            out[name] = {
                "p50_ms": round(percentile(values, 50) * 1000, 1),
                "p95_ms": round(percentile(values, 95) * 1000, 1),
                "max_ms": round(max(values) * 1000, 1),
            }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--operators", type=int, default=300)
    parser.add_argument("--photo-mb", type=float, default=2.0)
    parser.add_argument("--window", type=float, default=600, help="seconds of arrivals")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", default=f"{PG_SERVER}/pantau_b5")
    parser.add_argument("--redis-url", default="", help="REDIS_URL for the server (optional)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--opd-limit", type=int, default=None, help="fewer OPDs (tests)")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--one-address", action="store_true", help="no X-Real-IP per operator")
    parser.add_argument(
        "--static-cache", type=Path, default=None, help="reuse collectstatic's output from here"
    )
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    args = parser.parse_args()
    # stopped from outside (a test's timeout): the finally blocks stop gunicorn
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    data_dir = (args.data_dir or ROOT / "var" / "bench" / f"b5-{args.database}").resolve()
    database_url = fresh_database(args.database, args.pg_url, data_dir)
    env = server_env(data_dir, database_url, args.redis_url, args.one_address)
    os.environ.update({k: env[k] for k in ("PANTAU_DATA_DIR", "DATABASE_URL", "REDIS_URL")})
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import _django

    _django.setup()
    from django.db import connection

    began = time.monotonic()
    world = build_world(operators=args.operators, opd_limit=args.opd_limit)
    connection.close()
    built = time.monotonic() - began
    began = time.monotonic()
    base_photo = photo_base(args.photo_mb)
    photo_s = time.monotonic() - began
    began = time.monotonic()
    static_files(env, data_dir / "static", args.static_cache)
    static_s = time.monotonic() - began
    port = free_port()
    log = data_dir / "gunicorn.log"
    server = start_server(env, port, args.workers, log)
    try:
        warm_up(f"http://127.0.0.1:{port}", args.workers)
        results, elapsed, sha = burst(
            f"http://127.0.0.1:{port}",
            world,
            base_photo,
            window=args.window,
            one_address=args.one_address,
        )
    finally:
        stop_server(server)
    server_errors = [
        line for line in log.read_text().splitlines() if "Traceback" in line or "ERROR" in line
    ]
    problems = verify(world, gather(world, [s["username"] for s in world["operators"]]), sha)
    rollups = rollup_differences(world["pemda"])
    connection.close()
    errors = [r for r in results if r.error]
    summary = {
        "benchmark": "B5",
        "database": args.database,
        "operators": len(results),
        "photo_bytes": len(base_photo),
        "window_s": args.window,
        "elapsed_s": round(elapsed, 1),
        "world_s": round(built, 1),
        "photo_s": round(photo_s, 1),
        "static_s": round(static_s, 1),
        "workers": args.workers,
        "one_address": args.one_address,
        "errors": len(errors),
        "error_samples": sorted({r.error for r in errors})[:10],
        "server_log_errors": len(server_errors),
        "check_problems": problems[:20],
        "rollup_differences": rollups[:20],
        "latency": figures(results),
    }
    failed = bool(errors or problems or rollups or server_errors)
    db = args.database
    print(
        f"B5 {db:10} {len(results)} operators, photo {len(base_photo) / 2**20:.2f} MB, "
        f"window {args.window:g} s, burst took {elapsed:.0f} s, {args.workers} workers"
    )
    print(f"B5 {db:10} errors {len(errors)} (target 0)  {'ok' if not errors else 'FAILED'}")
    for sample in summary["error_samples"]:
        print(f"B5 {db:10}   {sample}")
    print(
        f"B5 {db:10} lost or duplicated or wrong reports {len(problems)} (target 0)  "
        f"{'ok' if not problems else 'FAILED'}"
    )
    for problem in problems[:10]:
        print(f"B5 {db:10}   {problem}")
    print(
        f"B5 {db:10} roll-up differences {len(rollups)} (target 0)  "
        f"{'ok' if not rollups else 'FAILED'}"
    )
    print(f"B5 {db:10} server log errors {len(server_errors)}")
    for name, row in summary["latency"].items():
        print(
            f"B5 {db:10} {name:10} p50 {row['p50_ms']:8.1f} ms  p95 {row['p95_ms']:8.1f} ms  "
            f"max {row['max_ms']:8.1f} ms"
        )
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2, default=str))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
