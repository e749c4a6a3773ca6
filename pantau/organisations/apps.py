from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "pantau.organisations"
    label = "organisations"
