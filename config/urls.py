from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from pantau.backup.views import healthz
from pantau.core.forms import LoginForm
from pantau.core.views import favicon, manifest, service_worker
from pantau.opendata import api
from pantau.organisations.views_faktor import verifikasi

urlpatterns = [
    # for monitors: database, task queue, disk space, age of the last good backup (issue 13)
    path("healthz", healthz, name="healthz"),
    path(
        "masuk/",
        auth_views.LoginView.as_view(
            template_name="core/login.html", authentication_form=LoginForm
        ),
        name="login",
    ),
    # the second step of signing in: the code of the authenticator app (decision 0027)
    path("masuk/verifikasi/", verifikasi, name="masuk-verifikasi"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("opd/", include("pantau.evaluation.urls_opd")),
    path("monitoring/", include("pantau.monitoring.urls")),
    path("rencana/", include("pantau.planning.urls")),
    path("dasbor/", include("pantau.evaluation.urls")),
    path("laporan-resmi/", include("pantau.reports.urls")),
    path("notifikasi/", include("pantau.notifications.urls")),
    path("impor/", include("pantau.planning.urls_impor")),
    path("rencana/sipd/", include("pantau.planning.urls_sipd")),
    path("satu-data/", include("pantau.opendata.urls_kelola")),
    path("kelola/", include("pantau.organisations.urls_kelola")),
    path("akun/", include("pantau.organisations.urls_akun")),
    path("audit/", include("pantau.organisations.urls_audit")),
    # CKAN Action API: no trailing slash and no redirect on these paths (docs/opendata-interop §4)
    path("api", api.version),
    path("api/", api.version),
    path("api/3", api.version, {"level": 3}),
    path("api/3/", api.version, {"level": 3}),
    path("api/action/<str:name>", api.action),
    path("api/3/action/<str:name>", api.action),
    path("", include("pantau.opendata.urls")),
    path("sw.js", service_worker, name="service-worker"),
    path("manifest.webmanifest", manifest, name="manifest"),
    path("favicon.ico", favicon),
    path("", include("config.start")),
]

# a refused body (too big, too many fields) or Host answers in words (pantau/core/views.py)
handler400 = "pantau.core.views.bad_request"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
