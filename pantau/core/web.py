"""The web layer's own HTTP behaviour (docs/security.md, "Web layer: CSP, headers, no-store, rate
limits"; decision 0028).

- `NoStoreMiddleware`: every answer to a signed-in request (a session user or an API token) is
  `Cache-Control: no-store`, so that no browser, proxy or shared computer keeps a page or file
  that carries terbatas or rahasia data. Anonymous answers (the public portal, the open-data
  machine paths) keep the caching their views set. The service worker's Cache API is not HTTP
  caching: it keeps signed-in pages for offline reading unless the page is marked
  `Pantau-Offline: no` (`no_offline`), which every page and file showing a rahasia item carries.
- `SessionCookieGuardMiddleware`: a tampered session cookie that is not even shaped like a
  session key makes an anonymous visitor, never a database error.
- `SessionMiddleware`: Django's, except that an answer to a request whose session key no longer
  exists leaves the browser's cookie alone (only a flush in the request itself deletes it).
- `RateLimitMiddleware`: the budgets of `RATE_LIMITS`, keyed on the URL name and the method, so
  that the views themselves (sign-in, password reset, public search) stay as they are. Counting
  is django-ratelimit's, per client address (`pantau.core.clientip`), in the shared cache
  (`RATELIMIT_USE_CACHE`), so every worker process counts together. Over the budget: 429 with
  `Retry-After` and a page in the user's language.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.shortcuts import render
from django_ratelimit.core import get_usage

from pantau.core.clientip import client_address

OFFLINE_HEADER = "Pantau-Offline"
NO_STORE = "private, no-store"


def no_offline(response):
    """Mark an answer as not to be kept by the service worker (rahasia content) and not stored
    anywhere else either."""
    response[OFFLINE_HEADER] = "no"
    response["Cache-Control"] = NO_STORE
    return response


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    # the ninja API and the CKAN API take tokens in these headers
    return bool(request.META.get("HTTP_AUTHORIZATION") or request.META.get("HTTP_X_CKAN_API_KEY"))


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _signed_in(request):
            # replaces whatever the view set (`private, max-age=...` on evidence files included)
            response["Cache-Control"] = NO_STORE
        return response


SESSION_KEY = re.compile(r"^[a-z0-9]{8,64}$")


class SessionCookieGuardMiddleware:
    """Before SessionMiddleware: a session cookie that cannot be a session key (Django's keys are
    32 lower-case letters and digits) is dropped, so the visitor is simply anonymous. Without it
    a NUL byte in the cookie reached the session query and PostgreSQL refused it (a 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = settings.SESSION_COOKIE_NAME
        value = request.COOKIES.get(name)
        if value is not None and not SESSION_KEY.match(value):
            del request.COOKIES[name]
        return self.get_response(request)


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, except for a request that came with a key the store no
    longer has. Django answers such a request by deleting the session cookie, by name, whatever
    its value. A sign-in, the second factor and a password change give the session a new key
    and delete the old one; the requests the phone still has in flight with the old key (the
    service worker keeping the start and offline pages while the person types the code) then come
    back with that deletion, and when one of them reaches the browser after the sign-in's own
    answer, the browser drops the new cookie: the person is signed out a second after signing in
    (the queue journey's failures in CI, stops 18 and 19). Here only a flush in the request itself
    (signing out, a session ended by `SesiMiddleware`) deletes the cookie; a stale key left in the
    browser gives no rights and is replaced at the next sign-in."""

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        name = settings.SESSION_COOKIE_NAME
        if (
            session is not None
            and name in request.COOKIES
            and not session.modified
            and session.is_empty()
        ):
            request.COOKIES = {k: v for k, v in request.COOKIES.items() if k != name}
        return super().process_response(request, response)


def rule_for(request) -> tuple[str, str] | None:
    """(group, rate) of the budget this request counts against, or None."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    rate = settings.RATE_LIMITS.get(f"{match.view_name} {request.method}")
    if not rate:
        return None
    if match.view_name in settings.RATE_LIMITS_SEARCH_ONLY and not request.GET.get("q", "").strip():
        return None  # a portal list without a search term is a cached page, not a search
    return f"web:{match.view_name}:{request.method}", rate


class RateLimitMiddleware:
    """Runs after URL resolution (process_view): it needs the URL name."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        rule = rule_for(request)
        if rule is None or client_address(request) in settings.RATE_LIMITS_EXEMPT:
            return None
        group, rate = rule
        usage = get_usage(
            request, group=group, key=lambda _g, r: client_address(r), rate=rate, increment=True
        )
        if usage is None or not usage["should_limit"]:
            return None
        seconds = max(1, int(usage["time_left"]))
        response = render(request, "429.html", {"detik": seconds}, status=429)
        response["Retry-After"] = str(seconds)
        response["Cache-Control"] = "no-store"
        return response
