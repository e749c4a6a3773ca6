"""The site root, composed here on top of the layers (decision 0018): visitors go to opendata's
portal, signed-in users to evaluation's overview. URL names stay `core:home` and `core:luring`."""

from django.shortcuts import redirect
from django.urls import path

from pantau.core.views import luring
from pantau.evaluation.views_home import home as overview
from pantau.monitoring.services_pasang import install_needed
from pantau.monitoring.views_pasang import pasang_view
from pantau.opendata.views_start import visitor_start


def home(request):
    if install_needed():  # a clean install: the first-run screen (issue 11 §1)
        return redirect("core:pasang")
    if not request.user.is_authenticated:
        return visitor_start(request)
    return overview(request)


app_name = "core"
urlpatterns = [
    path("", home, name="home"),
    path("luring/", luring, name="luring"),
    path("pasang/", pasang_view, name="pasang"),
]
