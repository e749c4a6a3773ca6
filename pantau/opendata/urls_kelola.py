from django.urls import path

from pantau.opendata import views

app_name = "opendata-kelola"
urlpatterns = [
    path("", views.daftar, name="daftar"),
    path("baru/", views.baru, name="baru"),
    path("klasifikasi/", views.klasifikasi, name="klasifikasi"),
    path("klasifikasi/sub/<int:pk>/", views.klasifikasi_sub, name="klasifikasi-sub"),
    path(
        "klasifikasi/<slug:jenis>/<int:pk>/ubah/", views.klasifikasi_ubah, name="klasifikasi-ubah"
    ),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/ubah/", views.ubah, name="ubah"),
    path("<int:pk>/unggah/", views.unggah, name="unggah"),
    path("<int:pk>/skema/", views.skema_tabel, name="skema"),
    path("<int:pk>/<slug:nama>/", views.langkah, name="langkah"),
]
