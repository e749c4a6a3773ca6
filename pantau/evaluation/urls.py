from django.urls import path

from pantau.evaluation import views, views_export

app_name = "evaluation"
urlpatterns = [
    path("", views.dasbor, name="dasbor"),
    path("rincian/<slug:jenis>/", views.rincian, name="rincian"),
    path("rincian/<slug:jenis>/unduh/", views_export.rincian_unduh, name="rincian-unduh"),
    path("peringkat/unduh/", views_export.peringkat_unduh, name="peringkat-unduh"),
]
