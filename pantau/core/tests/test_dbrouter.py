"""The replica router's rules, the read-your-writes pin and the 503 for an unreachable database,
without a replica (the real one: test_replica.py). Decision 0036."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError, ProgrammingError, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import path, resolve

from pantau.core import dbmiddleware, dbrouter
from pantau.organisations.models import Membership, Opd, Pemda

ROOT = Path(__file__).resolve().parents[3]
router = dbrouter.ReplicaRouter()


@pytest.fixture
def replica_on(monkeypatch):
    """As if a fresh replica were configured (no query is made to it here)."""
    monkeypatch.setattr(dbrouter, "replica_configured", lambda: True)
    monkeypatch.setattr(dbrouter, "replica_usable", lambda **kw: True)
    monkeypatch.setattr(dbrouter, "_close_quietly", lambda alias: None)


def served(view, request):
    token = dbrouter.request_begin()
    try:
        return view(request)
    finally:
        dbrouter.request_end(token)


@dbrouter.replica_readable
def where_pemda_is_read(request):
    return HttpResponse(router.db_for_read(Pemda))


class TestRouter:
    def test_reads_outside_a_marked_view_and_writes_go_to_the_primary(self):
        assert router.db_for_read(Pemda) == "default"
        assert router.db_for_write(Pemda) == "default"
        token = dbrouter.request_begin()
        try:
            assert router.db_for_read(Opd) == "default"
        finally:
            dbrouter.request_end(token)

    def test_only_the_primary_is_migrated(self):
        assert router.allow_migrate("default", "organisations")
        assert not router.allow_migrate("replica", "organisations")

    def test_inside_a_marked_view_reads_go_to_the_replica_but_access_rows_do_not(self, replica_on):
        @dbrouter.replica_readable
        def view(request):
            return HttpResponse(
                json.dumps([router.db_for_read(m) for m in (Pemda, Opd, Membership, Session)])
            )

        res = served(view, RequestFactory().get("/"))
        assert json.loads(res.content) == ["replica", "replica", "default", "default"]

    def test_after_a_write_the_request_reads_the_primary(self, replica_on):
        @dbrouter.replica_readable
        def view(request):
            first = router.db_for_read(Pemda)
            router.db_for_write(Pemda)
            return HttpResponse(f"{first} {router.db_for_read(Pemda)}")

        assert served(view, RequestFactory().get("/")).content == b"replica default"

    @pytest.mark.django_db
    def test_inside_a_transaction_reads_go_to_the_primary(self, replica_on):
        @dbrouter.replica_readable
        def view(request):
            with transaction.atomic():
                return HttpResponse(router.db_for_read(Pemda))

        assert served(view, RequestFactory().get("/")).content == b"default"

    def test_unsafe_methods_pinned_browsers_and_no_replica_read_the_primary(
        self, replica_on, monkeypatch
    ):
        rf = RequestFactory()
        assert served(where_pemda_is_read, rf.get("/")).content == b"replica"
        assert served(where_pemda_is_read, rf.post("/")).content == b"default"
        pin = HttpResponse()
        pin.set_signed_cookie(dbrouter.PIN_COOKIE, "1", salt=dbrouter.PIN_SALT)
        pinned = rf.get("/")
        pinned.COOKIES[dbrouter.PIN_COOKIE] = pin.cookies[dbrouter.PIN_COOKIE].value
        assert served(where_pemda_is_read, pinned).content == b"default"
        forged = rf.get("/")
        forged.COOKIES[dbrouter.PIN_COOKIE] = "1"
        assert served(where_pemda_is_read, forged).content == b"replica"
        monkeypatch.setattr(dbrouter, "replica_usable", lambda **kw: False)
        assert served(where_pemda_is_read, rf.get("/")).content == b"default"

    def test_without_a_replica_nothing_changes(self):
        assert not dbrouter.replica_configured()  # the suite runs without DATABASE_REPLICA_URL
        assert served(where_pemda_is_read, RequestFactory().get("/")).content == b"default"


class TestMidRequestFallback:
    def test_a_failed_replica_read_runs_the_view_again_on_the_primary(self, replica_on, caplog):
        calls = []

        @dbrouter.replica_readable
        def view(request):
            calls.append(router.db_for_read(Pemda))
            if len(calls) == 1:
                raise OperationalError("terminating connection due to administrator command")
            return HttpResponse("ok")

        with caplog.at_level(logging.WARNING, logger="pantau.replica"):
            res = served(view, RequestFactory().get("/publik/"))
        assert res.content == b"ok" and calls == ["replica", "default"]
        assert "mid-request /publik/" in caplog.text

    def test_a_request_that_wrote_is_not_run_twice(self, replica_on):
        calls = []

        @dbrouter.replica_readable
        def view(request):
            calls.append(router.db_for_read(Pemda))
            router.db_for_write(Pemda)
            raise OperationalError("server closed the connection unexpectedly")

        with pytest.raises(OperationalError):
            served(view, RequestFactory().get("/"))
        assert calls == ["replica"]


class TestPin:
    def respond(self, request, status=200):
        middleware = dbmiddleware.ReplicaMiddleware(lambda r: HttpResponse(status=status))
        return middleware(request)

    def test_a_successful_post_pins_the_browser_to_the_primary(self, replica_on):
        rf = RequestFactory()
        assert dbrouter.PIN_COOKIE in self.respond(rf.post("/")).cookies
        assert dbrouter.PIN_COOKIE in self.respond(rf.post("/"), status=302).cookies
        assert dbrouter.PIN_COOKIE not in self.respond(rf.get("/")).cookies
        assert dbrouter.PIN_COOKIE not in self.respond(rf.post("/"), status=403).cookies

    def test_no_pin_without_a_replica(self):
        assert dbrouter.PIN_COOKIE not in self.respond(RequestFactory().post("/")).cookies


def test_dashboards_portal_ckan_and_dcat_are_marked_and_work_pages_are_not():
    marked = [
        "/dasbor/", "/dasbor/rincian/opd/", "/publik/", "/publik/kegiatan/", "/dataset/",
        "/dataset/x/", "/catalog.ttl", "/sitemap.xml", "/api/3/action/package_list", "/api/3",
    ]  # fmt: skip
    for url in marked:
        assert getattr(resolve(url).func, "replica_readable", False), url
    for url in ("/monitoring/", "/kelola/", "/masuk/", "/audit/", "/opd/"):
        assert not getattr(resolve(url).func, "replica_readable", False), url


# --- the database cannot be reached: 503 -----------------------------------------------------


def _unreachable(request):
    try:
        raise psycopg.OperationalError("connection refused")
    except psycopg.OperationalError as exc:
        raise OperationalError("connection failed: connection refused") from exc


def _broken_query(request):
    raise ProgrammingError('relation "x" does not exist')


urlpatterns = [path("putus/", _unreachable), path("rusak/", _broken_query)]


@pytest.mark.urls(__name__)
class TestUnreachableDatabase:
    def test_an_unreachable_database_answers_503_in_words(self, client):
        client.raise_request_exception = False
        res = client.get("/putus/")
        assert res.status_code == 503 and res["Retry-After"] == "10"
        assert "Basis data sedang tidak dapat dihubungi" in res.content.decode()
        client.cookies["django_language"] = "en"
        res = client.get("/putus/")
        assert res.status_code == 503 and "The database cannot be reached" in res.content.decode()

    def test_a_wrong_query_stays_a_server_error(self, client):
        client.raise_request_exception = False
        assert client.get("/rusak/").status_code == 500

    def test_which_errors_mean_unreachable(self):
        locked = OperationalError("database is locked")
        assert dbmiddleware.database_unreachable(locked)
        assert not dbmiddleware.database_unreachable(OperationalError("no such table: x"))
        try:
            raise OperationalError("deadlock") from psycopg.errors.DeadlockDetected("deadlock")
        except OperationalError as exc:
            assert not dbmiddleware.database_unreachable(exc)
        try:
            raise OperationalError("shut") from psycopg.errors.AdminShutdown("terminating")
        except OperationalError as exc:
            assert dbmiddleware.database_unreachable(exc)


# --- settings --------------------------------------------------------------------------------


def _settings(**env) -> subprocess.CompletedProcess:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'replica': s.DATABASES.get('replica'), 'routers': s.DATABASE_ROUTERS},"
        " default=str))"
    )
    full = {k: v for k, v in os.environ.items() if not k.startswith(("PANTAU_", "DATABASE"))}
    full.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run(  # noqa: S603 - this interpreter with a constant script
        [sys.executable, "-c", code], cwd=ROOT, env=full, capture_output=True, text=True
    )


def test_the_replica_setting_adds_a_mirrored_read_only_alias_and_the_router(tmp_path):
    got = _settings(
        PANTAU_DATA_DIR=str(tmp_path),
        DATABASE_URL="postgres://pantau@db:5432/pantau",
        DATABASE_REPLICA_URL="postgres://pantau@replika:5432/pantau",
    )
    assert got.returncode == 0, got.stderr
    cfg = json.loads(got.stdout.strip().splitlines()[-1])
    assert cfg["routers"] == ["pantau.core.dbrouter.ReplicaRouter"]
    assert cfg["replica"]["HOST"] == "replika" and cfg["replica"]["TEST"]["MIRROR"] == "default"
    assert cfg["replica"]["OPTIONS"]["connect_timeout"] == 2
    assert cfg["replica"]["CONN_HEALTH_CHECKS"] is True


def test_a_replica_beside_sqlite_or_a_pin_shorter_than_the_lag_is_refused(tmp_path):
    sqlite = _settings(
        PANTAU_DATA_DIR=str(tmp_path), DATABASE_REPLICA_URL="postgres://pantau@replika/pantau"
    )
    assert sqlite.returncode != 0 and "DATABASE_REPLICA_URL hanya untuk PostgreSQL" in sqlite.stderr
    short = _settings(
        PANTAU_DATA_DIR=str(tmp_path),
        DATABASE_URL="postgres://pantau@db:5432/pantau",
        DATABASE_REPLICA_URL="postgres://pantau@replika:5432/pantau",
        PANTAU_REPLICA_MAX_LAG_SECONDS="30",
        PANTAU_REPLICA_PIN_SECONDS="10",
    )
    assert short.returncode != 0 and "PANTAU_REPLICA_PIN_SECONDS" in short.stderr
