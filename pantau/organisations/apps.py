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

        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_out, user_login_failed

        from pantau.organisations import services_jejak
        from pantau.organisations.masuk import lockout_record
        from pantau.organisations.sesi import sesi_mulai, sesi_selesai

        # session plumbing (decision 0026): each sign-in starts its row in the session list,
        # each sign-out ends it; a lockout by django-axes is audited
        user_logged_in.connect(sesi_mulai, dispatch_uid="pantau-sesi-mulai")
        user_logged_out.connect(sesi_selesai, dispatch_uid="pantau-sesi-selesai")
        user_locked_out.connect(lockout_record, dispatch_uid="pantau-akun-terkunci")
        # the audit trail of sign-ins (issue 12 §4): the signals are where Django reports them
        user_logged_in.connect(services_jejak.signin_record, dispatch_uid="pantau-jejak-masuk")
        user_logged_out.connect(services_jejak.signout_record, dispatch_uid="pantau-jejak-keluar")
        user_login_failed.connect(
            services_jejak.signin_failed_record, dispatch_uid="pantau-jejak-gagal-masuk"
        )
