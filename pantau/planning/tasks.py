"""Background tasks of planning (huey): import jobs run here, never inside a request; every five
minutes stale jobs are failed and old uploads removed (decision 0021)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def run_import_job(job_id: int) -> str:
    from pantau.planning.jobs import run_job

    return run_job(job_id).status


@db_periodic_task(crontab(minute="*/5"))
def import_jobs_housekeeping() -> tuple[int, int]:
    from pantau.planning.services_impor import import_files_purge, import_jobs_fail_stale

    return len(import_jobs_fail_stale()), len(import_files_purge())
