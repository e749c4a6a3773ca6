"""HTTP behaviour of the catalogue's machine answers (docs/security.md, "Open-data clients").

One middleware, outermost in MIDDLEWARE:

- HEAD on every URL (RFC 9110 §9.3.2): the request runs as GET and the answer keeps its
  headers (Content-Length included) without the body, so every view's method checks hold.
- On the open-data machine paths (`MACHINE`: the CKAN API, DCAT, datapackage.json, downloads,
  the sitemap): CORS for any origin without credentials, an OPTIONS preflight, no
  `Vary: Cookie` (these answers never depend on a session or the language cookie), gzip (no
  session, CSRF token or reflected secret is ever in them, so BREACH has nothing to find),
  and conditional GET on `CONDITIONAL`: a weak ETag and Last-Modified keyed on the pemda's
  latest catalogue change (`public.last_change`), checked before the view runs, so a client
  that has the current answer gets 304 without the catalogue being read.
"""

from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from pantau.opendata import public, ratelimit

MACHINE = re.compile(
    r"^/(?:api(?:/.*)?"
    r"|catalog\.[a-z0-9]+"
    r"|sitemap\.xml"
    r"|dataset/[a-z0-9_-]+\.[a-z0-9]+"
    r"|dataset/[a-z0-9_-]+/datapackage\.json"
    r"|dataset/[a-z0-9_-]+/resource/[^/]+/download/[^/]+)$"
)
# Machine answers that are a function of (scheme, host, path and query, catalogue change) only.
# Not the sitemap: it also lists development activities, which change without a catalogue change.
CONDITIONAL = re.compile(r"^/(?!sitemap\.xml$)")
ACTION = re.compile(r"^/api(?:/3)?/action/")
VERSION = re.compile(r"^/api(?:/3)?/?$")  # the only machine answers without a rate limit
COMPRESSIBLE = re.compile(
    r"^(text/|application/(json|ld\+json|rdf\+xml|xml|javascript))", re.IGNORECASE
)
ALLOW_HEADERS = "Authorization, X-CKAN-API-Key, Content-Type, If-None-Match, If-Modified-Since"
EXPOSE_HEADERS = "ETag, Last-Modified, Retry-After, Content-Disposition"


def _methods(path: str) -> str:
    return "GET, HEAD, POST, OPTIONS" if ACTION.match(path) else "GET, HEAD, OPTIONS"


def _cors(response) -> None:
    # "*" and never Allow-Credentials: a browser sends no cookie and reads no private answer
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = EXPOSE_HEADERS


def _preflight(request) -> HttpResponse:
    response = HttpResponse(status=204)
    response["Allow"] = _methods(request.path_info)
    _cors(response)
    response["Access-Control-Allow-Methods"] = _methods(request.path_info)
    response["Access-Control-Allow-Headers"] = ALLOW_HEADERS
    response["Access-Control-Max-Age"] = "86400"
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _validators(request):
    """(weak ETag, Last-Modified) of the answer to this GET, or None without a catalogue."""
    pemda = public.catalogue_pemda(request.get_host())
    if pemda is None:
        return None
    token = public.last_change(pemda)
    raw = f"{request.scheme}://{request.get_host()}|{request.get_full_path()}|{token}"
    etag = f'W/"{hashlib.sha256(raw.encode()).hexdigest()[:32]}"'
    return etag, public.last_change_at(token)


def _drop_cookie_vary(response) -> None:
    if not response.has_header("Vary"):
        return
    kept = [v.strip() for v in response["Vary"].split(",") if v.strip().lower() != "cookie"]
    if kept:
        response["Vary"] = ", ".join(kept)
    else:
        del response["Vary"]


def _strip_body(response) -> None:
    if response.streaming:
        response.streaming_content = []
    else:
        response["Content-Length"] = str(len(response.content))
        response.content = b""


class OpenDataHttpMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.gzip = GZipMiddleware(get_response)

    def __call__(self, request):
        head = request.method == "HEAD"
        if head:
            request.method = "GET"
        try:
            response = self._answer(request)
        finally:
            if head:
                request.method = "HEAD"
        if head:
            _strip_body(response)
        return response

    def _answer(self, request):
        path = request.path_info
        if not MACHINE.match(path):
            return self.get_response(request)
        if request.method == "OPTIONS":
            return _preflight(request)
        validators = None
        response = None
        if request.method == "GET" and CONDITIONAL.match(path):
            validators = _validators(request)
            if validators is not None:
                etag, modified = validators
                response = get_conditional_response(
                    request,
                    etag=etag,
                    last_modified=int(modified.timestamp()) if modified else None,
                )
                # a 304 counts in the address's budget; over it, the view answers 429
                if (
                    response is not None
                    and not VERSION.match(path)
                    and ratelimit.wait_seconds(request) is not None
                ):
                    response = None
                if response is not None:
                    self._stamp(response, validators, path)
        if response is None:
            response = self.get_response(request)
            if validators is not None and response.status_code == 200:
                self._stamp(response, validators, path)
        _cors(response)
        _drop_cookie_vary(response)
        if COMPRESSIBLE.match(response.get("Content-Type", "")):
            response = self.gzip.process_response(request, response)
        return response

    @staticmethod
    def _stamp(response, validators, path: str) -> None:
        etag, modified = validators
        response["ETag"] = etag
        if modified is not None:
            response["Last-Modified"] = http_date(modified.timestamp())
        if response.status_code == 304:
            seconds = settings.OPENDATA_API_CACHE_SECONDS if ACTION.match(path) else 300
            response["Cache-Control"] = f"public, max-age={seconds}"
