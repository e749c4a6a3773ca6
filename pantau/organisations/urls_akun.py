from django.contrib.auth import views as auth_views
from django.urls import path

from pantau.organisations import views_akun as v
from pantau.organisations import views_faktor as f

app_name = "akun"
urlpatterns = [
    path("profil/", v.profil, name="profil"),
    path("sandi/", v.SandiGantiView.as_view(), name="sandi"),
    path("sesi/", v.sesi_list, name="sesi"),
    path("sesi/<int:pk>/akhiri/", v.sesi_akhiri, name="sesi-akhiri"),
    path("sesi/akhiri-lain/", v.sesi_akhiri_lain, name="sesi-akhiri-lain"),
    # the second factor (decision 0027)
    path("2fa/", f.dua_faktor, name="2fa"),
    path("2fa/mulai/", f.mulai, name="2fa-mulai"),
    path("2fa/qr.png", f.qr, name="2fa-qr"),
    path("2fa/konfirmasi/", f.konfirmasi, name="2fa-konfirmasi"),
    path("2fa/pemulihan/", f.pemulihan, name="2fa-pemulihan"),
    path("2fa/pemulihan.txt", f.pemulihan_unduh, name="2fa-pemulihan-unduh"),
    path("2fa/pemulihan/baru/", f.pemulihan_baru, name="2fa-pemulihan-baru"),
    path("2fa/nonaktif/", f.nonaktif, name="2fa-nonaktif"),
    path("sandi/lupa/", v.SandiLupaView.as_view(), name="sandi-lupa"),
    path(
        "sandi/lupa/terkirim/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="organisations/sandi_lupa_terkirim.html"
        ),
        name="sandi-lupa-terkirim",
    ),
    path("sandi/reset/<uidb64>/<token>/", v.SandiResetView.as_view(), name="sandi-reset"),
    path(
        "sandi/reset/selesai/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="organisations/sandi_reset_selesai.html"
        ),
        name="sandi-reset-selesai",
    ),
]
