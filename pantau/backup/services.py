"""The database writes of backups, verifications and restores (decision 0033): each atomic and
audited. The long operations that call them are in `pantau.backup.runs`."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from pantau.audit.services import audit_record
from pantau.backup.models import BackupRun


@transaction.atomic
def backup_run_start(*, actor, kind: str, name: str = "", engine: str = "") -> BackupRun:
    run = BackupRun(kind=kind, started=timezone.now(), name=name, engine=engine)
    run.full_clean()
    run.save()
    audit_record(
        actor=actor, action=f"backup.{kind}", obj=run, changes={"name": name, "engine": engine}
    )
    return run


@transaction.atomic
def backup_run_finish(*, actor, run: BackupRun, reason: str = "", **fields: Any) -> BackupRun:
    """How a run ended: ok, or failed with `reason` (Indonesian / English)."""
    run.finished = timezone.now()
    run.status = BackupRun.Status.FAILED if reason else BackupRun.Status.OK
    run.reason = reason
    for name, value in fields.items():
        setattr(run, name, value)
    run.full_clean()
    run.save()
    audit_record(
        actor=actor,
        action=f"backup.{run.kind}.selesai",
        obj=run,
        changes={"status": run.status, "reason": reason[:500], "size": run.size},
    )
    return run


@transaction.atomic
def backup_runs_interrupt(*, actor, reason: str) -> int:
    """Runs still 'running' whose process died: failed, with `reason`."""
    stale = list(
        BackupRun.objects.select_for_update(of=("self",)).filter(status=BackupRun.Status.RUNNING)
    )
    for run in stale:
        run.status = BackupRun.Status.FAILED
        run.finished = timezone.now()
        run.reason = reason
        run.save(update_fields=["status", "finished", "reason"])
        audit_record(actor=actor, action=f"backup.{run.kind}.terputus", obj=run)
    return len(stale)


@transaction.atomic
def backup_prune_record(*, actor, deleted: list[str], keep: str) -> None:
    """Written before the files go, so that no deletion is unrecorded."""
    audit_record(
        actor=actor,
        action="backup.prune",
        object_type="backup.backupfile",
        changes={"deleted": deleted, "keep": keep},
    )


@transaction.atomic
def backup_key_record(*, actor) -> None:
    audit_record(
        actor=actor,
        action="backup.key",
        object_type="backup.key",
        changes={"created": True},  # never the key, nor its place
    )
