"""Import jobs: the registry of importers and the runner the task queue calls
(docs/decisions/0021).

An importer is a `kind` with two functions of the same shape,
`dry_run(*, actor, content, filename, tahun_anggaran, progress)` and
`run(*, actor, content, filename, tahun_anggaran, progress)` (plus `opd=` for a kind registered
with `needs_opd=True`, the OPD the job is for): the dry run returns a result with
`as_dict()` (keys `counts`, `rows`, `errors`; never writes), the run writes all or nothing and
returns the same kind of result, or raises ValidationError. `progress(done, total)` may be
called at any time. `may_use(user, pemda_id, opd)` says who may upload a file of the kind. The
plan workbook (`rencana`) and SIPD (`sipd`) register here, the realisation workbook
(`realisasi`) from monitoring's AppConfig.ready.

Progress ticks go to the `shared` cache (one SQLite file for every process, or Redis), not to
the job row: an importer runs inside its own transaction, so a tick written to the row would
stay invisible to the page polling it until the end. The last tick is also the job's heartbeat
(stale jobs, `services_impor.import_jobs_fail_stale`); the final counts are written to the row
when the job finishes. Creating, starting and finishing a job are services with audit
(`services_impor`).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pantau.core.errors import error_messages
from pantau.core.storage import open_private
from pantau.planning.models import ImportJob


def _anyone(user, pemda_id, opd) -> bool:
    return True


@dataclass(frozen=True)
class ImportKind:
    label: object
    dry_run: Callable
    run: Callable
    may_use: Callable = _anyone
    needs_opd: bool = False
    help: object = ""


KINDS: dict[str, ImportKind] = {}


def register(
    kind: str,
    *,
    label,
    dry_run: Callable,
    run: Callable,
    may_use: Callable = _anyone,
    needs_opd: bool = False,
    help="",
) -> None:
    KINDS[kind] = ImportKind(label, dry_run, run, may_use, needs_opd, help)


def kinds_for(user, pemda_id: int, opd=None) -> dict[str, ImportKind]:
    """The kinds this user may upload in this pemda (for this OPD, when one is chosen)."""
    return {k: v for k, v in KINDS.items() if v.may_use(user, pemda_id, opd)}


def checksum(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


PROGRESS_TTL = 14 * 24 * 3600


def _key(job_id: int, part: str) -> str:
    return f"impor:{job_id}:{part}"


def _progress(job_id: int) -> Callable[[int, int], None]:
    cache = caches["shared"]

    def tick(done: int, total: int) -> None:
        cache.set_many(
            {
                _key(job_id, "done"): int(done),
                _key(job_id, "total"): int(total),
                _key(job_id, "beat"): int(timezone.now().timestamp()),
            },
            PROGRESS_TTL,
        )

    return tick


def progress_of(job_id: int) -> tuple[int, int] | None:
    """The last (done, total) a running job reported, or None."""
    got = caches["shared"].get_many([_key(job_id, "done"), _key(job_id, "total")])
    if _key(job_id, "total") not in got:
        return None
    return got.get(_key(job_id, "done"), 0), got[_key(job_id, "total")]


def heartbeat_of(job_id: int) -> int | None:
    """When (epoch seconds) a running job last reported progress, or None."""
    return caches["shared"].get(_key(job_id, "beat"))


def with_live_progress(job: ImportJob) -> ImportJob:
    if job.berjalan and (live := progress_of(job.pk)):
        job.progress_done, job.progress_total = live
    return job


def run_job(job_id: int) -> ImportJob:
    """Run a queued job (its dry run or its import) and record the outcome."""
    from pantau.planning.services_impor import import_job_finish

    job = ImportJob.objects.select_related("tahun_anggaran", "opd").get(pk=job_id)
    # only one worker takes a queued job, however often it was queued (two clicks)
    taken = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.ANTRI).update(
        status=ImportJob.Status.BERJALAN, updated_at=timezone.now()
    )
    if not taken:
        job.refresh_from_db()
        return job
    kind = KINDS[job.kind]
    # the uploader's own rights, never the system's (None): a job whose uploader was removed
    # or deactivated fails
    actor = get_user_model().objects.filter(pk=job.user_id, is_active=True).first()
    if actor is None:
        return import_job_finish(
            actor=None,
            job=job,
            hasil=None,
            pesan=[
                gettext("Akun pengunggah berkas ini tidak aktif lagi; tidak ada yang disimpan.")
            ],
            progress=None,
        )
    fn = kind.dry_run if job.mode == ImportJob.Mode.UJI else kind.run
    extra = {"opd": job.opd} if kind.needs_opd else {}
    try:
        content = _content(job)
        result = fn(
            actor=actor,
            content=content,
            filename=job.nama_berkas,
            tahun_anggaran=job.tahun_anggaran,
            progress=_progress(job.pk),
            **extra,
        )
    except ValidationError as exc:
        return import_job_finish(
            actor=actor,
            job=job,
            hasil=None,
            pesan=error_messages(exc),
            progress=progress_of(job.pk),
        )
    return import_job_finish(
        actor=actor, job=job, hasil=result.as_dict(), pesan=[], progress=progress_of(job.pk)
    )


def _content(job: ImportJob) -> bytes:
    """The job's file, exactly the one its dry run read: refused when it was removed or changed."""
    if not job.berkas:
        raise ValidationError(gettext("Berkas impor ini sudah dihapus; unggah lagi."))
    try:
        content = open_private(job.berkas).read_bytes()
    except OSError as exc:
        raise ValidationError(gettext("Berkas impor ini sudah dihapus; unggah lagi.")) from exc
    if job.sha256 and checksum(content) != job.sha256:
        raise ValidationError(
            gettext("Berkas berubah sejak uji coba; tidak ada yang disimpan. Unggah lagi.")
        )
    return content


