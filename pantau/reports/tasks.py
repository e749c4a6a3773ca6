"""Background tasks of the reports (huey): the pemda's large reports are built here, never in a
request; every ten minutes a build that stopped reporting progress is marked failed."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def build_laporan(laporan_id: int) -> str:
    from pantau.reports.jobs import laporan_run

    return laporan_run(laporan_id).status


@db_periodic_task(crontab(minute="*/10"))
def laporan_housekeeping() -> int:
    from pantau.reports.services import laporan_fail_stale

    return len(laporan_fail_stale())
