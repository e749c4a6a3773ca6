from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "pantau.evaluation"
    label = "evaluation"
