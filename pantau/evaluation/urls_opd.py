from django.urls import path

from pantau.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.opd_list, name="opd-list"),
    path("<int:pk>/", views.opd_detail, name="opd-detail"),
]
