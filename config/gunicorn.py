"""gunicorn's settings for Pantau's app servers (deploy/systemd/pantau-web@.service; decision 0035).

    gunicorn --config python:config.gunicorn --bind 127.0.0.1:8001 config.wsgi:application

Pantau writes one access line per request itself (pantau/core/logs.py, JSON with the request
id), so gunicorn's access log is off; its own error log (start, stop, worker timeouts) goes to
stderr, i.e. the journal, like Pantau's lines. Values come from the environment file.
"""

import multiprocessing
import os

# about two workers per core (docs/operations.md); PANTAU_WEB_WORKERS overrides it per machine
workers = int(os.environ.get("PANTAU_WEB_WORKERS") or 2 * multiprocessing.cpu_count())
# a slow report build may take a while; a hung worker is killed and restarted after this
timeout = int(os.environ.get("PANTAU_WEB_TIMEOUT", "120"))
graceful_timeout = 30
# workers are replaced now and then (a leak in any library cannot grow without bound)
max_requests = 2000
max_requests_jitter = 200
accesslog = None
errorlog = "-"
loglevel = os.environ.get("PANTAU_LOG_LEVEL", "info").lower()
# nginx on the same machine is the only client: gunicorn takes X-Forwarded-Proto from it alone
# (Django reads the scheme and the client address itself: PANTAU_PROXY_SSL_HEADER,
# PANTAU_CLIENT_IP_HEADER); app servers on other machines set FORWARDED_ALLOW_IPS to nginx's
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# no control socket: every instance would take the same $HOME/.gunicorn/gunicorn.ctl, and
# systemd (ExecReload, stop) is how the units are steered
control_socket_disable = True
# the request line and headers a proxy forwards are never longer than nginx's own limits
limit_request_line = 8190

# gunicorn's own lines (start, stop, worker timeouts) in the same JSON as Pantau's when the logs
# are JSON (PANTAU_LOG_FORMAT, default json with PANTAU_DEBUG=0; pantau/core/logs.py)
_debug = os.environ.get("PANTAU_DEBUG", "1").strip().lower() in {"1", "true", "yes", "on"}
_format = os.environ.get("PANTAU_LOG_FORMAT", "").strip().lower() or ("text" if _debug else "json")
if _format == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "pantau.core.logs.ContextFilter"}},
        "formatters": {"json": {"()": "pantau.core.logs.json_formatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["context"],
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["console"], "level": "INFO"},
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }
