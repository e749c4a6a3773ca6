from django.urls import path

from pantau.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("luring/", views.luring, name="luring"),
]
