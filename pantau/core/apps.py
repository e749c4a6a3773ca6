from django.apps import AppConfig


class CoreConfig(AppConfig):
    verbose_name = "Inti"
    name = "pantau.core"
    label = "core"

    def ready(self) -> None:
        from django.core import checks

        from pantau.core.checks import check_production_settings

        checks.register(check_production_settings)

        from pantau.core.logs import connect_huey, connect_requests

        connect_requests()
        connect_huey()  # the task id on every log line of a task (decision 0035)
