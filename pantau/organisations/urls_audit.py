from django.urls import path

from pantau.organisations import views_audit as v

app_name = "audit"
urlpatterns = [
    path("", v.audit_list, name="daftar"),
    path("unduh/", v.audit_unduh, name="unduh"),
    path("<int:pk>/", v.audit_detail, name="detail"),
]
