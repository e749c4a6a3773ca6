from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "pantau.organisations"
    verbose_name = _("Organisasi")
    label = "organisations"

    def ready(self) -> None:
        from django.core import checks

        from pantau.organisations.checks import check_public_hosts

        checks.register(check_public_hosts)
