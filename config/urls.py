from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from pantau.core.forms import LoginForm
from pantau.core.views import favicon, manifest, service_worker

urlpatterns = [
    path(
        "masuk/",
        auth_views.LoginView.as_view(
            template_name="core/login.html", authentication_form=LoginForm
        ),
        name="login",
    ),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("opd/", include("pantau.organisations.urls")),
    path("monitoring/", include("pantau.monitoring.urls")),
    path("dasbor/", include("pantau.evaluation.urls")),
    path("notifikasi/", include("pantau.notifications.urls")),
    path("sw.js", service_worker, name="service-worker"),
    path("manifest.webmanifest", manifest, name="manifest"),
    path("favicon.ico", favicon),
    path("", include("pantau.core.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
