from django.urls import path

from pantau.planning import views_impor as views

app_name = "impor"

urlpatterns = [
    path("", views.index, name="index"),
    path("templat/", views.templat, name="templat"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/jalankan/", views.jalankan, name="jalankan"),
    path("<int:pk>/galat.csv", views.galat_csv, name="galat-csv"),
]
