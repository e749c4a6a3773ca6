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
