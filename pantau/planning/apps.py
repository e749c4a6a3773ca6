from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "pantau.planning"
    label = "planning"
