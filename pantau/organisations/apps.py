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

        from django.contrib.auth.signals import user_logged_out, user_login_failed

        from pantau.organisations import services_jejak

        # the audit trail of sign-ins (issue 12 §4): the signals are where Django reports them
        user_logged_in.connect(services_jejak.signin_record, dispatch_uid="pantau-jejak-masuk")
        user_logged_out.connect(services_jejak.signout_record, dispatch_uid="pantau-jejak-keluar")
        user_login_failed.connect(
            services_jejak.signin_failed_record, dispatch_uid="pantau-jejak-gagal-masuk"
        )
