from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "pantau.planning"
    verbose_name = _("Perencanaan")
    label = "planning"
