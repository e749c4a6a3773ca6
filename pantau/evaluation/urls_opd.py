from django.urls import path

from pantau.evaluation import views_opd as views

# The OPD pages show the plan tree with its progress (roll-ups): evaluation's data, under the
# URL names they always had.
app_name = "organisations"
urlpatterns = [
    path("", views.opd_list, name="opd-list"),
    path("<int:pk>/", views.opd_detail, name="opd-detail"),
]
