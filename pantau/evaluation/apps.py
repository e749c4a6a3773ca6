from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "pantau.evaluation"
    label = "evaluation"

    def ready(self):
        from pantau.evaluation.subscribers import subscribe_all

        subscribe_all()
