"""Background tasks (huey): notices and reminders, never run inside a request."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from pantau.notifications import services


@db_task(retries=3, retry_delay=60)
def send_transition_notice(realisasi_id: int, name: str, actor_id: int | None, catatan: str) -> int:
    return len(
        services.transition_notice(
            realisasi_id=realisasi_id, name=name, catatan=catatan, actor_id=actor_id
        )
    )


@db_task(retries=3, retry_delay=60)
def send_bulk_verify_notice(opd_id: int, realisasi_ids: list[int], actor_id: int | None) -> int:
    from pantau.notifications.services_antrian import bulk_verify_notice

    return len(bulk_verify_notice(opd_id=opd_id, realisasi_ids=realisasi_ids, actor_id=actor_id))


@db_task(retries=3, retry_delay=60)
def send_reopen_notice(opening_id: int) -> int:
    return len(services.reopen_notice(opening_id=opening_id))


@db_task(retries=3, retry_delay=60)
def send_dokumen_notice(dokumen_id: int, name: str, catatan: str) -> int:
    return len(services.dokumen_notice(dokumen_id=dokumen_id, name=name, catatan=catatan))


# Hourly: each pemda gets at most one reminder per OPD, period and day (deduplicated by key).
@db_periodic_task(crontab(minute="5"))
def send_reminders() -> int:
    return services.send_reminders()
