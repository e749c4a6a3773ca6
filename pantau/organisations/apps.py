from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "pantau.organisations"
    label = "organisations"

    def ready(self) -> None:
        from django.core import checks

        from pantau.organisations.checks import check_public_hosts

        checks.register(check_public_hosts)
