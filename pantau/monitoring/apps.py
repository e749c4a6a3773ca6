from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "pantau.monitoring"
    label = "monitoring"
