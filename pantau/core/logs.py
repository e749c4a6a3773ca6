"""Structured logs (decision 0035): a request id on every line of a request, one access line per
request, the task id on every line of a huey task, JSON in production.

- `RequestLogMiddleware` (first in MIDDLEWARE) takes the `X-Request-ID` the reverse proxy sends
  when it is sane (`REQUEST_ID_RE`), else makes one, keeps it in a contextvar for the request,
  returns it as the `X-Request-ID` response header and writes one line on the `pantau.access`
  logger when the answer is ready: method, path (never the query string; secret path parts
  such as a password-reset token replaced), status, duration_ms, user_id and pemda.
- `ContextFilter` (on the handlers in settings.LOGGING) copies the context onto every record, so
  any logger's line during a request or a task carries request_id / task_id.
- `JsonFormatter` (python-json-logger) writes one JSON object per line, time in UTC ISO 8601.
- `connect_huey()` (CoreConfig.ready) sets task_id while the consumer runs a task.

Never logged: usernames, passwords, tokens, cookies, codes, form fields or query strings; the
user appears only as the numeric id.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
import re
import time
import uuid

from django.utils.functional import SimpleLazyObject, empty
from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

# What nginx's $request_id (32 hex), a UUID or a load balancer's trace id look like; anything
# else (spaces, quotes, control characters, a line break meant to forge a log line, 200 bytes)
# is replaced by our own.
REQUEST_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")
REQUEST_ID_HEADER = "X-Request-ID"
# URL keyword arguments that carry a secret: their path part is logged as "-"
SECRET_PATH_KWARGS = frozenset({"token", "uidb64"})
# the fields every record carries (None when not in a request or a task)
CONTEXT_FIELDS = ("request_id", "task_id", "task", "method", "path", "user_id", "pemda")
# extras other loggers attach that must not be written: Django's `request` (its repr carries the
# query string), the development server's socket
DROPPED_EXTRAS = ("request", "server_time", "socket")

_context: contextvars.ContextVar[dict | None] = contextvars.ContextVar("pantau_log", default=None)
access_log = logging.getLogger("pantau.access")


def new_request_id() -> str:
    return uuid.uuid4().hex


def request_id_from(value: str | None) -> str:
    """The incoming id when it is sane, else a new one."""
    if value and REQUEST_ID_RE.fullmatch(value):
        return value
    return new_request_id()


def current() -> dict:
    """The fields of the request or task this code runs in (a copy; empty outside both)."""
    return dict(_context.get() or {})


def bind(**fields) -> None:
    """Adds fields to the current request's or task's context (e.g. `bind(pemda=3)` once the
    session names the pemda); outside a request or task it does nothing."""
    ctx = _context.get()
    if ctx is not None:
        ctx.update(fields)


class ContextFilter(logging.Filter):
    """Puts the request's or task's fields on every record (None where there is none)."""

    def filter(self, record: logging.LogRecord) -> bool:
        ctx = _context.get() or {}
        for name in CONTEXT_FIELDS:
            if not hasattr(record, name):
                setattr(record, name, ctx.get(name))
        return True


class JsonFormatter(_BaseJsonFormatter):
    """One JSON object per line: time (UTC, ISO 8601 with milliseconds), level, logger,
    message, the context fields, and whatever `extra=` a caller gave (status, duration_ms)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)

    def add_fields(self, log_data: dict, record: logging.LogRecord, message_dict: dict) -> None:
        super().add_fields(log_data, record, message_dict)
        moment = dt.datetime.fromtimestamp(record.created, tz=dt.UTC)
        log_data["time"] = moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        log_data["level"] = record.levelname
        log_data["logger"] = record.name
        for name in CONTEXT_FIELDS:
            log_data.setdefault(name, getattr(record, name, None))
        for name in ("levelname", "name", "asctime", *DROPPED_EXTRAS):
            log_data.pop(name, None)


class TextFormatter(logging.Formatter):
    """Development lines: `time level logger [request or task id] message`."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(context_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        record.context_id = (
            getattr(record, "request_id", None) or getattr(record, "task_id", None) or "-"
        )
        return super().format(record)


def json_formatter() -> JsonFormatter:
    """The formatter settings.LOGGING names (a factory: dictConfig's `()` key)."""
    return JsonFormatter("%(message)s")


def safe_path(request) -> str:
    """The request's path without the query string, secret URL arguments replaced by "-"."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name, value in match.kwargs.items():
            if name in SECRET_PATH_KWARGS and value:
                path = path.replace(f"/{value}/", "/-/")
    return path


def _user_id(request) -> int | None:
    """The signed-in person's id, when the request has already looked them up: the access
    line never makes a query of its own (the database may be the reason the request failed,
    and the 503 page must still reach the client)."""
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        return None
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.pk


class RequestLogMiddleware:
    """First middleware: a request id for every request, the header, one access line."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        ctx = {
            "request_id": request_id,
            "method": request.method,
            "path": request.path,
            "user_id": None,
            "pemda": None,
        }
        # kept until the response is closed (request_finished, below): Django's own "Not Found"
        # and error lines are written after the middleware has returned
        _context.set(ctx)
        started = time.perf_counter()
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        ctx["path"] = safe_path(request)
        ctx["user_id"] = _user_id(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        access_log.log(
            level,
            "%s %s %s %.1fms",
            request.method,
            ctx["path"],
            response.status_code,
            duration_ms,
            extra={"status": response.status_code, "duration_ms": duration_ms},
        )
        return response


def _request_finished(sender=None, **kwargs) -> None:
    _context.set(None)


def connect_requests() -> None:
    """The request's fields end with its response (Django's `request_finished`)."""
    from django.core.signals import request_finished

    request_finished.connect(_request_finished, dispatch_uid="pantau.core.logs")


# --- huey -----------------------------------------------------------------------------------

_TASK_END_SIGNALS = frozenset(
    {
        "complete",
        "error",
        "canceled",
        "interrupted",
        "timeout",
        "locked",
        "rate-limited",
        "revoked",
        "expired",
    }
)


def _huey_signal(signal: str, task, *args, **kwargs) -> None:
    from huey.signals import SIGNAL_EXECUTING

    if signal == SIGNAL_EXECUTING:
        _context.set({"task_id": task.id, "task": task.name})
    elif signal in _TASK_END_SIGNALS:
        _context.set(None)


def connect_huey() -> None:
    """The task id on every line of a task run by this process's huey consumer (its worker
    threads each have their own context)."""
    from huey.contrib.djhuey import HUEY

    HUEY.signal()(_huey_signal)
