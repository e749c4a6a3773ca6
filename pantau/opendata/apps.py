from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "pantau.opendata"
    verbose_name = "Data terbuka (Satu Data)"
    default_auto_field = "django.db.models.BigAutoField"
