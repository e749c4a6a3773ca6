"""Reads from a PostgreSQL streaming replica where that is safe (decision 0036, docs/scale-out.md).

With `DATABASE_REPLICA_URL` set, settings add the alias `replica` and this router. Every write
goes to the primary (`default`). A read goes to the replica only when all of these hold:

- it happens inside a view marked `@replica_readable` (the leadership dashboard and the public
  portal, CKAN API and DCAT feeds), for a safe method (GET, HEAD, OPTIONS);
- the browser sent no read-your-writes pin (a signed cookie that `ReplicaMiddleware` sets on
  every successful unsafe request, valid `REPLICA_PIN_SECONDS`);
- the request has not written anything yet, and no transaction is open on the primary;
- the model is not one whose freshness decides access (sessions, accounts, lockouts, second
  factors, memberships, profiles and the list of sessions: `PRIMARY_ONLY`);
- the replica answered the last health check (at most `CHECK_SECONDS` old), is a hot standby,
  and lags no more than `REPLICA_MAX_LAG_SECONDS`. An unreachable replica is left alone for
  `REPLICA_RETRY_SECONDS`, so requests do not each wait for a connect timeout.

When a query on the replica fails in the middle of a marked view (the replica stopped, a
recovery conflict cancelled the query), the view runs again on the primary and a warning is
logged: the person sees the page, not an error.

Without a replica (every SQLite install, a PostgreSQL install without `DATABASE_REPLICA_URL`)
the router is not installed and nothing here runs.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections

PRIMARY = "default"
REPLICA = "replica"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PIN_COOKIE = "pantau_baca_utama"
PIN_SALT = "pantau.core.dbrouter.pin"
CHECK_SECONDS = 1.0  # how long one health check's answer is trusted
# read on the primary always: what decides who may see what must be current
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "admin", "contenttypes", "axes", "otp_totp"})
PRIMARY_ONLY_MODELS = frozenset(
    {("organisations", "membership"), ("organisations", "profil"), ("organisations", "sesimasuk")}
)

_log = logging.getLogger("pantau.replica")


@dataclass
class RequestReads:
    """What the router knows about the request being served (one per request)."""

    replica: bool = False  # inside a replica-readable view that may read there
    wrote: bool = False  # anything was written (or a write was routed) in this request
    used_replica: bool = False  # the router sent at least one read to the replica


_current: ContextVar[RequestReads | None] = ContextVar("pantau_request_reads", default=None)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


# --- the replica's health, per process ---------------------------------------------------------


@dataclass
class _Health:
    until: float = 0.0  # monotonic time until which `usable` stands
    usable: bool = False
    reason: str = ""  # why not usable, for the log and docs: down, not-standby, lag
    lag: float | None = None


_health = _Health()
_health_lock = threading.Lock()

# The replica's own view: is it a standby, has it replayed what the primary had a moment ago
# (or, with the primary unknown, everything it received), and how old its last replayed
# transaction is. `pg_last_wal_replay_lsn() >= primary's current LSN` means no lag at all.
_REPLICA_SQL = """
SELECT pg_is_in_recovery(),
       COALESCE(pg_last_wal_replay_lsn() >= COALESCE(%s::pg_lsn, pg_last_wal_receive_lsn()),
                false),
       EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8
