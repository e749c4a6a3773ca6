"""Background tasks of planning (huey): import jobs run here, never inside a request."""

from huey.contrib.djhuey import db_task


@db_task()
def run_import_job(job_id: int) -> str:
    from pantau.planning.jobs import run_job

    return run_job(job_id).status