class RowsResult:
    """A result in the registry's shape (`counts`, `rows`, `errors`) made from another shape."""

    def __init__(self, *, rows: list[dict], errors: list[dict], extra: dict | None = None):
        self.rows, self.errors, self.extra = rows, errors, extra or {}

    def as_dict(self) -> dict:
        counts = Counter(r["outcome"] for r in self.rows)
        counts["galat"] = max(counts["galat"], 1 if self.errors else 0)
        return {"counts": dict(counts), "rows": self.rows, "errors": self.errors, **self.extra}


def _register_plan() -> None:
    from pantau.planning.workbook_import import importable_opds, plan_file_dry_run, plan_file_import

    register(
        "rencana",
        label=_("Rencana (templat rencana)"),
        dry_run=plan_file_dry_run,
        run=plan_file_import,
        may_use=lambda user, pemda_id, opd: bool(importable_opds(user, pemda_id)),
        help=_("Templat rencana: .xlsx atau .zip berisi CSV."),
    )


def _sipd_records(content: bytes, filename: str, tahun_anggaran):
    from pantau.planning.choices import JenisPemetaanSipd
    from pantau.planning.models import PemetaanSipdNilai
    from pantau.planning.sipd import sipd_read

    pemda = tahun_anggaran.pemda
    if not PemetaanSipdNilai.objects.filter(pemda=pemda, jenis=JenisPemetaanSipd.UNIT).exists():
        raise ValidationError(
            gettext(
                "Pemetaan SIPD pemda ini belum berisi unit SKPD; isi dulu di layar Pemetaan SIPD."
            )
        )
    return pemda, sipd_read([(filename, content)])


def _sipd_result(result) -> RowsResult:
    data = result.as_dict()
    outcome = {"siap": "baru", "galat": "galat", "dilewati": "tetap"}
    rows = [
        {
            "sheet": "data_sub_keg_bl",
            "row": r["baris"],
            "kode": r["kode"] or r["kode_sbl"],
            "outcome": outcome.get(r["status"], r["status"]),
            "pesan": "; ".join(r["catatan"]),
        }
        for r in data["records"]
    ]
    return RowsResult(rows=rows, errors=data["errors"], extra={"results": data["results"]})


def sipd_job_dry_run(*, actor, content, filename, tahun_anggaran, progress):
    from pantau.planning.sipd import sipd_dry_run

    pemda, records = _sipd_records(content, filename, tahun_anggaran)
    return _sipd_result(
        sipd_dry_run(
            actor=actor,
            pemda=pemda,
            tahun=tahun_anggaran.tahun,
            records=records,
            progress=progress,
        )
    )


def sipd_job_import(*, actor, content, filename, tahun_anggaran, progress):
    from pantau.planning.sipd import sipd_import

    pemda, records = _sipd_records(content, filename, tahun_anggaran)
    return _sipd_result(
        sipd_import(
            actor=actor, pemda=pemda, tahun=tahun_anggaran.tahun, records=records, progress=progress
        )
    )


def _may_sipd(user, pemda_id, opd) -> bool:
    from pantau.organisations.access import scope_for
    from pantau.planning.sipd.pemetaan import EDITOR_ROLES

    return scope_for(user).role_in(pemda_id) in EDITOR_ROLES


def _register_sipd() -> None:
    register(
        "sipd",
        label=_("SIPD (data_sub_keg_bl dan tabel terkait)"),
        dry_run=sipd_job_dry_run,
        run=sipd_job_import,
        may_use=_may_sipd,
        help=_("Rekaman SIPD: .json, .xlsx (satu lembar per tabel) atau .csv per tabel."),
    )


_register_plan()
_register_sipd()


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
    return with_live_progress(job)
