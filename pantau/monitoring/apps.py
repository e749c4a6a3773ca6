from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "pantau.monitoring"
    verbose_name = _("Monitoring")
    label = "monitoring"

    def ready(self):
        # Planning asks monitoring about realisation already reported (decision 0018).
        from pantau.core import handoff
        from pantau.monitoring.budget import audit_over_budget, realised_beyond_pagu
        from pantau.planning import topics

        handoff.subscribe(topics.BUDGET_CHECK, realised_beyond_pagu)
        handoff.subscribe(topics.TAHAP_CHANGED, audit_over_budget)

        # The realisation workbook is a kind of the one import-job page (decision 0022).
        from pantau.monitoring.jobs import register_realisasi

        register_realisasi()