"""


def _close_quietly(alias: str) -> None:
    with contextlib.suppress(DatabaseError):  # a broken connection cannot close cleanly
        connections[alias].close()


def _primary_lsn() -> str | None:
    try:
        with connections[PRIMARY].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            return cursor.fetchone()[0]
    except DatabaseError:
        # the primary unreachable: judge the replica by what it received (the primary can
        # take no writes meanwhile); the request's own primary reads will answer 503
        return None


def _check() -> tuple[bool, str, float | None]:
    lsn = _primary_lsn()
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(_REPLICA_SQL, [lsn])
            standby, caught_up, age = cursor.fetchone()
    except (OperationalError, InterfaceError) as exc:
        _close_quietly(REPLICA)
        return False, f"down: {str(exc).strip().splitlines()[0] if str(exc) else exc!r}", None
    if not standby:
        return False, "not-standby", None
    lag = 0.0 if caught_up else (age if age is not None else float("inf"))
    if lag > settings.REPLICA_MAX_LAG_SECONDS:
        return False, "lag", lag
    return True, "", lag


def replica_usable(*, force: bool = False) -> bool:
    """True when reads may go to the replica now; checked at most once per CHECK_SECONDS (an
    unreachable replica: once per REPLICA_RETRY_SECONDS) in this process."""
    if not replica_configured():
        return False
    if not force and time.monotonic() < _health.until:
        return _health.usable
    with _health_lock:
        now = time.monotonic()
        if not force and now < _health.until:
            return _health.usable
        was_usable, was_reason = _health.usable, _health.reason
        usable, reason, lag = _check()
        down = reason.startswith("down")
        _health.usable, _health.reason, _health.lag = usable, reason, lag
        _health.until = time.monotonic() + (
            settings.REPLICA_RETRY_SECONDS if down else CHECK_SECONDS
        )
    if down:
        _log.warning(
            "Replika basis data tidak dapat dihubungi; pembacaan dilayani primer, dicoba lagi "
            "dalam %s detik. / Database replica unreachable; reads served by the primary, "
            "retried in %s s. (%s)",
            settings.REPLICA_RETRY_SECONDS,
            settings.REPLICA_RETRY_SECONDS,
            reason,
        )
    elif reason == "lag" and (was_usable or was_reason != "lag"):
        _log.warning(
            "Replika tertinggal %.1f detik (batas %s); pembacaan dilayani primer. / Replica "
            "lags %.1f s (limit %s); reads served by the primary.",
            lag,
            settings.REPLICA_MAX_LAG_SECONDS,
            lag,
            settings.REPLICA_MAX_LAG_SECONDS,
        )
    elif reason == "not-standby" and reason != was_reason:
        _log.error(
            "DATABASE_REPLICA_URL bukan hot standby (pg_is_in_recovery() = false); tidak "
            "dipakai. / DATABASE_REPLICA_URL is not a hot standby; not used."
        )
    elif usable and not was_usable and was_reason:
        _log.info("Replika dipakai lagi. / Replica in use again.")
    return usable


def replica_status() -> dict:
    """The last health check's answer (for health pages and the logs)."""
    return {
        "configured": replica_configured(),
        "usable": _health.usable,
        "reason": _health.reason,
        "lag_seconds": _health.lag,
    }


def forget_replica_health() -> None:
    """Check again at the next read (tests; after an operator fixed the replica)."""
    _health.until = 0.0


# --- the request ------------------------------------------------------------------------------


def pinned(request) -> bool:
    """The browser wrote within the last REPLICA_PIN_SECONDS (its signed pin cookie)."""
    if PIN_COOKIE not in request.COOKIES:
        return False
    value = request.get_signed_cookie(
        PIN_COOKIE, default=None, salt=PIN_SALT, max_age=settings.REPLICA_PIN_SECONDS
    )
    return value is not None


def request_begin() -> object:
    return _current.set(RequestReads())


def request_end(token) -> RequestReads | None:
    state = _current.get()
    _current.reset(token)
    return state


def _rendered(response):
    if callable(getattr(response, "render", None)) and not response.is_rendered:
        response.render()  # a TemplateResponse reads its queries now, while the replica is on
    return response


def _retry_reason(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__


def replica_readable(view):
    """Mark a view whose safe requests may read from the replica (see the module's rules)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        state = _current.get()
        if (
            state is None
            or state.replica
            or state.wrote
            or request.method not in SAFE_METHODS
            or not replica_configured()
            or connections[PRIMARY].in_atomic_block
            or pinned(request)
            or not replica_usable()
        ):
            return view(request, *args, **kwargs)
        state.replica = True
        try:
            return _rendered(view(request, *args, **kwargs))
        except (OperationalError, InterfaceError) as exc:
            if not state.used_replica or state.wrote:
                raise
            state.replica = False
            _close_quietly(REPLICA)
            replica_usable(force=True)  # down: remembered for REPLICA_RETRY_SECONDS
            _log.warning(
                "Pembacaan dari replika gagal di tengah permintaan %s; diulang di primer. / "
                "A replica read failed mid-request %s; served again from the primary. (%s)",
                request.path,
                request.path,
                _retry_reason(exc),
            )
            return view(request, *args, **kwargs)
        finally:
            state.replica = False

    wrapper.replica_readable = True
    return wrapper


class ReplicaRouter:
    """DATABASE_ROUTERS entry when a replica is configured."""

    def db_for_read(self, model, **hints):
        state = _current.get()
        if state is None or not state.replica or state.wrote:
            return PRIMARY
        meta = model._meta
        if meta.app_label in PRIMARY_ONLY_APPS or (meta.app_label, meta.model_name) in (
            PRIMARY_ONLY_MODELS
        ):
            return PRIMARY
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY
        state.used_replica = True
        return REPLICA

    def db_for_write(self, model, **hints):
        state = _current.get()
        if state is not None:
            state.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # the replica holds the primary's very rows: objects read from either relate freely
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA, None}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY
