from django.urls import path

from pantau.notifications import views

app_name = "notifications"
urlpatterns = [path("", views.daftar, name="daftar")]
