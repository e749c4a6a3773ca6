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

        from django.contrib.auth.signals import user_logged_in

        from pantau.organisations.middleware import remember_password_flag

        # session plumbing, not domain logic: whether this sign-in must change its password
        user_logged_in.connect(remember_password_flag, dispatch_uid="pantau-wajib-ganti-sandi")
