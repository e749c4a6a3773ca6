import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()


def _refuse_ambiguous_hosts() -> None:
    # gunicorn runs no system checks: a public host claimed by two pemdas must still stop the
    # start (docs/security.md, "Tenants and the pemda admin").
    from django.core.exceptions import ImproperlyConfigured

    from pantau.organisations.checks import check_public_hosts

    errors = check_public_hosts()
    if errors:
        raise ImproperlyConfigured("; ".join(f"{e.id}: {e.msg} {e.hint}" for e in errors))


_refuse_ambiguous_hosts()


def _refuse_unsafe_settings() -> None:
    # the production start-up check (pantau/core/checks.py, decision 0028): with PANTAU_DEBUG=0,
    # unsafe settings stop gunicorn as they stop `manage.py check`
    from pantau.core.checks import refuse_unsafe_start

    refuse_unsafe_start()


_refuse_unsafe_settings()
