from django.urls import path

from pantau.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("", views.dasbor, name="dasbor"),
    path("rincian/<slug:jenis>/", views.rincian, name="rincian"),
]
