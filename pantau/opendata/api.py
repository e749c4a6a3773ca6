"""Transport of the CKAN Action API (docs/opendata-interop.md §4): routes without redirects,
CSRF-exempt, no session authentication, the JSON envelopes, parameter reading, caching and a
hard time limit. Anonymous and token callers see exactly the same data."""

from __future__ import annotations

import hashlib
import json
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from pantau.core.dbrouter import replica_readable
from pantau.opendata import ckan, public, ratelimit

log = logging.getLogger(__name__)
JSON_TYPE = "application/json;charset=utf-8"


def base_url(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _response(request, body, status: int = 200) -> HttpResponse:
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, default=str), status=status, content_type=JSON_TYPE
    )
    if request.method == "GET" and status == 200:
        response["Cache-Control"] = f"public, max-age={settings.OPENDATA_API_CACHE_SECONDS}"
        response["Access-Control-Allow-Origin"] = "*"
    else:
        response["Cache-Control"] = "no-store"
    return response


def _envelope(request, name: str, *, result=None, error=None, status=200):
    body = {"help": f"{base_url(request)}/api/3/action/help_show?name={name}"}
    if error is None:
        body.update(success=True, result=result)
    else:
        body.update(success=False, error=error)
    return _response(request, body, status)


def _params(request) -> dict:
    """Parameters of the call (§4.3); raises ValueError with the JSON error detail."""
    if request.method == "POST":
        ctype = (request.content_type or "").lower()
        if ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            data = {k: (v if len(v) > 1 else v[0]) for k, v in request.POST.lists()}
            if len(data) == 1:
                ((key, value),) = data.items()
                if value in ("", "1") and key.strip().startswith("{"):
                    data = json.loads(key)
            return data
        raw = request.body.decode("utf-8") if request.body else ""
        if not raw.strip():
            return {}
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("Request data JSON decoded to a non-dict")
        return data
    return {k: (v if len(v) > 1 else v[0]) for k, v in request.GET.lists()}


@replica_readable
@csrf_exempt
def version(request, level: int | None = None):
    if request.method != "GET":
        return HttpResponse(status=405)
    return _response(request, {"version": level or 1})


@replica_readable
@csrf_exempt
def action(request, name: str):
    if request.method not in ("GET", "POST"):
        response = HttpResponse(status=405)
        response["Allow"] = "GET, HEAD, POST, OPTIONS"  # HEAD, OPTIONS: pantau.opendata.http
        return response
    deadline = ckan.base.now() + settings.OPENDATA_API_TIME_LIMIT_S  # the whole call, parsing too
    seconds = ratelimit.wait_seconds(request)
    if seconds is not None:
        response = _envelope(
            request,
            name,
            status=429,
            error={"__type": "Rate Limit Error", "message": ratelimit.message(seconds)},
        )
        response["Retry-After"] = str(seconds)
        return response
    if ckan.is_write(name):
        return _envelope(
            request,
            name,
            status=403,
            error={
                "__type": "Authorization Error",
                "message": "Access denied: this catalogue is read-only",
            },
        )
    handler = ckan.ACTIONS.get(name)
    if handler is None:
        return _response(request, f"Bad request - Action name not known: {name}", 400)
    try:
        params = _params(request)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        return _response(request, f"Bad request - JSON Error: {exc}", 400)
    except (TooManyFieldsSent, RequestDataTooBig) as exc:  # Django's request limits
        return _response(request, f"Bad request - {exc}", 400)
    pemda = public.catalogue_pemda(request.get_host())
    if pemda is None:
        return _envelope(
            request,
            name,
            status=404,
            error={"__type": "Not Found Error", "message": "Not found: no catalogue on this host"},
        )
    key, changed = None, None
    if request.method == "GET":
        changed = public.last_change(pemda)
        raw = f"{base_url(request)}|{request.get_full_path()}|{changed}"
        key = f"opendata:api:{pemda.pk}:{hashlib.sha256(raw.encode()).hexdigest()}"
        hit = cache.get(key)
        if hit is not None:
            return _envelope(request, name, result=hit)
    ctx = ckan.Context(pemda, base_url(request), deadline, changed=changed)
    try:
        ctx.check_time()
        result = handler(ctx, params)
    except ckan.ActionError as exc:
        error = {"__type": exc.kind}
        if exc.kind == "Validation Error":
            error.update(exc.fields)
        else:
            error["message"] = exc.message
        return _envelope(request, name, error=error, status=exc.status)
    except Exception:
        log.exception("CKAN action %s failed", name)
        return _envelope(
            request,
            name,
            status=500,
            error={"__type": "Internal Server Error", "message": "Internal Server Error"},
        )
    if key is not None:
        cache.set(key, result, settings.OPENDATA_API_CACHE_SECONDS)
    return _envelope(request, name, result=result)
