from django.urls import path

from pantau.monitoring import views, views_antrian, views_export, views_workbook

app_name = "monitoring"
urlpatterns = [
    path("", views.daftar, name="daftar"),
    path("unduh/", views_export.daftar_unduh, name="daftar-unduh"),
    path("grid/", views.grid, name="grid"),
    path("impor-realisasi/", views_workbook.impor, name="impor-realisasi"),
    path("impor-realisasi/templat/", views_workbook.templat, name="templat-realisasi"),
    path("kepatuhan/", views.kepatuhan, name="kepatuhan"),
    path("antrian/persetujuan/", views_antrian.persetujuan, name="antrian-persetujuan"),
    path("antrian/verifikasi/", views_antrian.verifikasi, name="antrian-verifikasi"),
    path("antrian/verifikasi/massal/", views_antrian.verifikasi_massal, name="verifikasi-massal"),
    path("kepatuhan/unduh/", views_export.kepatuhan_unduh, name="kepatuhan-unduh"),
    path("periode/buka/", views.buka_periode, name="buka-periode"),
    path("laporan/<int:sub_id>/<int:bulan>/", views.laporan, name="laporan"),
    path("laporan/<int:pk>/langkah/", views.langkah, name="langkah"),
    path("sub-kegiatan/<int:sub_id>/riwayat/", views.riwayat, name="riwayat"),
    path("bukti/<int:pk>/", views.bukti, name="bukti"),
    path("bukti/<int:pk>/hapus/", views.bukti_hapus, name="bukti-hapus"),
    path("bukti/<int:pk>/<str:varian>/", views.bukti_berkas, name="bukti-berkas"),
]
