"""Writes of import jobs: create (the upload), start (the real import after a dry run), finish;
and the queue's housekeeping: stale jobs failed, old files removed (decision 0021)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pantau.audit.services import audit_record
from pantau.core.storage import remove, store
from pantau.organisations.access import scope_for
from pantau.organisations.models import Opd
from pantau.planning.models import ImportJob, TahunAnggaran


def _enqueue(job_id: int) -> None:
    from pantau.planning.tasks import run_import_job

    transaction.on_commit(lambda: run_import_job(job_id))


@transaction.atomic
def import_job_create(
    *,
    actor,
    tahun_anggaran: TahunAnggaran,
    kind: str,
    filename: str,
    content: bytes,
    opd=None,
) -> ImportJob:
    """Keep the uploaded file privately (with its checksum) and queue its dry run. `opd` is the
    OPD a kind registered with `needs_opd` imports for (default: the uploader's own OPD)."""
    from pantau.planning.jobs import KINDS, checksum

    if kind not in KINDS:
        raise ValidationError(_("Jenis impor tidak dikenal."))
    scope = scope_for(actor)
    if tahun_anggaran.pemda_id not in scope.roles:
        raise ValidationError(_("Tahun anggaran ini bukan milik pemda Anda."))
    own = sorted(scope.opd_ids)
    if opd is None and own and tahun_anggaran.pemda_id not in scope.pemda_ids:
        opd = Opd.objects.get(pk=own[0])  # an OPD-bound uploader imports for its own OPD
    if opd is not None and opd.pemda_id != tahun_anggaran.pemda_id:
        raise ValidationError(_("OPD ini bukan milik pemda tahun anggaran tersebut."))
    spec = KINDS[kind]
    if spec.needs_opd and opd is None:
        raise ValidationError(_("Pilih OPD yang laporannya diimpor."))
    if not spec.may_use(actor, tahun_anggaran.pemda_id, opd):
        raise ValidationError(_("Anda tidak berwenang mengimpor berkas jenis ini."))
    job = ImportJob(
        pemda_id=tahun_anggaran.pemda_id,
        tahun_anggaran=tahun_anggaran,
        opd=opd,
        user=actor,
        kind=kind,
        nama_berkas=filename[:200],
        berkas=store(content, suffix=".unggah"),
        sha256=checksum(content),
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
    job = ImportJob.objects.select_for_update(of=("self",)).get(pk=job.pk)
    counts = (job.hasil or {}).get("counts", {})
    if job.mode == ImportJob.Mode.IMPOR:  # a second click: the import runs once
        raise ValidationError(_("Impor berkas ini sudah dijalankan."))
    # the import writes as the person who uploaded the file and whose rights the dry run
    # checked; someone else who can see the job (the pemda admin) does not run it in their name
    if actor is None or job.user_id is None or actor.pk != job.user_id:
        raise ValidationError(
            _(
                "Hanya pengunggah berkas ini yang dapat menjalankan impornya; unggah sendiri berkasnya."
            )
        )
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


def rows_with_errors_marked(hasil: dict) -> dict:
    """Every importer's result, told the same way: a row that has an error in the list is a
    `galat` row, whatever outcome the importer had noted for it before the error was found
    (a later check, a merged cell below it), and the counts say so."""
    where = {(e.get("sheet"), e.get("row")) for e in hasil.get("errors", []) if e.get("row")}
    counts = dict(hasil.get("counts") or {})
    for row in hasil.get("rows", []):
        if (row.get("sheet"), row.get("row")) in where and row.get("outcome") != "galat":
            before = row.get("outcome")
            if counts.get(before):
                counts[before] -= 1
            counts["galat"] = counts.get("galat", 0) + 1
            row["outcome"] = "galat"
    return {**hasil, "counts": counts} if "counts" in hasil else hasil


@transaction.atomic
def import_job_finish(
    *,
    actor,
    job: ImportJob,
    hasil: dict | None,
    pesan: list[str],
    progress: tuple[int, int] | None = None,
) -> ImportJob:
    """Record the outcome of a run: the result (dry run or import) or the refusal, and the last
    progress it reported."""
    job = ImportJob.objects.select_for_update(of=("self",)).get(pk=job.pk)
    if progress:
        job.progress_done, job.progress_total = progress
    failed = hasil is None
    job.status = ImportJob.Status.GAGAL if failed else ImportJob.Status.SELESAI
    if not failed:
        job.hasil = rows_with_errors_marked(hasil)
    job.pesan = "\n".join(pesan)
    job.finished_at = timezone.now()
    if job.progress_total and not failed:
        job.progress_done = job.progress_total
    job.save(
        update_fields=[
            "status",
            "hasil",
            "pesan",
            "finished_at",
            "progress_done",
            "progress_total",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action=f"impor.{job.mode}.{job.status}",
        obj=job,
        pemda_id=job.pemda_id,
        opd_id=job.opd_id,
        changes={"_summary": {"counts": (hasil or {}).get("counts"), "galat": len(pesan)}},
    )
    return job


STALE_MESSAGE = gettext_lazy(
    "Proses impor terhenti tanpa selesai (pekerja antrean berhenti atau dimulai ulang); "
    "tidak ada yang disimpan. Unggah berkasnya lagi."
)


@transaction.atomic
def import_jobs_fail_stale(*, actor=None, now: dt.datetime | None = None) -> list[int]:
    """Mark failed every job left `berjalan` whose heartbeat (its last progress tick, or its
    start) is older than IMPORT_STALE_MINUTES: its worker died. Not re-queued: the run
    was all-or-nothing, so nothing of it was kept, and a file that kills its worker would kill
    the next one too. The user uploads again."""
    now = now or timezone.now()
    limit = now - dt.timedelta(minutes=settings.IMPORT_STALE_MINUTES)
    stale = list(
        ImportJob.objects.select_for_update(of=("self",)).filter(
            status=ImportJob.Status.BERJALAN, updated_at__lt=limit
        )
    )
    from pantau.planning.jobs import heartbeat_of

    stale = [j for j in stale if (heartbeat_of(j.pk) or 0) < limit.timestamp()]
    for job in stale:
        job.status = ImportJob.Status.GAGAL
        job.pesan = str(STALE_MESSAGE)
        job.finished_at = now
        job.full_clean()
        job.save(update_fields=["status", "pesan", "finished_at", "updated_at"])
        audit_record(
            actor=actor,
            action="impor.stale",
            obj=job,
            pemda_id=job.pemda_id,
            opd_id=job.opd_id,
            changes={"_summary": {"mode": job.mode}},
        )
    return [j.pk for j in stale]


@transaction.atomic
def import_files_purge(*, actor=None, now: dt.datetime | None = None) -> list[int]:
    """Remove the uploaded files of jobs finished (or failed) more than IMPORT_RETENTION_DAYS
    ago, and of jobs created that long ago that never finished; the job rows and their results
    stay. A dry run whose file is gone can no longer be imported (the user uploads again)."""
    now = now or timezone.now()
    limit = now - dt.timedelta(days=settings.IMPORT_RETENTION_DAYS)
    old = list(
        ImportJob.objects.select_for_update(of=("self",))
        .exclude(berkas="")
        .filter(Q(finished_at__lt=limit) | Q(finished_at__isnull=True, created_at__lt=limit))
    )
    for job in old:
        name = job.berkas
        transaction.on_commit(lambda name=name: remove(name))
        job.berkas = ""
        job.full_clean()
        job.save(update_fields=["berkas", "updated_at"])
        audit_record(
            actor=actor,
            action="impor.berkas_dihapus",
            obj=job,
            pemda_id=job.pemda_id,
            opd_id=job.opd_id,
        )
    return [j.pk for j in old]
