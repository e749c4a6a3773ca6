"""Rate limits of the public machine interfaces (docs/quality.md R6: an API flood answers 429
and the server stays up): the CKAN Action API, dataset downloads and the DCAT feeds, counted
per client address once for all worker processes, in the `shared` cache (settings
`RATELIMIT_USE_CACHE`): Redis when configured, else the SQLite counter file every worker of the
machine opens (pantau/core/counters.py, decision 0016). Portal pages are not limited:
they are cheap, cached, and many visitors can share one address (a school, a government
office behind one NAT).

The counting is django-ratelimit's (a fixed window per address and group); addresses in
`OPENDATA_API_RATE_EXEMPT` (a national harvester, the pemda's own portal) are never limited."""

from __future__ import annotations

import functools

from django.conf import settings
from django.http import HttpResponse
from django_ratelimit.core import get_usage

from pantau.core.clientip import client_address

GROUP = "opendata-publik"
__all__ = ["client_address", "limited", "message", "wait_seconds"]


def wait_seconds(request) -> int | None:
    """None when the call may go ahead; else how many seconds until this address may call
    again (the call is counted either way, so a flood stays limited)."""
    rate = settings.OPENDATA_API_RATE
    if not rate or client_address(request) in settings.OPENDATA_API_RATE_EXEMPT:
        return None
    usage = get_usage(
        request, group=GROUP, key=lambda _g, r: client_address(r), rate=rate, increment=True
    )
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, int(usage["time_left"]))


def message(seconds: int) -> str:
    return (
        f"Rate limit exceeded: at most {settings.OPENDATA_API_RATE} calls from one address; "
        f"try again in {seconds} s. / Terlalu banyak permintaan dari satu alamat; coba lagi "
        f"dalam {seconds} detik."
    )


def limited(view):
    """A view decorator: 429 with Retry-After (plain text) once the address is over its rate."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = wait_seconds(request)
        if seconds is not None:
            response = HttpResponse(
                message(seconds), status=429, content_type="text/plain; charset=utf-8"
            )
            response["Retry-After"] = str(seconds)
            response["Cache-Control"] = "no-store"
            return response
        return view(request, *args, **kwargs)

    return wrapper
