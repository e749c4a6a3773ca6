from django.urls import path

from pantau.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("opd/<int:opd_id>/<int:tahun>/e81/catatan/", views.e81_catatan, name="e81-catatan"),
    path("opd/<int:opd_id>/<int:tahun>/<slug:jenis>/", views.opd_report, name="opd"),
    path("pemda/<int:tahun>/<slug:jenis>/", views.pemda_report, name="pemda"),
    path("arsip/<int:pk>/", views.arsip, name="arsip"),
    path("arsip/<int:pk>/unduh/", views.unduh, name="unduh"),
]
