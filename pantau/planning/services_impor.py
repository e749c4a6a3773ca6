"""Writes of import jobs: create (the upload), start (the real import after a dry run), finish."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pantau.audit.services import audit_record
from pantau.core.storage import store
from pantau.organisations.access import scope_for
from pantau.planning.models import ImportJob, TahunAnggaran


def _enqueue(job_id: int) -> None:
    from pantau.planning.tasks import run_import_job

    transaction.on_commit(lambda: run_import_job(job_id))


@transaction.atomic
def import_job_create(
    *, actor, tahun_anggaran: TahunAnggaran, kind: str, filename: str, content: bytes
) -> ImportJob:
    """Keep the uploaded file privately and queue its dry run."""
    from pantau.planning.jobs import KINDS

    if kind not in KINDS:
        raise ValidationError(_("Jenis impor tidak dikenal."))
    scope = scope_for(actor)
    if tahun_anggaran.pemda_id not in scope.roles:
        raise ValidationError(_("Tahun anggaran ini bukan milik pemda Anda."))
    own = sorted(scope.opd_ids)
    job = ImportJob(
        pemda_id=tahun_anggaran.pemda_id,
        tahun_anggaran=tahun_anggaran,
        opd_id=own[0] if own and tahun_anggaran.pemda_id not in scope.pemda_ids else None,
        user=actor,
        kind=kind,
        nama_berkas=filename[:200],
        berkas=store(content, suffix=".unggah"),
    )
    job.full_clean()
    job.save()
    audit_record(
        actor=actor,
        action="impor.create",
        obj=job,
        pemda_id=job.pemda_id,
        opd_id=job.opd_id,
        changes={"_summary": {"kind": kind, "berkas": job.nama_berkas, "bytes": len(content)}},
    )
    _enqueue(job.pk)
    return job


@transaction.atomic
def import_job_start(*, actor, job: ImportJob) -> ImportJob:
    """The real import of a file whose dry run found no error."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    counts = (job.hasil or {}).get("counts", {})
    if (
        job.mode != ImportJob.Mode.UJI
        or job.status != ImportJob.Status.SELESAI
        or job.hasil.get("errors")
        or counts.get("galat")
    ):
        raise ValidationError(_("Impor hanya dapat dijalankan setelah uji coba tanpa galat."))
    job.mode, job.status = ImportJob.Mode.IMPOR, ImportJob.Status.ANTRI
    job.progress_done = job.progress_total = 0
    job.finished_at = None
    job.save(update_fields=["mode", "status", "progress_done", "progress_total", "finished_at"])
    audit_record(
        actor=actor, action="impor.start", obj=job, pemda_id=job.pemda_id, opd_id=job.opd_id
    )
    _enqueue(job.pk)
    return job


@transaction.atomic
def import_job_finish(*, actor, job: ImportJob, hasil: dict | None, pesan: list[str]) -> ImportJob:
    """Record the outcome of a run: the result (dry run or import) or the refusal."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    failed = hasil is None
    job.status = ImportJob.Status.GAGAL if failed else ImportJob.Status.SELESAI
    if not failed:
        job.hasil = hasil
    job.pesan = "\n".join(pesan)
    job.finished_at = timezone.now()
    if job.progress_total and not failed:
        job.progress_done = job.progress_total
    job.save(update_fields=["status", "hasil", "pesan", "finished_at", "progress_done"])
    audit_record(
        actor=actor,
        action=f"impor.{job.mode}.{job.status}",
        obj=job,
        pemda_id=job.pemda_id,
        opd_id=job.opd_id,
        changes={"_summary": {"counts": (hasil or {}).get("counts"), "galat": len(pesan)}},
    )
    return job
