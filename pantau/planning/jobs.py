"""Import jobs: the registry of importers and the runner the task queue calls
(docs/decisions/0021).

An importer is a `kind` with two functions of the same shape,
`dry_run(*, actor, content, filename, tahun_anggaran, progress)` and
`run(*, actor, content, filename, tahun_anggaran, progress)`: the dry run returns a result with
`as_dict()` (keys `counts`, `rows`, `errors`; never writes), the run writes all or nothing and
returns the same kind of result, or raises ValidationError. `progress(done, total)` may be
called at any time. The plan workbook registers itself here as `rencana`; the realisation and
SIPD imports register theirs (`register(...)` in their AppConfig.ready).

Progress ticks are written with a plain update of the job row (bookkeeping of the queue, not a
change of plan data: no audit event per tick); creating, starting and finishing a job are
services with audit (`services_impor`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pantau.core.errors import error_messages
from pantau.core.storage import open_private
from pantau.planning.models import ImportJob


@dataclass(frozen=True)
class ImportKind:
    label: object
    dry_run: Callable
    run: Callable


KINDS: dict[str, ImportKind] = {}


def register(kind: str, *, label, dry_run: Callable, run: Callable) -> None:
    KINDS[kind] = ImportKind(label, dry_run, run)


def _progress(job_id: int) -> Callable[[int, int], None]:
    def tick(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(progress_done=done, progress_total=total)

    return tick


def run_job(job_id: int) -> ImportJob:
    """Run a queued job (its dry run or its import) and record the outcome."""
    from pantau.planning.services_impor import import_job_finish

    job = ImportJob.objects.select_related("tahun_anggaran").get(pk=job_id)
    if job.status != ImportJob.Status.ANTRI:
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.BERJALAN)
    kind = KINDS[job.kind]
    actor = get_user_model().objects.filter(pk=job.user_id).first()
    content = open_private(job.berkas).read_bytes()
    fn = kind.dry_run if job.mode == ImportJob.Mode.UJI else kind.run
    try:
        result = fn(
            actor=actor,
            content=content,
            filename=job.nama_berkas,
            tahun_anggaran=job.tahun_anggaran,
            progress=_progress(job.pk),
        )
    except ValidationError as exc:
        return import_job_finish(actor=actor, job=job, hasil=None, pesan=error_messages(exc))
    return import_job_finish(actor=actor, job=job, hasil=result.as_dict(), pesan=[])


def _register_plan() -> None:
    from pantau.planning.workbook_import import plan_file_dry_run, plan_file_import

    register(
        "rencana",
        label=_("Rencana (templat rencana)"),
        dry_run=plan_file_dry_run,
        run=plan_file_import,
    )


_register_plan()


# ---------------------------------------------------------------- reads


def import_jobs_for(*, user, limit: int = 20) -> list[ImportJob]:
    """The user's own jobs, newest first; the pemda admin sees every job of the pemda."""
    from django.db.models import Q

    from pantau.organisations.access import scope_for
    from pantau.organisations.choices import Role

    scope = scope_for(user)
    admin_of = [p for p, role in scope.roles.items() if role == Role.ADMIN]
    return list(
        ImportJob.objects.filter(Q(user=user) | Q(pemda_id__in=admin_of))
        .filter(pemda_id__in=list(scope.roles))
        .select_related("tahun_anggaran", "user")[:limit]
    )


def access_import_job(user, pk: int) -> ImportJob:
    """The job if it is the user's own or the user administers its pemda; 404 otherwise."""
    from django.http import Http404

    from pantau.organisations.access import scope_for
    from pantau.organisations.choices import Role

    job = ImportJob.objects.select_related("tahun_anggaran", "user").filter(pk=pk).first()
    scope = scope_for(user)
    if job is None or job.pemda_id not in scope.roles:
        raise Http404
    if job.user_id != user.pk and scope.role_in(job.pemda_id) != Role.ADMIN:
        raise Http404
    return job
