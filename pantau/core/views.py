from django.shortcuts import render


def luring(request):
    """The page the service worker shows for a page never opened on this phone: the menu, the
    phone's queue of reports and the pages kept for reading offline (filled in by offline.js).
    Open to visitors too, never a redirect, so that it can be kept."""
    return render(request, "core/luring.html")


def service_worker(request):
    """The service worker, served from the site root so that its scope covers every page."""
    from pathlib import Path

    from django.http import HttpResponse

    path = Path(__file__).resolve().parent.parent / "static" / "pantau" / "sw.js"
    response = HttpResponse(path.read_text(encoding="utf-8"), content_type="application/javascript")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


def manifest(request):
    """The web app manifest (installable PWA), in the user's language."""
    from django.http import JsonResponse
    from django.templatetags.static import static
    from django.utils.translation import gettext as _

    data = {
        "name": _("Pantau — pemantauan pembangunan daerah"),
        "short_name": "Pantau",
        "description": _("Perencanaan, monitoring dan evaluasi pembangunan daerah."),
        "start_url": "/?source=pwa",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5394",
        "lang": request.LANGUAGE_CODE,
        "icons": [
            {"src": static("pantau/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("pantau/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("pantau/icons/maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


def favicon(request):
    from django.shortcuts import redirect
    from django.templatetags.static import static

    return redirect(static("pantau/icons/favicon.ico"), permanent=True)


def csrf_failure(request, reason: str = ""):
    """A form refused because its CSRF token is stale or missing (an old tab, a session that
    ended, a second sign-in page opened meanwhile): say so in words and offer the way back to a
    fresh copy of the same page, instead of Django's technical 403 page (CSRF_FAILURE_VIEW)."""
    from django.shortcuts import render

    return render(request, "403_csrf.html", {"ulang": request.path}, status=403)


def bad_request(request, exception=None):
    """A request Django refused before any view ran (handler400): a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE or with too many fields answers 413, anything else (a host
    not in ALLOWED_HOSTS, a malformed body) 400; both say in words that nothing was saved. The
    page is standalone: a refused Host must not be read again by the site's menu."""
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
    from django.http import HttpResponse
    from django.template import loader
    from django.utils.translation import get_language

    too_big = isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent)
    body = loader.get_template("400.html").render(
        {"terlalu_besar": too_big, "LANG": get_language()}
    )
    response = HttpResponse(body, status=413 if too_big else 400)
    response["Cache-Control"] = "no-store"
    return response
