"""Open-data jobs of the task queue."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from pantau.opendata import development


@db_periodic_task(crontab(minute="*/30"))
def pembangunan_refresh():
    """Development datasets follow the verified reports within half an hour."""
    return development.refresh_all()
