"""Pantau settings: one file, every value from the environment with a safe development default.

Each setting read from the environment is documented in docs/operations.md; a test fails when
one is missing there.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.contrib.messages import constants as message_level
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "pantau-dev-only-not-secret"  # noqa: S105 - refused in production below # nosec B105


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or default


DEBUG = env_bool("PANTAU_DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or DEV_SECRET_KEY
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
DATA_DIR = Path(os.environ.get("PANTAU_DATA_DIR") or BASE_DIR / "var").resolve()

if not DEBUG:
    # Production check: refuse to start on unsafe values.
    # (50, as the start-up check core.E101 and Django's `check --deploy` want)
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "SECRET_KEY wajib diisi (min. 50 karakter) bila PANTAU_DEBUG=0. "
            "/ SECRET_KEY must be set (50+ characters) when PANTAU_DEBUG=0."
        )
    if "ALLOWED_HOSTS" not in os.environ:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS wajib diisi bila PANTAU_DEBUG=0. "
            "/ ALLOWED_HOSTS must be set when PANTAU_DEBUG=0."
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # two-factor sign-in (decision 0027): before Pantau's apps, so that organisations' admin
    # can take django-otp's device admin away again
    "django_otp",
    "django_otp.plugins.otp_totp",
    "pantau.core",
    "pantau.audit",
    "pantau.organisations",
    "pantau.planning",
    "pantau.monitoring",
    "pantau.evaluation",
    "pantau.opendata",
    "pantau.notifications",
    "pantau.reports",
    "pantau.demo",
    "pantau.backup",
    "huey.contrib.djhuey",
    # lockout on username + address after repeated failed sign-ins (decision 0026)
    "axes",
    "csp",
]

MIDDLEWARE = [
    # request id, its header and the access line of every request, redirects included (0035)
    "pantau.core.logs.RequestLogMiddleware",
    # a database that cannot be reached answers 503 in words, wherever it failed (decision 0036)
    "pantau.core.dbmiddleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy and Permissions-Policy on every page (decision 0028)
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # HEAD on every URL; CORS, conditional GET, gzip on the open-data machine answers
    "pantau.opendata.http.OpenDataHttpMiddleware",
    # a session cookie not shaped like a session key is dropped (NUL bytes made PostgreSQL fail)
    "pantau.core.web.SessionCookieGuardMiddleware",
    # the replica router's per-request state; a successful POST pins the browser's reads to the
    # primary for a while (read-your-writes; decision 0036)
    "pantau.core.dbmiddleware.ReplicaMiddleware",
    # Django's, except that a request still carrying a key replaced at sign-in does not delete
    # the new session's cookie (pantau/core/web.py)
    "pantau.core.web.SessionMiddleware",
    "pantau.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # 429 on sign-in, password reset and public search, before the CSRF check counts nothing
    "pantau.core.web.RateLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: no-store on every answer to a signed-in request
    "pantau.core.web.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # idle timeout, absolute lifetime and the list of a person's sessions (decision 0026)
    "pantau.organisations.sesi.SesiMiddleware",
    # the second factor (decision 0027): which device verified this session (django-otp), then
    # every page waits for the code, or for enrolment where the role requires it
    "django_otp.middleware.OTPMiddleware",
    "pantau.organisations.middleware.SecondFactorMiddleware",
    # a temporary password set by an admin is changed before anything else (issue 11 §2)
    "pantau.organisations.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # turns a locked-out sign-in into Pantau's page (pantau/organisations/masuk.py); last, as
    # django-axes asks
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
# Every form field renders with all of its errors beside it (pantau/core/forms.py).
FORM_RENDERER = "pantau.core.forms.PantauFormRenderer"
# Bootstrap's alert classes for message levels: an error is `alert-danger`, not `alert-error`.
MESSAGE_TAGS = {message_level.ERROR: "danger", message_level.DEBUG: "secondary"}
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "pantau" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pantau.core.context_processors.pantau",
                "pantau.organisations.context_processors.roles",
                "pantau.notifications.context_processors.unread",
            ],
        },
    }
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        cfg = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        if cfg["ENGINE"].endswith("postgresql"):
            cfg.setdefault("OPTIONS", {})
            cfg["TEST"] = {"NAME": f"test_{cfg['NAME']}"}
        return cfg
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "pantau.sqlite3",
        # Tests use a file too (not shared-cache memory), so that the live server's threads and
        # the test wait on each other's locks as in production instead of failing at once.
        "TEST": {"NAME": str(DATA_DIR / "test-pantau.sqlite3")},
        "OPTIONS": {
            # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at
            # the start of each transaction so two writers never deadlock on an upgrade.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;PRAGMA busy_timeout=20000;"
            ),
        },
    }


DATABASES = {"default": _database()}


# Read replica (decision 0036, docs/scale-out.md): a PostgreSQL hot standby fed by streaming
# replication. The dashboard and the public portal read there when it is fresh; writes and the
# reads of anyone who just wrote stay on the primary (pantau/core/dbrouter.py).
def _replica(primary: dict) -> dict | None:
    url = os.environ.get("DATABASE_REPLICA_URL", "").strip()
    if not url:
        return None
    cfg = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if not (cfg["ENGINE"].endswith("postgresql") and primary["ENGINE"].endswith("postgresql")):
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL hanya untuk PostgreSQL (DATABASE_URL juga PostgreSQL). "
            "/ DATABASE_REPLICA_URL needs PostgreSQL (and a PostgreSQL DATABASE_URL)."
        )
    cfg.setdefault("OPTIONS", {})
    # an unreachable replica costs a request at most this long (then it is left alone a while)
    cfg["OPTIONS"].setdefault(
        "connect_timeout", int(os.environ.get("PANTAU_REPLICA_CONNECT_TIMEOUT", "2"))
    )
    # the test suite reads the primary's test database through this alias
    cfg["TEST"] = {"MIRROR": "default"}
    return cfg


REPLICA_MAX_LAG_SECONDS = float(os.environ.get("PANTAU_REPLICA_MAX_LAG_SECONDS", "5"))
REPLICA_PIN_SECONDS = int(os.environ.get("PANTAU_REPLICA_PIN_SECONDS", "15"))
REPLICA_RETRY_SECONDS = float(os.environ.get("PANTAU_REPLICA_RETRY_SECONDS", "10"))
_replica_cfg = _replica(DATABASES["default"])
if _replica_cfg is not None:
    if REPLICA_PIN_SECONDS < REPLICA_MAX_LAG_SECONDS:
        raise ImproperlyConfigured(
            "PANTAU_REPLICA_PIN_SECONDS harus >= PANTAU_REPLICA_MAX_LAG_SECONDS (agar yang baru "
            "disimpan terbaca). / PANTAU_REPLICA_PIN_SECONDS must be >= "
            "PANTAU_REPLICA_MAX_LAG_SECONDS (so that what was just saved is read back)."
        )
    DATABASES["replica"] = _replica_cfg
    DATABASE_ROUTERS = ["pantau.core.dbrouter.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2id first (decision 0026); older PBKDF2 hashes still verify and are rewritten as Argon2
# at the person's next sign-in (Django rehashes to the first hasher).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Every path that sets a password runs these (own change, reset link, CSV import, /pasang/,
# pemda_pasang); the common-password list ships with Django and is checked offline.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # the product's and the pemdas' own names ("wakatobi2026"): ASVS 5.0 V6.2.11
    {"NAME": "pantau.organisations.passwords.ContextWordsValidator"},
]
# django-axes first: it refuses a locked-out username + address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout (decision 0026): after AXES_FAILURE_LIMIT failed sign-ins for one username from one
# address, that pair is refused for PANTAU_LOCKOUT_MINUTES (even with the right password);
# another address still can; the pemda admin unlocks from /kelola/akun/<id>/.
AXES_FAILURE_LIMIT = int(os.environ.get("PANTAU_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("PANTAU_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_CLIENT_IP_CALLABLE = "pantau.organisations.masuk.client_ip"
AXES_USERNAME_CALLABLE = "pantau.organisations.masuk.client_username"
AXES_LOCKOUT_CALLABLE = "pantau.organisations.masuk.lockout_response"
AXES_ENABLE_ADMIN = False  # unlocking lives in /kelola/, scoped to the admin's pemda
AXES_VERBOSE = False
# sign-ins are recorded in the audit trail; axes keeps only the failure counts
AXES_DISABLE_ACCESS_LOG = True
# Sessions (decision 0026): one ends after PANTAU_SESSION_IDLE_MINUTES without a request and
# PANTAU_SESSION_MAX_HOURS after sign-in, whatever happens; the cookie lives no longer.
SESSION_IDLE_MINUTES = int(os.environ.get("PANTAU_SESSION_IDLE_MINUTES", "30"))
SESSION_MAX_HOURS = int(os.environ.get("PANTAU_SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 60 * 60
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"
# Two-factor sign-in (decision 0027): TOTP codes of 30 s, one step of clock drift either way,
# a code used once only (django-otp's last_t); wrong codes wait 1, 2, 4, 8 ... seconds.
OTP_TOTP_ISSUER = "Pantau"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# recovery codes shown after enrolment stay readable (and downloadable) this long, in the session
PANTAU_RECOVERY_SHOW_SECONDS = 15 * 60
# A password reset link works once (Django's token) and for one day.
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "pantau" / "locale"]
TIME_ZONE = os.environ.get("PANTAU_TIME_ZONE", "Asia/Makassar")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it to exist
# Our own assets and the npm packages the Makefile copies into pantau/static/vendor.
STATICFILES_DIRS = [BASE_DIR / "pantau" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "pantau.core.staticfiles.PantauStaticFilesStorage"
        )
    },
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# A stale form (old tab, ended session) gets a page that says so and leads back (core/views.py).
CSRF_FAILURE_VIEW = "pantau.core.views.csrf_failure"
# HTTPS in production (docs/security.md): TLS ends at the reverse proxy, which overwrites the
# header named here with the scheme the visitor used; plain HTTP is redirected to HTTPS and
# browsers are told to use HTTPS only (HSTS). `manage.py check --deploy` is clean with these.
_proxy_ssl = os.environ.get("PANTAU_PROXY_SSL_HEADER", "HTTP_X_FORWARDED_PROTO").strip()
SECURE_PROXY_SSL_HEADER = (_proxy_ssl, "https") if _proxy_ssl and not DEBUG else None
SECURE_SSL_REDIRECT = env_bool("PANTAU_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("PANTAU_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PANTAU_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("PANTAU_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# TLS and HSTS handled by the reverse proxy alone: HSTS and the HTTPS redirect may then be off
# here (the production check, pantau/core/checks.py, refuses them off without this).
HSTS_AT_PROXY = env_bool("PANTAU_HSTS_AT_PROXY", False)
# The production check runs when PANTAU_DEBUG=0 (read once here, before any test override).
PRODUCTION = not DEBUG


# Content Security Policy (django-csp; decision 0028): our own files only, no inline script or
# style anywhere (a test fails on any in a template), `data:` images for Bootstrap's SVG icons
# (select arrows, check marks, the menu button), and the map tile server when one is set.
def _tile_origin(url: str) -> list[str]:
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "*"))
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme in ("http", "https") else []


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": [
            "'self'",
            "data:",
            *_tile_origin(os.environ.get("PANTAU_MAP_TILES_URL", "").strip()),
        ],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
# No page uses the camera API (photo evidence is a file input with `capture`, which opens the
# phone's own camera app), geolocation, or any other powerful feature: all of them off.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "browsing-topics", "camera",
        "display-capture", "encrypted-media", "fullscreen", "geolocation", "gyroscope", "hid",
        "idle-detection", "magnetometer", "microphone", "midi", "payment",
        "picture-in-picture", "publickey-credentials-get", "screen-wake-lock", "serial",
        "usb", "xr-spatial-tracking",
    )
}  # fmt: skip

# Task queue (huey): SQLite storage in PANTAU_DATA_DIR by default, Redis when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
TASKS_IMMEDIATE = env_bool("PANTAU_TASKS_IMMEDIATE", False)
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "pantau",
        "url": REDIS_URL,
        "immediate": TASKS_IMMEDIATE,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "pantau",
        "filename": str(DATA_DIR / "tasks.sqlite3"),
        "immediate": TASKS_IMMEDIATE,
    }
HUEY["consumer"] = {"workers": 2, "worker_type": "thread"}
# Import jobs (decision 0021): a running job whose progress has not moved for this long is
# failed (its worker died); uploaded files are removed this many days after the job ended.
IMPORT_STALE_MINUTES = int(os.environ.get("PANTAU_IMPORT_STALE_MINUTES", "30"))
# a report build still berjalan/antri without progress for this long is marked failed (0039)
REPORT_STALE_MINUTES = int(os.environ.get("PANTAU_REPORT_STALE_MINUTES", "30"))
IMPORT_RETENTION_DAYS = int(os.environ.get("PANTAU_IMPORT_RETENTION_DAYS", "7"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10  # seconds: a slow mail server must not hold a worker
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "pantau@localhost")
PANTAU_BASE_URL = os.environ.get("PANTAU_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Maps work without any tile server (islands are drawn from data); a tile URL such as a
# Kominfo-hosted OpenStreetMap mirror can be added: https://tiles.example/{z}/{x}/{y}.png
PANTAU_MAP_TILES_URL = os.environ.get("PANTAU_MAP_TILES_URL", "").strip()
PANTAU_MAP_ATTRIBUTION = os.environ.get("PANTAU_MAP_ATTRIBUTION", "").strip()

# Evidence files: originals are private (served only through an access-checked view).
PRIVATE_ROOT = DATA_DIR / "private"
UPLOAD_MAX_PHOTO_MB = int(os.environ.get("PANTAU_UPLOAD_MAX_PHOTO_MB", "10"))
UPLOAD_MAX_PDF_MB = int(os.environ.get("PANTAU_UPLOAD_MAX_PDF_MB", "20"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Backups (issue 13, decision 0033, docs/backup.md): one verified copy in each target directory
# (the data-centre mount, a second disk); the key file lives apart from every one of them.
BACKUP_DIRS = [
    Path(p).resolve() for p in env_list("PANTAU_BACKUP_DIRS", [str(DATA_DIR / "backups")])
]
BACKUP_KEY_FILE = Path(
    os.environ.get("PANTAU_BACKUP_KEY_FILE") or DATA_DIR / "keys" / "backup.key"
).resolve()
BACKUP_KEEP = os.environ.get("PANTAU_BACKUP_KEEP", "7d,4w,12m").strip()
# /healthz: unhealthy below this free space (MB) in PANTAU_DATA_DIR or a backup directory, or
# when the last good backup / verification is older than this (0 turns that check off)
HEALTH_MIN_FREE_MB = int(os.environ.get("PANTAU_HEALTH_MIN_FREE_MB", "1024"))
HEALTH_BACKUP_MAX_HOURS = int(os.environ.get("PANTAU_HEALTH_BACKUP_MAX_HOURS", "26"))
HEALTH_VERIFY_MAX_DAYS = int(os.environ.get("PANTAU_HEALTH_VERIFY_MAX_DAYS", "8"))

# Cache: Redis when REDIS_URL is set (shared by every app server), else per process (its
# entries are keyed on the latest change, so a worker never serves a stale answer). "shared"
# holds what all workers must count together (the open-data rate limit): Redis, else one
# SQLite file in PANTAU_DATA_DIR that every worker on the machine opens (pantau/core/counters.py).
_redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
CACHES = {
    "default": (
        _redis if REDIS_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    "shared": (
        {**_redis, "KEY_PREFIX": "shared"}
        if REDIS_URL
        else {
            "BACKEND": "pantau.core.counters.SharedCounterCache",
            "LOCATION": str(DATA_DIR / "counters.sqlite3"),
        }
    ),
}
RATELIMIT_USE_CACHE = "shared"


# Budgets per client address of the web layer (pantau/core/web.py), keyed "URL name METHOD";
# empty or 0 turns one off. The public lists count only when they search (a `q` parameter).
def _rate(name: str, default: str) -> str:
    value = os.environ.get(name, default).strip()
    return "" if value in ("0", "off") else value


_rate_login = _rate("PANTAU_RATE_LOGIN", "30/m")
_rate_reset = _rate("PANTAU_RATE_PASSWORD_RESET", "20/h")
_rate_search = _rate("PANTAU_RATE_SEARCH", "120/m")
RATE_LIMITS = {
    "login POST": _rate_login,
    "akun:sandi-lupa POST": _rate_reset,
    "akun:sandi-reset POST": _rate_reset,
    # the second step: django-otp throttles per device; this counts per address too
    "masuk-verifikasi POST": _rate_login,
    "opendata:dataset-list GET": _rate_search,
    "opendata:kegiatan-list GET": _rate_search,
}
RATE_LIMITS_SEARCH_ONLY = {"opendata:dataset-list", "opendata:kegiatan-list"}
RATE_LIMITS_EXEMPT = set(env_list("PANTAU_RATE_EXEMPT", []))

# Open data (Satu Data datasets, public portal, CKAN API).
OPENDATA_MAX_UPLOAD_MB = int(os.environ.get("PANTAU_OPENDATA_MAX_UPLOAD_MB", "20"))
OPENDATA_MAX_ROWS = int(os.environ.get("PANTAU_OPENDATA_MAX_ROWS", "200000"))
# The pemda whose catalogue a host name serves when no pemda claims the host (one-pemda installs
# need nothing: the only pemda is served). Example: 74.07
OPENDATA_DEFAULT_PEMDA = os.environ.get("PANTAU_OPENDATA_PEMDA", "").strip()
OPENDATA_API_CACHE_SECONDS = int(os.environ.get("PANTAU_OPENDATA_API_CACHE_SECONDS", "60"))
# Calls per client address to the CKAN API, downloads and DCAT feeds ("1200/m"; empty or 0
# turns the limit off), addresses never limited, and the request header holding the client's
# address behind a reverse proxy (e.g. HTTP_X_REAL_IP; default REMOTE_ADDR).
OPENDATA_API_RATE = os.environ.get("PANTAU_OPENDATA_API_RATE", "1200/m").strip()
if OPENDATA_API_RATE in ("0", "off"):
    OPENDATA_API_RATE = ""
OPENDATA_API_RATE_EXEMPT = set(env_list("PANTAU_OPENDATA_API_RATE_EXEMPT", []))
OPENDATA_CLIENT_IP_HEADER = os.environ.get("PANTAU_CLIENT_IP_HEADER", "").strip()
OPENDATA_API_TIME_LIMIT_S = float(os.environ.get("PANTAU_OPENDATA_API_TIME_LIMIT_S", "10"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Uploads and hostile input (docs/security.md). Every spreadsheet read goes through
# pantau.core.spreadsheets under these limits; LimitedUploadHandler stops a file past
# UPLOAD_MAX_MB (or a request past UPLOAD_MAX_REQUEST_MB) while it streams in.
UPLOAD_MAX_MB = max(UPLOAD_MAX_PHOTO_MB, UPLOAD_MAX_PDF_MB, OPENDATA_MAX_UPLOAD_MB)
UPLOAD_MAX_REQUEST_MB = int(os.environ.get("PANTAU_UPLOAD_MAX_REQUEST_MB", "100"))
FILE_UPLOAD_HANDLERS = [
    "pantau.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
SPREADSHEET_MAX_UPLOAD_MB = OPENDATA_MAX_UPLOAD_MB
SPREADSHEET_MAX_ROWS = OPENDATA_MAX_ROWS
SPREADSHEET_MAX_COLUMNS = 500
SPREADSHEET_MAX_CELLS = int(os.environ.get("PANTAU_SPREADSHEET_MAX_CELLS", "4000000"))
SPREADSHEET_MAX_UNCOMPRESSED_MB = int(
    os.environ.get("PANTAU_SPREADSHEET_MAX_UNCOMPRESSED_MB", "200")
)
SPREADSHEET_MAX_RATIO = 200  # a sheet's XML compresses 5-50 times; bombs a thousand times
SPREADSHEET_MAX_ENTRIES = 1000

# Logs (decision 0035, pantau/core/logs.py): one line per record on stderr (journald keeps it),
# JSON in production and plain text in development unless PANTAU_LOG_FORMAT says otherwise;
# every line carries the request id (or the task id), one access line per request. gunicorn's
# own access log stays off (config/gunicorn.py).
LOG_FORMAT = os.environ.get("PANTAU_LOG_FORMAT", "").strip().lower() or (
    "text" if DEBUG else "json"
)
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(
        f"PANTAU_LOG_FORMAT harus 'json' atau 'text', bukan {LOG_FORMAT!r}. "
        f"/ PANTAU_LOG_FORMAT must be 'json' or 'text', not {LOG_FORMAT!r}."
    )
LOG_LEVEL = os.environ.get("PANTAU_LOG_LEVEL", "INFO").strip().upper() or "INFO"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "pantau.core.logs.ContextFilter"}},
    "formatters": {
        "json": {"()": "pantau.core.logs.json_formatter"},
        "text": {"()": "pantau.core.logs.TextFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # huey's consumer adds a handler of its own to "huey" unless it has one: ours, not twice
    "loggers": {
        "huey": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        # the access line replaces the development server's own request line
        "django.server": {"handlers": [], "level": "WARNING", "propagate": True},
    },
}
