"""The read replica and the database faults against real PostgreSQL clusters (issue 13 §5,
decision 0036): a temporary primary and a streaming replica made by PostgreSQL's own
`pg_basebackup -R`, each on its own port, and Pantau under gunicorn pointed at both.

Which database served a page is seen from the page itself: replay is paused on the replica
(`pg_wal_replay_pause()`), the pemda's name is changed on the primary, and a page showing the old
name can only have been read on the replica.

Runs in the PostgreSQL run (DATABASE_URL=postgres://...): the temporary primary gets its schema
from the migrated test database (pg_dump, pg_restore) instead of running every migration again.
Skipped where PostgreSQL 15's server binaries or the `postgres` OS user are missing.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import pytest
import requests
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
PGBIN = Path(os.environ.get("PANTAU_PGBIN", "/usr/lib/postgresql/15/bin"))
OLD_NAME = "Kota Replika Lama"
PEMDA_KODE = "74.71"
USER, PASSWORD = "penulis.replika", "tulis-dulu-baca-utama-2026"
SEED = f"""
from pantau.organisations.services import pemda_create, user_create
pemda_create(actor=None, kode="{PEMDA_KODE}", nama="{OLD_NAME}")
user_create(actor=None, username="{USER}", password="{PASSWORD}")
"""


def _postgres_user():
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        return None


def _skip_reason() -> str | None:
    if connection.vendor != "postgresql":
        return (
            "needs the PostgreSQL run (DATABASE_URL=postgres://...): the temporary primary "
            "copies the migrated test database"
        )
    binaries = ("initdb", "pg_ctl", "pg_basebackup", "pg_dump", "pg_restore")
    missing = [b for b in binaries if not (PGBIN / b).exists()]
    if missing:
        return f"PostgreSQL server binaries missing in {PGBIN}: {', '.join(missing)}"
    if os.geteuid() == 0 and _postgres_user() is None:
        return "running as root, and no OS user 'postgres' to run initdb as"
    return None


_REASON = _skip_reason()
# marked so that pytest-django creates the test database this module copies (it uses no other)
pytestmark = [pytest.mark.django_db, pytest.mark.skipif(_REASON is not None, reason=_REASON or "")]


def _free_ports(count: int) -> list[int]:
    base = os.environ.get("PANTAU_REPLICA_TEST_PORT", "").strip()
    if base:
        return [int(base) + i for i in range(count)]
    socks = [socket.socket() for _ in range(count)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


class Clusters:
    """A primary and its streaming replica in a temporary directory, with the app on top."""

    def __init__(self, folder: Path, app_port: int, primary_port: int, replica_port: int):
        self.folder = folder
        self.app_port, self.primary_port, self.replica_port = app_port, primary_port, replica_port
        self.servers: list[tuple[subprocess.Popen, Path]] = []

    # the cluster commands run as `postgres` when we are root (initdb refuses root)
    def pg(self, binary: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(PGBIN / binary), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(  # noqa: S603 - PostgreSQL's own binaries, our arguments
            command, capture_output=True, text=True, check=check, timeout=120
        )

    def dsn(self, port: int, db: str = "pantau") -> str:
        return f"host=127.0.0.1 port={port} user=postgres dbname={db} connect_timeout=5"

    def url(self, port: int) -> str:
        return f"postgres://postgres@127.0.0.1:{port}/pantau"

    def sql(self, port: int, query: str, params=None):
        with psycopg.connect(self.dsn(port), autocommit=True) as conn:
            cur = conn.execute(query, params)
            return cur.fetchall() if cur.description else None

    def primary(self, query: str, params=None):
        return self.sql(self.primary_port, query, params)

    def replica(self, query: str, params=None):
        return self.sql(self.replica_port, query, params)

    def start(self, name: str) -> None:
        self.pg("pg_ctl", "-D", str(self.folder / name), "-l", str(self.folder / f"{name}.log"),
                "-w", "-t", "60", "start")  # fmt: skip

    def stop(self, name: str) -> None:
        self.pg("pg_ctl", "-D", str(self.folder / name), "-m", "fast", "-w", "stop")

    def running(self, name: str) -> bool:
        return (
            self.pg("pg_ctl", "-D", str(self.folder / name), "status", check=False).returncode == 0
        )

    def wait_caught_up(self) -> None:
        target = self.primary("SELECT pg_current_wal_lsn()::text")[0][0]
        for _ in range(300):
            if self.replica("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])[0][0]:
                return
            time.sleep(0.05)
        raise AssertionError("the replica did not catch up within 15 s")

    def set_name(self, name: str) -> None:
        self.primary("UPDATE organisations_pemda SET nama = %s WHERE kode = %s", [name, PEMDA_KODE])

    def serve(self, **env: str) -> tuple[str, Path]:
        """Start gunicorn (one worker: one process's view of the replica) and wait for it."""
        port = self.app_port
        if self.servers:  # a second server: the next port of the range, else any free one
            fixed = os.environ.get("PANTAU_REPLICA_TEST_PORT")
            port = self.app_port + 2 + len(self.servers) if fixed else _free_ports(1)[0]
        log = self.folder / f"app-{len(self.servers)}.log"
        base = {k: v for k, v in os.environ.items() if not k.startswith(("PANTAU_", "DATABASE"))}
        base.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            PANTAU_DATA_DIR=str(self.folder / f"data-{len(self.servers)}"),
            DATABASE_URL=self.url(self.primary_port),
            DATABASE_REPLICA_URL=self.url(self.replica_port),
            PANTAU_OPENDATA_PEMDA=PEMDA_KODE,
            PANTAU_RATE_LOGIN="0",
            REDIS_URL="",
            PANTAU_LOG_LEVEL="INFO",
            **env,
        )
        server = subprocess.Popen(  # noqa: S603 - the project's own gunicorn
            [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi:application",
             "--workers", "1", "--bind", f"127.0.0.1:{port}", "--timeout", "120",
             "--no-control-socket"],
            cwd=ROOT, env=base, stdout=log.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.servers.append((server, log))
        for _ in range(600):
            if server.poll() is not None:
                raise AssertionError(f"gunicorn stopped: {log.read_text()[-2000:]}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                return f"http://127.0.0.1:{port}", log
            time.sleep(0.1)
        raise AssertionError("gunicorn did not start within 60 s")

    def close(self) -> None:
        for server, _log in self.servers:
            server.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        for name in ("replica", "primary"):
            if (self.folder / name).exists():
                self.pg("pg_ctl", "-D", str(self.folder / name), "-m", "immediate", "stop",
                        check=False)  # fmt: skip


def _build(cl: Clusters) -> None:
    cl.pg("initdb", "-D", str(cl.folder / "primary"), "-U", "postgres", "-A", "trust",
          "--no-sync", "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
    with (cl.folder / "primary" / "postgresql.conf").open("a") as conf:
        conf.write(
            f"port = {cl.primary_port}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{cl.folder}'\nshared_buffers = 16MB\n"
            "max_connections = 30\nwal_level = replica\nmax_wal_senders = 4\n"
            "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
        )
    with (cl.folder / "primary" / "pg_hba.conf").open("a") as hba:
        hba.write("host replication postgres 127.0.0.1/32 trust\n")
    cl.start("primary")
    with psycopg.connect(cl.dsn(cl.primary_port, "postgres"), autocommit=True) as conn:
        conn.execute("CREATE DATABASE pantau")
    # the schema of the migrated test database (what `migrate` makes, without running it again)
    test_db = connection.settings_dict
    dump = cl.folder / "schema.dump"
    env = {**os.environ, "PGPASSWORD": test_db.get("PASSWORD") or ""}
    subprocess.run(  # noqa: S603 - PostgreSQL's own binaries, our arguments
        [str(PGBIN / "pg_dump"), "-Fc", "--no-owner", "-h", test_db.get("HOST") or "127.0.0.1",
         "-p", str(test_db.get("PORT") or 5432), "-U", test_db.get("USER") or "postgres",
         "-f", str(dump), test_db["NAME"]],
        check=True, env=env, capture_output=True, timeout=120,
    )  # fmt: skip
    subprocess.run(  # noqa: S603 - PostgreSQL's own binaries, our arguments
        [str(PGBIN / "pg_restore"), "--no-owner", "-h", "127.0.0.1", "-p", str(cl.primary_port),
         "-U", "postgres", "-d", "pantau", str(dump)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    # rows other tests committed (none normally: pytest-django flushes) do not matter: the
    # app serves the catalogue of PEMDA_KODE (PANTAU_OPENDATA_PEMDA)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PANTAU_", "DATABASE"))}
    env.update(
        DATABASE_URL=cl.url(cl.primary_port),
        PANTAU_DATA_DIR=str(cl.folder / "seed"),
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    seeded = subprocess.run(  # noqa: S603 - this interpreter with a constant script
        [sys.executable, "manage.py", "shell", "-c", SEED],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert seeded.returncode == 0, seeded.stderr
    cl.pg("pg_basebackup", "-h", "127.0.0.1", "-p", str(cl.primary_port), "-U", "postgres",
          "-D", str(cl.folder / "replica"), "-R", "-X", "stream", "-c", "fast")  # fmt: skip
    with (cl.folder / "replica" / "postgresql.conf").open("a") as conf:
        conf.write(f"port = {cl.replica_port}\nhot_standby = on\n")
    cl.start("replica")
    cl.wait_caught_up()


@pytest.fixture(scope="module")
def clusters(django_db_setup, django_db_blocker):
    folder = Path(tempfile.mkdtemp(prefix="pantau-replika-"))
    user = _postgres_user()
    if os.geteuid() == 0 and user is not None:
        os.chown(folder, user.pw_uid, user.pw_gid)
    app_port, primary_port, replica_port = _free_ports(3)
    cl = Clusters(folder, app_port, primary_port, replica_port)
    try:
        with django_db_blocker.unblock():
            _build(cl)
        # a lag limit far above the test's pauses: the replica stays readable while paused
        cl.app, cl.app_log = cl.serve(
            PANTAU_REPLICA_MAX_LAG_SECONDS="600",
            PANTAU_REPLICA_PIN_SECONDS="600",
            PANTAU_REPLICA_RETRY_SECONDS="1",
        )
        yield cl
    finally:
        cl.close()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def cl(clusters):
    """Both clusters running, replay running and caught up, the pemda's old name everywhere."""
    for name in ("primary", "replica"):
        if not clusters.running(name):
            clusters.start(name)
    with contextlib.suppress(psycopg.Error):
        clusters.replica("SELECT pg_wal_replay_resume()")
    clusters.set_name(OLD_NAME)
    clusters.wait_caught_up()
    time.sleep(1.1)  # RETRY_SECONDS: a replica the app saw down is tried again
    yield clusters
    with contextlib.suppress(psycopg.Error):
        clusters.replica("SELECT pg_wal_replay_resume()")


def page(base: str, path: str = "/publik/", session=None, **kw) -> requests.Response:
    return (session or requests).get(base + path, timeout=60, allow_redirects=False, **kw)


def paused_with(cl: Clusters, name: str) -> None:
    """Replay paused on the replica, then `name` written on the primary only."""
    before = cl.replica("SELECT nama FROM organisations_pemda WHERE kode = %s", [PEMDA_KODE])
    cl.replica("SELECT pg_wal_replay_pause()")
    for _ in range(100):
        if cl.replica("SELECT pg_get_wal_replay_pause_state()")[0][0] == "paused":
            break
        time.sleep(0.05)
    cl.set_name(name)
    cl.primary("SELECT pg_switch_wal()")  # the change reaches the replica, unreplayed
    assert (
        cl.replica("SELECT nama FROM organisations_pemda WHERE kode = %s", [PEMDA_KODE]) == before
    )


def test_public_pages_read_the_replica_and_a_writer_reads_the_primary(cl):
    paused_with(cl, "Kota Penanda Satu")
    visitor = page(cl.app)
    assert visitor.status_code == 200
    assert OLD_NAME in visitor.text and "Kota Penanda Satu" not in visitor.text
    api = page(cl.app, "/api/3/action/organization_list?all_fields=true")
    assert api.status_code == 200
    # a person who just wrote (signing in writes the session) reads the primary: their write
    writer = requests.Session()
    form = page(cl.app, "/masuk/", session=writer)
    token = writer.cookies["csrftoken"]
    signed_in = writer.post(
        cl.app + "/masuk/",
        data={"username": USER, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": cl.app + "/masuk/"},
        timeout=60,
        allow_redirects=False,
    )
    assert form.status_code == 200 and signed_in.status_code == 302, signed_in.text[:500]
    assert "pantau_baca_utama" in writer.cookies
    assert "Kota Penanda Satu" in page(cl.app, session=writer).text
    # the pin is signed: a forged one is ignored and the replica is read
    forged = page(cl.app, cookies={"pantau_baca_utama": "1"})
    assert OLD_NAME in forged.text
    # replay resumed: the change reaches the replica, and visitors see it
    cl.replica("SELECT pg_wal_replay_resume()")
    cl.wait_caught_up()
    assert "Kota Penanda Satu" in page(cl.app).text


def test_a_replica_beyond_the_lag_limit_is_not_read(cl):
    strict, strict_log = cl.serve(
        PANTAU_REPLICA_MAX_LAG_SECONDS="1", PANTAU_REPLICA_PIN_SECONDS="5"
    )
    assert OLD_NAME in page(strict).text  # caught up: replica (or primary: same name)
    paused_with(cl, "Kota Penanda Dua")
    for _ in range(100):  # the replica's last replayed transaction is older than 1 s
        age = cl.replica("SELECT EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())")
        if age[0][0] is not None and age[0][0] > 1.5:
            break
        time.sleep(0.1)
    time.sleep(1.1)  # the app's last health check answer expires
    assert "Kota Penanda Dua" in page(strict).text  # 1 s limit: the primary
    assert OLD_NAME in page(cl.app).text  # 600 s limit, same moment: the replica
    assert "Replica lags" in strict_log.read_text()


def test_a_stopped_replica_sends_reads_to_the_primary_with_a_warning(cl):
    paused_with(cl, "Kota Penanda Tiga")
    cl.stop("replica")
    before = cl.app_log.read_text()
    first = page(cl.app)
    assert first.status_code == 200 and "Kota Penanda Tiga" in first.text
    started = time.monotonic()
    assert "Kota Penanda Tiga" in page(cl.app).text  # remembered: no new connect attempt
    assert time.monotonic() - started < 5
    log = cl.app_log.read_text()[len(before) :]
    assert "Database replica unreachable" in log and "Traceback" not in log
    # back up (replay resumes at start): after RETRY_SECONDS the replica is read again
    cl.start("replica")
    cl.wait_caught_up()
    time.sleep(1.1)
    paused_with(cl, "Kota Penanda Empat")
    assert "Kota Penanda Tiga" in page(cl.app).text


def test_a_replica_stopped_mid_request_is_served_from_the_primary(cl):
    """A page is held inside a replica query (the primary's exclusive lock on the OPD table,
    replayed on the replica, blocks it after the page's first queries ran there); the replica
    stops under it; the page runs again on the primary and is served."""
    assert page(cl.app).status_code == 200  # the health check is fresh, the replica in use
    before = cl.app_log.read_text()
    locker = psycopg.connect(cl.dsn(cl.primary_port))
    try:
        locker.execute("LOCK TABLE organisations_opd IN ACCESS EXCLUSIVE MODE")
        cl.primary("SELECT pg_switch_wal()")  # ship the lock record to the replica now
        result: dict = {}
        worker = threading.Thread(target=lambda: result.update(r=page(cl.app)))
        worker.start()
        waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%%organisations_opd%%'"  # noqa: E501
        for _ in range(300):
            if cl.replica(waiting)[0][0]:
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the page never waited on the replica")
        cl.stop("replica")
        for _ in range(300):
            if cl.primary(waiting)[0][0]:
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the page never ran again on the primary")
    finally:
        locker.rollback()
        locker.close()
    worker.join(timeout=60)
    assert result["r"].status_code == 200 and OLD_NAME in result["r"].text
    log = cl.app_log.read_text()[len(before) :]
    assert "A replica read failed mid-request /publik/" in log


def test_a_database_restart_is_survived_and_an_outage_answers_503(cl):
    assert page(cl.app, "/").status_code == 302  # a persistent connection to the primary
    cl.pg("pg_ctl", "-D", str(cl.folder / "primary"), "-m", "fast", "-w", "restart",
          "-l", str(cl.folder / "primary.log"))  # fmt: skip
    assert page(cl.app, "/").status_code == 302  # the next request works (health-checked)
    cl.stop("primary")
    try:
        down = page(cl.app, "/")
        assert down.status_code == 503 and down.headers["Retry-After"] == "10"
        assert "Basis data sedang tidak dapat dihubungi" in down.text
        assert "Traceback" not in down.text
        english = page(cl.app, "/", cookies={"django_language": "en"})
        assert english.status_code == 503 and "The database cannot be reached" in english.text
        api = page(cl.app, "/api/3/action/package_list?x=1", cookies={"django_language": "en"})
        assert api.status_code == 503 and api.json()["success"] is False
        # the public portal keeps being served from the replica meanwhile
        assert OLD_NAME in page(cl.app).text
    finally:
        cl.start("primary")
    assert page(cl.app, "/").status_code == 302
    assert "Database unreachable while serving GET /" in cl.app_log.read_text()
