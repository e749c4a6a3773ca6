from django.shortcuts import render

from pantau.evaluation.choices import Dasar
from pantau.evaluation.periods import bulan_dipilih, label_angka
from pantau.evaluation.progress import total
from pantau.monitoring.models import BULAN
from pantau.organisations.selectors import (
    memberships_for_user,
    opd_list_for_user,
    pemda_list_for_user,
)
from pantau.planning.selectors import opd_progress, tahun_anggaran_pick


def home(request):
    """Signed-in users get their overview; visitors the public portal (or the sign-in page when
    this host serves no catalogue)."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login
        from django.shortcuts import redirect

        from pantau.opendata.public import catalogue_pemda

        if catalogue_pemda(request.get_host()) is not None:
            return redirect("opendata:beranda")
        return redirect_to_login(request.get_full_path())
    summaries = []
    for pemda in pemda_list_for_user(user=request.user):
        ta = tahun_anggaran_pick(user=request.user, pemda=pemda, tahun=None)
        if ta is None:
            summaries.append({"pemda": pemda, "ta": None})
            continue
        bulan, kalender = bulan_dipilih(ta)
        per_opd = opd_progress(user=request.user, tahun_anggaran=ta, bulan=bulan)
        summaries.append(
            {
                "pemda": pemda,
                "ta": ta,
                "bulan": bulan,
                "nama_bulan": BULAN[bulan - 1],
                "label": label_angka(
                    dasar=Dasar.TERVERIFIKASI,
                    bulan=bulan,
                    tahun=ta.tahun,
                    berjalan=kalender.berjalan(bulan),
                ),
                "progress": total(per_opd.values()),
                "jumlah_opd": len(per_opd),
            }
        )
    context = {
        "memberships": memberships_for_user(user=request.user),
        "summaries": summaries,
        "opds": opd_list_for_user(user=request.user)[:6],
    }
    return render(request, "core/home.html", context)


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
