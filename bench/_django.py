"""Django set-up for the benchmark scripts (run from the project root by `make bench`)."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def sign_in(client, user) -> None:
    """force_login, and the session verified by the person's authenticator app (a bench one
    where their role requires a second factor and they have none; decision 0027)."""
    from conftest import verify_test_session

    client.force_login(user)
    verify_test_session(client, user)
