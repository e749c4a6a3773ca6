from django.urls import path

from pantau.planning import views_sipd

app_name = "sipd"
urlpatterns = [
    path("pemetaan/", views_sipd.pemetaan, name="pemetaan"),
    path("pemetaan.csv", views_sipd.pemetaan_unduh, name="pemetaan-unduh"),
]
