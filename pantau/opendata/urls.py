from django.urls import path

from pantau.opendata import portal

app_name = "opendata"
urlpatterns = [
    path("publik/", portal.beranda, name="beranda"),
    path("publik/opd/<str:kode>/", portal.opd_page, name="opd"),
    path("publik/kegiatan/", portal.kegiatan_list, name="kegiatan-list"),
    path("publik/kegiatan/<int:pk>/", portal.kegiatan_detail, name="kegiatan"),
    path("publik/foto/<int:pk>/", portal.foto, name="foto"),
    path("publik/publikasi/", portal.publikasi, name="publikasi"),
    path("dataset/", portal.dataset_list, name="dataset-list"),
    path("dataset/<slug:nama>/", portal.dataset_detail, name="dataset"),
    path("dataset/<slug:nama>/datapackage.json", portal.datapackage, name="datapackage"),
    path(
        "dataset/<slug:nama>/resource/<uuid:rid>/download/<str:filename>",
        portal.download,
        name="download",
    ),
    path("sitemap.xml", portal.sitemap, name="sitemap"),
    path("catalog.<str:fmt>", portal.catalog_rdf, name="catalog"),
    path("dataset/<str:key>.<str:fmt>", portal.dataset_rdf, name="dataset-rdf"),
]
