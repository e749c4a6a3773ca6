"""Canonical addresses of pages that links reach with different parameters (a list opened from
the menu without any, from a breadcrumb with its OPD, year and month). A page names its canonical
address in a `Link: <...>; rel="canonical"` header; the service worker files the page under it as
well, so a link built here with the same parameters finds the page offline (decision 0007)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponse
from django.urls import reverse


def canonical_url(viewname: str, *args, **params) -> str:
    """The page's address with its parameters in the order given, empty ones left out."""
    query = urlencode([(k, v) for k, v in params.items() if v not in (None, "")])
    path = reverse(viewname, args=args)
    return f"{path}?{query}" if query else path


def set_canonical(response: HttpResponse, url: str) -> HttpResponse:
    response["Link"] = f'<{url}>; rel="canonical"'
    return response
