"""The production start-up check (decision 0028): with PANTAU_DEBUG=0 the server refuses to start
on settings that would leave the web layer open. It runs with every management command that
checks (`runserver`, `migrate`, `check`, `check --deploy`) and when the WSGI application starts
(config/wsgi.py: gunicorn runs no system checks).

Each refusal is an `Error` naming the setting and how to fix it. TLS may end at a reverse proxy
that sets HSTS and redirects plain HTTP itself: PANTAU_HSTS_AT_PROXY=1 says so explicitly, and
only then may HSTS and the HTTPS redirect be off here.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error

WEAK_KEYS = {"pantau-dev-only-not-secret", "changeme", "secret"}
UNSAFE_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "*", "'unsafe-hashes'"}
REQUIRED_MIDDLEWARE = (
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pantau.core.web.NoStoreMiddleware",
    "pantau.core.web.RateLimitMiddleware",
    "pantau.core.web.SessionCookieGuardMiddleware",
)
YEAR = 365 * 24 * 3600


def _error(n: int, msg: str, hint: str) -> Error:
    return Error(msg, hint=hint, id=f"core.E{n:03d}")


def _secret_errors() -> list[Error]:
    key = settings.SECRET_KEY or ""
    if key in WEAK_KEYS or key.startswith("django-insecure") or len(key) < 50 or len(set(key)) < 5:
        return [
            _error(
                101,
                "SECRET_KEY lemah atau bawaan pengembangan. / SECRET_KEY is weak or the "
                "development default.",
                "Set SECRET_KEY to 50+ random characters, e.g. "
                "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`.",
            )
        ]
    return []


def _transport_errors() -> list[Error]:
    errors = []
    if not settings.SESSION_COOKIE_SECURE or not settings.CSRF_COOKIE_SECURE:
        errors.append(
            _error(
                104,
                "Cookie sesi/CSRF tidak Secure. / Session or CSRF cookie is not Secure.",
                "Set SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True (PANTAU_DEBUG=0 does).",
            )
        )
    if not settings.SESSION_COOKIE_HTTPONLY:
        errors.append(
            _error(105, "Session cookie is readable by scripts.", "SESSION_COOKIE_HTTPONLY=True")
        )
    if not settings.HSTS_AT_PROXY:
        if settings.SECURE_HSTS_SECONDS < YEAR:
            errors.append(
                _error(
                    106,
                    "HSTS mati atau kurang dari setahun. / HSTS is off or shorter than a year.",
                    "Set PANTAU_HSTS_SECONDS=31536000, or PANTAU_HSTS_AT_PROXY=1 when the "
                    "TLS-terminating reverse proxy sends HSTS itself.",
                )
            )
        if not settings.SECURE_SSL_REDIRECT:
            errors.append(
                _error(
                    107,
                    "HTTP biasa tidak dialihkan ke HTTPS. / Plain HTTP is not redirected.",
                    "Set PANTAU_SSL_REDIRECT=1, or PANTAU_HSTS_AT_PROXY=1 when the proxy "
                    "redirects.",
                )
            )
    return errors


def _csp_errors() -> list[Error]:
    policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
    directives = policy.get("DIRECTIVES") or {}
    unsafe = sorted(
        name
        for name in ("default-src", "script-src", "style-src", "object-src", "base-uri")
        if not directives.get(name) or UNSAFE_SOURCES & set(directives.get(name) or [])
    )
    if unsafe or policy.get("EXCLUDE_URL_PREFIXES") or "frame-ancestors" not in directives:
        return [
            _error(
                108,
                "Content Security Policy mati atau longgar. / The Content Security Policy is "
                f"off or relaxed ({', '.join(unsafe) or 'frame-ancestors, exclusions'}).",
                "Keep CONTENT_SECURITY_POLICY as config/settings.py sets it.",
            )
        ]
    return []


def check_production_settings(app_configs=None, **kwargs) -> list[Error]:
    if not settings.PRODUCTION:
        return []
    errors = []
    if settings.DEBUG:
        errors.append(_error(100, "DEBUG aktif di produksi. / DEBUG is on.", "PANTAU_DEBUG=0"))
    errors += _secret_errors()
    hosts = list(settings.ALLOWED_HOSTS)
    if not hosts or "*" in hosts:
        errors.append(
            _error(
                102,
                "ALLOWED_HOSTS kosong atau berisi '*'. / ALLOWED_HOSTS is empty or has '*'.",
                "List the host names Pantau answers, e.g. ALLOWED_HOSTS=pantau.wakatobikab.go.id",
            )
        )
    missing = [m for m in REQUIRED_MIDDLEWARE if m not in settings.MIDDLEWARE]
    if missing:
        errors.append(
            _error(103, f"Middleware keamanan hilang: {', '.join(missing)}.", "See decision 0028.")
        )
    if settings.X_FRAME_OPTIONS != "DENY":
        errors.append(_error(109, "X_FRAME_OPTIONS is not DENY.", "X_FRAME_OPTIONS = 'DENY'"))
    if not settings.RATE_LIMITS.get("login POST"):
        errors.append(
            _error(110, "Sign-in has no rate limit.", "Set PANTAU_RATE_LOGIN, e.g. 30/m.")
        )
    return errors + _transport_errors() + _csp_errors()


def refuse_unsafe_start() -> None:
    """For config/wsgi.py: raise ImproperlyConfigured when any check above fails."""
    from django.core.exceptions import ImproperlyConfigured

    errors = check_production_settings()
    if errors:
        raise ImproperlyConfigured("; ".join(f"{e.id}: {e.msg} {e.hint}" for e in errors))
