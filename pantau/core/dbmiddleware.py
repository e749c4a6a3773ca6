"""The database behind the pages: read-your-writes for the replica router, and a clear 503 when
the database cannot be reached (decision 0036, docs/scale-out.md).

`DatabaseUnavailableMiddleware` comes first in MIDDLEWARE: an answer that failed because the
database could not be reached (a connection refused or lost, a server starting up or shutting
down), wherever it failed (a view, the session or sign-in middleware), is replaced by a 503 page
in the reader's language with `Retry-After`, instead of a 500 (or, with PANTAU_DEBUG, a
traceback page). Django's persistent connections are health-checked (`CONN_HEALTH_CHECKS`), so
the first request after the database is back is served normally.

`ReplicaMiddleware` keeps the router's per-request state and, after every successful unsafe
request (POST, PUT, PATCH, DELETE), sets the signed pin cookie that keeps that browser's reads
on the primary for REPLICA_PIN_SECONDS: what a person just saved is what they see next.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _

from pantau.core import dbrouter

_log = logging.getLogger("pantau.database")
RETRY_AFTER_SECONDS = 10
_FLAG = "_pantau_database_unavailable"

# SQLSTATE classes of a database that cannot be reached: 08 connection exceptions, 57P01-03
# shutdown by the administrator, crash shutdown, "the database system is starting up".
_UNREACHABLE_STATES = ("08", "57P01", "57P02", "57P03")
_SQLITE_UNREACHABLE = ("database is locked", "unable to open database file", "disk i/o error")


def database_unreachable(exc: BaseException | None) -> bool:
    """True for errors that mean "the database cannot be reached now", not "this query is
    wrong": a lost or refused connection, a server shutting down or starting, a busy SQLite."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate is not None:
        return sqlstate.startswith(_UNREACHABLE_STATES)
    module = type(cause).__module__ if cause is not None else ""
    if module.startswith("psycopg"):
        return True  # no SQLSTATE: refused, timed out or closed before the server answered
    return str(exc).lower().startswith(_SQLITE_UNREACHABLE)


def _remember(sender, request=None, **kwargs) -> None:
    import sys

    exc = sys.exc_info()[1]
    if request is not None and database_unreachable(exc):
        setattr(request, _FLAG, exc)


got_request_exception.connect(_remember, dispatch_uid="pantau.core.dbmiddleware")


def _language(request) -> str:
    lang = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return lang if lang in {code for code, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE


def unavailable_response(request) -> HttpResponse:
    """The 503 answer: a standalone page (the site's menu would read the database again), a
    CKAN-style JSON envelope on the API paths."""
    with translation.override(_language(request)):
        if request.path.startswith("/api"):
            response = JsonResponse(
                {
                    "success": False,
                    "error": {
                        "__type": "Service Unavailable",
                        "message": _(
                            "Basis data sedang tidak dapat dihubungi. Coba lagi dalam "
                            "beberapa saat."
                        ),
                    },
                },
                status=503,
                json_dumps_params={"ensure_ascii": False},
            )
        else:
            body = loader.get_template("503.html").render(
                {"LANG": translation.get_language(), "detik": RETRY_AFTER_SECONDS}
            )
            response = HttpResponse(body, status=503)
        response.headers["Content-Language"] = translation.get_language()
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        exc = getattr(request, _FLAG, None)
        if exc is not None and response.status_code == 500:
            _log.error(
                "Basis data tidak dapat dihubungi saat melayani %s %s; dijawab 503. / Database "
                "unreachable while serving %s %s; answered 503. (%s)",
                request.method,
                request.path,
                request.method,
                request.path,
                str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__,
            )
            return unavailable_response(request)
        return response


class ReplicaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = dbrouter.request_begin()
        try:
            response = self.get_response(request)
        finally:
            dbrouter.request_end(token)
        if (
            dbrouter.replica_configured()
            and request.method not in dbrouter.SAFE_METHODS
            and response.status_code < 400
        ):
            response.set_signed_cookie(
                dbrouter.PIN_COOKIE,
                str(int(time.time())),
                salt=dbrouter.PIN_SALT,
                max_age=settings.REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
