"""Two app servers behind one address (issue 13 §5, decision 0035): two gunicorn servers with the
production settings on Redis, one huey consumer, and nginx in front running deploy/nginx/pantau.conf
rendered into a temporary prefix (tests/test_deploy.render_site: the same upstream and proxy
directives). Through the one address:

- a session made on one server is valid on the other (the access lines of both servers name
  the signed-in user's id for the requests they answered);
- the cache is shared: a CKAN API answer cached by one server is what the other answers, even
  after the row beneath it was changed behind the app's back (a raw SQL update that no audit
  event, and so no cache key, sees); once the cache entry is gone the change shows;
- the rate limit counts across both: with a budget of N calls the N+1-th, whichever server
  gets it, is 429, and both servers answered among the N;
- a task enqueued by a request on one server is run by the one consumer, and its outcome (a
  notice to the OPD's head) is visible through the other server.

The database is the engine of the part of `make test` that runs it: in the SQLite part one
SQLite file that both servers and the consumer open (WAL), which is how a regency runs two app
servers on one machine; in the PostgreSQL part a database of its own on the suite's server
(`<name>_dua_server`, created and dropped here), as a province runs them. It needs Redis
(`PANTAU_TEST_REDIS_URL`, default redis://127.0.0.1:6379/15 for SQLite and /14 for PostgreSQL,
database numbers kept for tests, so that the two parts running at once do not share one: each
is emptied before and after) and nginx (`make setup-nginx`).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import sqlite3
import ssl
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

from tests.test_deploy import NGINX, render_site

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SUITE_DB = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get(
    "PANTAU_TEST_REDIS_URL", f"redis://127.0.0.1:6379/{14 if SUITE_DB else 15}"
)
BUDGET = 12  # open-data API calls per address and day in this test


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, proc: subprocess.Popen, what: str, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{what} stopped ({proc.returncode}): {log.read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{what} did not listen on {port} within 90 s")


class Client:
    """HTTPS to nginx (its certificate is the test's own) or plain HTTP straight to one app
    server with the headers nginx would set; keeps cookies, follows no redirect."""

    def __init__(self, port: int, *, tls: bool, real_ip: str | None = None) -> None:
        self.port, self.tls, self.real_ip = port, tls, real_ip
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        if self.tls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE  # the test's self-signed certificate
            conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=60, context=context)
            sent = {"Host": "127.0.0.1"}
        else:  # as nginx would forward it (Host without the port: nginx's $host)
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            sent = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
            if self.real_ip:
                sent["X-Real-IP"] = self.real_ip
        sent.update(headers or {})
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
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def post_form(self, path: str, fields: dict):
        status, _, page = self.request("GET", path)
        assert status == 200, (path, status)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        return self.request(
            "POST",
            path,
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"https://127.0.0.1{path}",
                "Origin": "https://127.0.0.1",
            },
        )


def _access_lines(log: Path) -> dict[str, dict]:
    """The access lines of one server's log, by request id."""
    out = {}
    for line in log.read_text().splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            if record.get("logger") == "pantau.access":
                out[record["request_id"]] = record
    return out


class _Database:
    """The cluster's database, and SQL behind the app's back (no audit event, no cache key sees
    it): a SQLite file in the data folder, or, when the suite runs on PostgreSQL, a database of
    its own on that server. Queries are written with `%s` placeholders."""

    def __init__(self, data: Path) -> None:
        if not SUITE_DB:
            self.url, self._file = "", data / "pantau.sqlite3"
            return
        import psycopg

        parts = urllib.parse.urlsplit(SUITE_DB)
        self.name = f"{parts.path.lstrip('/')[:40]}_dua_server"
        self._server = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
        self.url = urllib.parse.urlunsplit(parts._replace(path=f"/{self.name}"))
        with psycopg.connect(self._server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{self.name}"')

    def execute(self, query: str, params: tuple) -> list[tuple]:
        """Runs one statement and commits; the rows it returns, or [rowcount] for a change."""
        if not self.url:
            with contextlib.closing(sqlite3.connect(self._file, timeout=20)) as db, db:
                cur = db.execute(query.replace("%s", "?"), params)
                return cur.fetchall() if cur.description else [(cur.rowcount,)]
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as db:
            cur = db.execute(query, params)
            return cur.fetchall() if cur.description else [(cur.rowcount,)]

    def drop(self) -> None:
        if self.url:
            import psycopg

            with psycopg.connect(self._server, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if NGINX is None:
        pytest.skip("nginx tidak terpasang (make setup-nginx) / nginx not installed")
    import redis

    store = redis.Redis.from_url(REDIS_URL)
    try:
        store.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis tidak terjangkau di {REDIS_URL} / Redis not reachable: {exc}")
    store.flushdb()
    folder = tmp_path_factory.mktemp("two-servers")
    data = folder / "data"
    data.mkdir()
    database = _Database(data)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PANTAU_", "DJANGO_"))}
    env.update(
        PANTAU_DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        PANTAU_DATA_DIR=str(data),
        DATABASE_URL=database.url,
        REDIS_URL=REDIS_URL,
        PANTAU_CLIENT_IP_HEADER="HTTP_X_REAL_IP",
        PANTAU_OPENDATA_API_RATE=f"{BUDGET}/d",
        PANTAU_LOG_FORMAT="json",
        PANTAU_WEB_WORKERS="1",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    procs: list[subprocess.Popen] = []
    handles = []

    def output(path: Path):
        handles.append(path.open("w"))
        return handles[-1]

    def run(*args):
        return subprocess.run(args, cwd=ROOT, env=env, check=True, capture_output=True, text=True)

    try:
        run(str(BIN / "pantau"), "collectstatic", "--noinput", "-v", "0")
        run(str(BIN / "pantau"), "migrate", "--noinput", "-v", "0")
        seeded = run(sys.executable, str(ROOT / "scripts" / "prod_smoke.py"), "seed")
        ids = json.loads(seeded.stdout.strip().splitlines()[-1])
        ports = (_free_port(), _free_port())
        logs = (folder / "a.log", folder / "b.log")
        for port, log in zip(ports, logs, strict=True):
            gunicorn = [str(BIN / "gunicorn"), "--config", "python:config.gunicorn"]
            proc = subprocess.Popen(
                [*gunicorn, "--bind", f"127.0.0.1:{port}", "config.wsgi:application"],
                cwd=ROOT,
                env=env,
                stdout=output(log),
                stderr=subprocess.STDOUT,
            )
            procs.append(proc)
        worker_log = folder / "worker.log"
        procs.append(
            subprocess.Popen(
                [str(BIN / "pantau"), "run_huey"],
                cwd=ROOT,
                env=env,
                stdout=output(worker_log),
                stderr=subprocess.STDOUT,
            )
        )
        nginx_port = _free_port()
        prefix = folder / "nginx"
        prefix.mkdir()
        conf = render_site(prefix, port=nginx_port, upstreams=ports, static=data / "static")
        nginx_log = prefix / "error.log"
        procs.append(
            subprocess.Popen(
                [NGINX, "-p", str(prefix), "-c", str(conf)],
                stdout=output(prefix / "nginx.out"),
                stderr=subprocess.STDOUT,
            )
        )
        for port, proc, log in zip(ports, procs, logs, strict=False):
            _wait_port(port, proc, "gunicorn", log)
        _wait_port(nginx_port, procs[-1], "nginx", prefix / "nginx.out")
        yield {
            "ids": ids,
            "ports": ports,
            "logs": logs,
            "nginx": nginx_port,
            "db": database,
            "redis": store,
            "worker_log": worker_log,
            "nginx_log": nginx_log,
        }
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for handle in handles:
            handle.close()
        store.flushdb()
        store.close()
        database.drop()
        shutil.rmtree(folder, ignore_errors=True)


def _served_by(cluster, request_id: str) -> tuple[int, dict]:
    """Which server (0 or 1) wrote the access line of this request, and the line."""
    for attempt in range(50):
        for n, log in enumerate(cluster["logs"]):
            line = _access_lines(log).get(request_id)
            if line is not None:
                return n, line
        time.sleep(0.1 * (attempt > 0))
    raise AssertionError(f"no server logged request {request_id}")


def test_a_session_made_on_one_server_is_valid_on_the_other(cluster):
    ids = cluster["ids"]
    browser = Client(cluster["nginx"], tls=True)
    status, headers, _ = browser.post_form(
        "/masuk/", {"username": ids["operator"], "password": ids["password"]}
    )
    assert status == 302, status
    signed_in_by = _served_by(cluster, headers["x-request-id"])[1]["user_id"]
    assert signed_in_by is not None
    servers = set()
    for _ in range(8):
        status, headers, _ = browser.request("GET", "/monitoring/")
        assert status == 200, status  # a server without the session would redirect to /masuk/
        n, line = _served_by(cluster, headers["x-request-id"])
        assert line["user_id"] == signed_in_by and line["path"] == "/monitoring/"
        servers.add(n)
    assert servers == {0, 1}, "nginx sent every request to one server"


def test_the_cache_is_shared(cluster):
    dataset = cluster["ids"]["dataset"]
    path = f"/api/3/action/package_show?id={dataset}"
    # straight to each server, as one address apart from the budget the next test counts
    a = Client(cluster["ports"][0], tls=False, real_ip="10.7.0.1")
    b = Client(cluster["ports"][1], tls=False, real_ip="10.7.0.1")
    status, _, body = a.request("GET", path)
    assert status == 200, body[:300]
    title = json.loads(body)["result"]["title"]
    changed = f"{title} (diubah di luar aplikasi)"
    # behind the app's back: no audit event, no cache key sees it
    assert cluster["db"].execute(
        "UPDATE opendata_dataset SET judul = %s WHERE nama = %s", (changed, dataset)
    ) == [(1,)]  # fmt: skip
    status, _, body = b.request("GET", path)
    assert status == 200
    assert json.loads(body)["result"]["title"] == title, "B did not read A's cached answer"
    # without the entry B computes the answer itself and sees the change
    for key in cluster["redis"].scan_iter(match=":1:opendata:*"):
        cluster["redis"].delete(key)
    status, _, body = b.request("GET", path)
    assert json.loads(body)["result"]["title"] == changed


def test_the_rate_limit_counts_across_both_servers(cluster):
    client = Client(cluster["nginx"], tls=True)
    servers = set()
    for n in range(1, BUDGET + 1):
        status, headers, body = client.request("GET", "/api/3/action/package_list")
        assert status == 200, (n, status, body[:200])
        servers.add(_served_by(cluster, headers["x-request-id"])[0])
    assert servers == {0, 1}, "nginx sent every call to one server"
    status, headers, _ = client.request("GET", "/api/3/action/package_list")
    assert status == 429
    assert "retry-after" in headers


def test_a_task_enqueued_on_one_server_is_run_by_the_worker_and_seen_on_the_other(cluster):
    ids = cluster["ids"]
    ((head,),) = cluster["db"].execute(
        "SELECT u.username FROM auth_user u JOIN organisations_membership m "
        "ON m.user_id = u.id WHERE m.role = 'kepala_opd' AND m.opd_id = %s",
        (ids["opd_pk"],),
    )
    # the operator submits December's report on server A: the notice is a task (notifications)
    a = Client(cluster["ports"][0], tls=False, real_ip="10.7.0.2")
    status, _, _ = a.post_form(
        "/masuk/", {"username": ids["operator"], "password": ids["password"]}
    )
    assert status == 302
    status, headers, body = a.post_form(
        f"/monitoring/laporan/{ids['sub_pk']}/12/",
        # January's verified report had Rp 40.000.000 and 10%: a little more, no warning
        {"kunci": "d" * 32, "keuangan": "41.000.000", "fisik": "11", "aksi": "ajukan"},
    )
    errors = re.findall(rb'class="invalid-feedback[^"]*"[^>]*>\s*([^<]+)', body)
    assert status == 302, (status, errors)
    assert _served_by(cluster, headers["x-request-id"])[0] == 0
    # the OPD's head reads it on server B once the one consumer has run the task
    b = Client(cluster["ports"][1], tls=False, real_ip="10.7.0.3")
    status, _, _ = b.post_form("/masuk/", {"username": head, "password": ids["password"]})
    assert status == 302
    deadline = time.monotonic() + 60
    while True:
        status, headers, page = b.request("GET", "/notifikasi/")
        assert status == 200
        if b"menunggu persetujuan" in page:
            break
        assert time.monotonic() < deadline, cluster["worker_log"].read_text()[-3000:]
        time.sleep(0.5)
    assert _served_by(cluster, headers["x-request-id"])[0] == 1
    # the worker's own lines carry the task's id
    worker = [
        json.loads(line)
        for line in cluster["worker_log"].read_text().splitlines()
        if line.startswith("{")
    ]
    ran = [r for r in worker if r.get("task") and "send_transition_notice" in r["task"]]
    assert ran and all(r["task_id"] for r in ran)
