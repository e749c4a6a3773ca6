"""Audit jobs of the task queue."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from pantau.audit import chain


@db_periodic_task(crontab(minute="15", hour="0"))
def audit_head_write():
    """Every day, the heads of every audit chain go outside the database (decision 0030)."""
    return str(chain.head_file_write())
