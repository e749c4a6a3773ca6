"""GET /healthz for monitors (issue 13 §4): JSON, no sign-in, no session, no cookie; 200 when
every check passes, 503 otherwise. It names checks, never paths, hosts or secrets."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from pantau.backup import selectors
from pantau.backup.models import BackupRun


def _database() -> dict[str, Any]:
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
    except Exception:  # any failure to reach the database is the answer, not an error page
        return {"ok": False}
    return {"ok": True}


def _queue() -> dict[str, Any]:
    from huey.contrib.djhuey import HUEY

    try:
        pending = HUEY.pending_count()
    except Exception:  # Redis down, SQLite file unreadable: reported, not raised
        return {"ok": False}
    return {"ok": True, "pending": pending}


def _disk(path: Path) -> dict[str, Any]:
    try:
        free = shutil.disk_usage(path).free // (1024 * 1024)
    except OSError:
        return {"ok": False, "free_mb": None}
    return {"ok": free >= settings.HEALTH_MIN_FREE_MB, "free_mb": free}


def _age(run: BackupRun | None, limit_hours: float) -> dict[str, Any]:
    if limit_hours <= 0:
        return {"ok": True, "checked": False}
    if run is None or run.finished is None:
        return {"ok": False, "age_hours": None}
    from django.utils import timezone

    hours = (timezone.now() - run.finished).total_seconds() / 3600
    return {"ok": hours <= limit_hours, "age_hours": round(hours, 1)}


@never_cache
@require_safe
def healthz(request):
    checks: dict[str, Any] = {"database": _database(), "queue": _queue()}
    checks["disk_data"] = _disk(Path(settings.DATA_DIR))
    for i, target in enumerate(settings.BACKUP_DIRS, 1):
        checks[f"disk_backup_{i}"] = _disk(Path(target))
    if checks["database"]["ok"]:
        checks["last_backup"] = _age(
            selectors.run_last_good(BackupRun.Kind.BACKUP), settings.HEALTH_BACKUP_MAX_HOURS
        )
        checks["last_verify"] = _age(
            selectors.run_last_good(BackupRun.Kind.VERIFY), settings.HEALTH_VERIFY_MAX_DAYS * 24
        )
    healthy = all(c["ok"] for c in checks.values())
    body = {"status": "ok" if healthy else "fail", "checks": checks}
    return JsonResponse(body, status=200 if healthy else 503)
