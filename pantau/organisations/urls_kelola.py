from django.urls import path
from django.views.generic import RedirectView

from pantau.organisations import views_kelola as v

app_name = "kelola"
urlpatterns = [
    path(
        "", RedirectView.as_view(pattern_name="kelola:akun-list", query_string=True), name="index"
    ),
    path("akun/", v.akun_list, name="akun-list"),
    path("akun/baru/", v.akun_baru, name="akun-baru"),
    path("akun/impor/", v.akun_impor, name="akun-impor"),
    path("akun/templat.csv", v.akun_templat, name="akun-templat"),
    path("akun/<int:pk>/", v.akun_detail, name="akun-detail"),
    path("akun/<int:pk>/aktif/", v.akun_aktif, name="akun-aktif"),
    path("akun/<int:pk>/reset-sandi/", v.akun_reset_sandi, name="akun-reset-sandi"),
    path("akun/<int:pk>/buka-kunci/", v.akun_buka_kunci, name="akun-buka-kunci"),
    path("akun/<int:pk>/reset-2fa/", v.akun_reset_2fa, name="akun-reset-2fa"),
    path("opd/", v.opd_list, name="opd-list"),
    path("opd/baru/", v.opd_baru, name="opd-baru"),
    path("opd/lebur/", v.opd_lebur, name="opd-lebur"),
    path("opd/<int:pk>/", v.opd_detail, name="opd-detail"),
    path("opd/<int:pk>/aktif/", v.opd_aktif, name="opd-aktif"),
    path("opd/<int:pk>/pecah/", v.opd_pecah, name="opd-pecah"),
]
