from django.urls import path

from pantau.evaluation import views_export
from pantau.evaluation import views_opd as views

# The OPD pages show the plan tree with its progress (roll-ups): evaluation's data, under the
# URL names they always had.
app_name = "organisations"
urlpatterns = [
    path("", views.opd_list, name="opd-list"),
    path("unduh/", views_export.opd_list_unduh, name="opd-list-unduh"),
    path("<int:pk>/", views.opd_detail, name="opd-detail"),
    path("<int:pk>/unduh/", views_export.opd_detail_unduh, name="opd-detail-unduh"),
]
