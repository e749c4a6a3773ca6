from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "pantau.evaluation"
    verbose_name = _("Evaluasi")
    label = "evaluation"

    def ready(self):
        from pantau.evaluation.subscribers import subscribe_all

        subscribe_all()
