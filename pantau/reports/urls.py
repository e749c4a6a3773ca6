from django.urls import path

from pantau.reports import views, views_arsip

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("opd/<int:opd_id>/<int:tahun>/e81/catatan/", views.e81_catatan, name="e81-catatan"),
    path("opd/<int:opd_id>/<int:tahun>/<slug:jenis>/", views.opd_report, name="opd"),
    path("pemda/<int:tahun>/<slug:jenis>/", views.pemda_report, name="pemda"),
    path("arsip/<int:pk>/", views_arsip.arsip, name="arsip"),
    path("arsip/<int:pk>/unduh/", views_arsip.unduh, name="unduh"),
    path("arsip/<int:pk>/tanda-tangan/", views_arsip.tanda_tangan, name="tanda-tangan"),
    path("arsip/<int:pk>/perbedaan/", views_arsip.perbedaan, name="perbedaan"),
    path("arsip/<int:pk>/versi-baru/", views_arsip.versi_baru, name="versi-baru"),
]
