"""The production start-up check (issue 12 §2.5, pantau/core/checks.py): with PANTAU_DEBUG=0 the
server refuses each unsafe setting by name, in `manage.py check` (and `--deploy`) and when
gunicorn loads config/wsgi.py; the production defaults pass."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pantau.core.checks import check_production_settings

ROOT = Path(__file__).resolve().parents[3]
GOOD_KEY = "k3y-" + "x7Qp2mZ9" * 8


@pytest.fixture
def prod(settings):
    """The settings PANTAU_DEBUG=0 produces (config/settings.py), applied one by one."""
    settings.PRODUCTION = True
    settings.DEBUG = False
    settings.SECRET_KEY = GOOD_KEY
    settings.ALLOWED_HOSTS = ["pantau.wakatobikab.go.id"]
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = True
    settings.HSTS_AT_PROXY = False
    return settings


def ids(errors) -> set[str]:
    return {e.id for e in errors}


class TestProductionCheck:
    def test_the_production_defaults_pass(self, prod):
        assert check_production_settings() == []

    def test_development_is_not_checked(self, settings):
        settings.PRODUCTION = False
        settings.SECRET_KEY = "pantau-dev-only-not-secret"
        assert check_production_settings() == []

    @pytest.mark.parametrize(
        ("name", "value", "error"),
        [
            ("DEBUG", True, "core.E100"),
            ("SECRET_KEY", "pantau-dev-only-not-secret", "core.E101"),
            ("SECRET_KEY", "django-insecure-" + "a1b2c3d4e5" * 5, "core.E101"),
            ("SECRET_KEY", "ab" * 30, "core.E101"),
            ("ALLOWED_HOSTS", ["*"], "core.E102"),
            ("ALLOWED_HOSTS", [], "core.E102"),
            ("SESSION_COOKIE_SECURE", False, "core.E104"),
            ("CSRF_COOKIE_SECURE", False, "core.E104"),
            ("SESSION_COOKIE_HTTPONLY", False, "core.E105"),
            ("SECURE_HSTS_SECONDS", 0, "core.E106"),
            ("SECURE_SSL_REDIRECT", False, "core.E107"),
            ("X_FRAME_OPTIONS", "SAMEORIGIN", "core.E109"),
            ("RATE_LIMITS", {}, "core.E110"),
        ],
    )
    def test_each_unsafe_setting_is_refused_by_name(self, prod, name, value, error):
        setattr(prod, name, value)
        assert ids(check_production_settings()) == {error}

    def test_hsts_and_redirect_may_be_left_to_an_acknowledged_proxy(self, prod):
        prod.SECURE_HSTS_SECONDS = 0
        prod.SECURE_SSL_REDIRECT = False
        assert ids(check_production_settings()) == {"core.E106", "core.E107"}
        prod.HSTS_AT_PROXY = True
        assert check_production_settings() == []

    @pytest.mark.parametrize(
        "change",
        [
            lambda d: d["DIRECTIVES"]["script-src"].append("'unsafe-inline'"),
            lambda d: d["DIRECTIVES"]["style-src"].append("'unsafe-inline'"),
            lambda d: d["DIRECTIVES"]["script-src"].append("'unsafe-eval'"),
            lambda d: d["DIRECTIVES"].pop("default-src"),
            lambda d: d["DIRECTIVES"].pop("frame-ancestors"),
            lambda d: d.update(EXCLUDE_URL_PREFIXES=["/admin/"]),
            lambda d: d.clear(),
        ],
    )
    def test_a_relaxed_or_missing_csp_is_refused(self, prod, change):
        import copy

        policy = copy.deepcopy(prod.CONTENT_SECURITY_POLICY)
        change(policy)
        prod.CONTENT_SECURITY_POLICY = policy
        assert ids(check_production_settings()) == {"core.E108"}

    def test_a_missing_security_middleware_is_refused(self, prod):
        prod.MIDDLEWARE = [m for m in prod.MIDDLEWARE if m != "csp.middleware.CSPMiddleware"]
        (error,) = check_production_settings()
        assert error.id == "core.E103" and "CSPMiddleware" in error.msg


def _env(**extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PANTAU_", "SECRET"))}
    env.update(
        PANTAU_DATA_DIR=os.environ.get("PANTAU_DATA_DIR", str(ROOT / "var")),
        PANTAU_DEBUG="0",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="pantau.example",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.pop("DATABASE_URL", None)
    env.update(extra)
    return env


class TestStartRefused:
    def test_gunicorn_does_not_load_with_hsts_off(self):
        code = "import config.wsgi"
        ok = subprocess.run(  # noqa: S603 - our own interpreter, constant arguments
            [sys.executable, "-c", code], cwd=ROOT, env=_env(), capture_output=True, text=True
        )
        assert ok.returncode == 0, ok.stderr
        refused = subprocess.run(  # noqa: S603 - our own interpreter, constant arguments
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=_env(PANTAU_HSTS_SECONDS="0"),
            capture_output=True,
            text=True,
        )
        assert refused.returncode != 0 and "core.E106" in refused.stderr

    def test_manage_check_deploy_fails(self):
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy"],
            cwd=ROOT,
            env=_env(PANTAU_SSL_REDIRECT="0"),
            capture_output=True,
            text=True,
        )
        assert result.returncode != 0 and "core.E107" in result.stderr
