"""What the admin page, `pantau backup list` and /healthz read about backups. Backups are per
instance (one database, one set of files), so only superusers see them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from pantau.backup import runs
from pantau.backup.models import BackupRun


def run_last_good(kind: str) -> BackupRun | None:
    return (
        BackupRun.objects.filter(kind=kind, status=BackupRun.Status.OK)
        .order_by("-finished", "-id")
        .first()
    )


def run_last(kind: str) -> BackupRun | None:
    return BackupRun.objects.filter(kind=kind).order_by("-started", "-id").first()


def run_shown_status(run: BackupRun) -> str:
    """A run still 'running' while no process holds the lock was cut off (kill -9)."""
    if run.status == BackupRun.Status.RUNNING and not runs.lock_held():
        return "interrupted"
    return run.status


@dataclass(frozen=True)
class Status:
    last_backup: BackupRun | None
    last_verify: BackupRun | None
    last_verify_any: BackupRun | None
    backup_age: dt.timedelta | None
    verify_age: dt.timedelta | None


def backup_status_for(user) -> Status | None:
    if not (user.is_authenticated and user.is_superuser):
        return None
    return backup_status()


def backup_status() -> Status:
    now = timezone.now()
    backup = run_last_good(BackupRun.Kind.BACKUP)
    verify = run_last_good(BackupRun.Kind.VERIFY)
    return Status(
        last_backup=backup,
        last_verify=verify,
        last_verify_any=run_last(BackupRun.Kind.VERIFY),
        backup_age=now - backup.finished if backup and backup.finished else None,
        verify_age=now - verify.finished if verify and verify.finished else None,
    )


@dataclass(frozen=True)
class Listed:
    target: int
    path: Path
    good: bool
    verified: bool
    age: dt.timedelta
    size: int


def backup_list() -> list[Listed]:
    """Every Pantau backup file in every target: good (its run wrote and checksummed it, and
    it still has that size), verified (a verification of it ended well), age."""
    recorded: dict[tuple[int, str], int] = {}
    for run in BackupRun.objects.filter(kind=BackupRun.Kind.BACKUP).exclude(files=[]):
        for f in run.files:
            if f.get("ok"):
                recorded[(f["target"], f["name"])] = f["size"]
    verified = runs.verified_names()
    now = timezone.now()
    out = []
    for target, path in runs.backup_files():
        size = path.stat().st_size
        out.append(
            Listed(
                target=target,
                path=path,
                good=recorded.get((target, path.name)) == size,
                verified=path.name in verified,
                age=now - runs._stamp(path.name),
                size=size,
            )
        )
    return out
