from django.urls import path

from pantau.planning import views, views_renstra

app_name = "planning"

urlpatterns = [
    path("", views.rencana_index, name="rencana"),
    path("<int:opd_id>/<int:tahun>/", views.rencana_opd, name="rencana-opd"),
    path("<int:opd_id>/<int:tahun>/dokumen/", views.rencana_dokumen_aksi, name="dokumen-aksi"),
    path("<int:opd_id>/<int:tahun>/tambah/", views.rencana_tambah, name="tambah"),
    path("<int:opd_id>/<int:tahun>/renstra/", views_renstra.renstra_opd, name="renstra"),
    path(
        "<int:opd_id>/<int:tahun>/renstra/program/<int:program_id>/",
        views_renstra.renstra_program,
        name="renstra-program",
    ),
    path(
        "<int:opd_id>/<int:tahun>/renstra/indikator/<int:ind_id>/",
        views_renstra.renstra_indikator,
        name="renstra-indikator",
    ),
    path("<int:opd_id>/<int:tahun>/hapus/", views.rencana_hapus, name="hapus"),
    path(
        "<int:opd_id>/<int:tahun>/sub-kegiatan/<int:sub_id>/indikator/",
        views.rencana_indikator,
        name="indikator-tambah",
    ),
    path(
        "<int:opd_id>/<int:tahun>/sub-kegiatan/<int:sub_id>/indikator/<int:ind_id>/",
        views.rencana_indikator,
        name="indikator-ubah",
    ),
    path(
        "<int:opd_id>/<int:tahun>/<tingkat>/<int:induk_id>/indikator/",
        views.rencana_indikator_induk,
        name="indikator-induk-tambah",
    ),
    path(
        "<int:opd_id>/<int:tahun>/<tingkat>/<int:induk_id>/indikator/<int:ind_id>/",
        views.rencana_indikator_induk,
        name="indikator-induk-ubah",
    ),
    path(
        "<int:opd_id>/<int:tahun>/sub-kegiatan/<int:sub_id>/",
        views.rencana_sub_edit,
        name="sub-kegiatan-edit",
    ),
]
