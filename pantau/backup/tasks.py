"""Nightly backup (then retention) and weekly verification, in the task queue (decision 0033)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from pantau.backup import runs
from pantau.backup.models import BackupRun


@db_periodic_task(crontab(minute="30", hour="1"))
def backup_nightly():
    """Every night at 01:30: back up into every target, then apply PANTAU_BACKUP_KEEP."""
    run = runs.backup_create(actor=None)
    if run.status == BackupRun.Status.OK:
        runs.backup_prune(actor=None)
    return run.status


@db_periodic_task(crontab(minute="30", hour="3", day_of_week="0"))
def backup_verify_weekly():
    """Every Sunday at 03:30: restore the newest good backup into a scratch database."""
    return runs.backup_verify(actor=None).status
