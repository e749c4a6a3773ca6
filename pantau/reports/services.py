"""Writes of the reports app (decision 0039): asking for a report, building it (the table for
the asker's own rights, rendered, stored in private storage, then the row marked done with the
data version) and failing builds whose worker died. Each writes its audit event in the same
transaction. A crash leaves either no file or a stored file of a row still `berjalan` (failed
later by `laporan_fail_stale`, the file removed): never a `selesai` row without its file."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pantau.audit.models import AuditEvent
from pantau.audit.services import audit_record
from pantau.core.storage import remove, store
from pantau.reports.choices import Format, Status
from pantau.reports.jobs import progress_of, progress_tick
from pantau.reports.models import LaporanResmi
from pantau.reports.selectors import Permintaan, permintaan_check, tabel_for

log = logging.getLogger(__name__)
STALE_MESSAGE = gettext_lazy(
    "Pembuatan laporan terhenti (proses latar berhenti); silakan buat ulang."
)
CONTENT_TYPES = {
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Format.PDF: "application/pdf",
}


@transaction.atomic
def laporan_request(*, actor, permintaan: Permintaan, format: str) -> LaporanResmi:
    """A report asked for: a queued row (built by `laporan_build`, in the task queue for the
    pemda's reports, at once for an OPD's). Refused in words when the user may not read it."""
    if format not in Format.values:
        raise ValidationError(_("Format laporan harus XLSX atau PDF."))
    try:
        permintaan_check(actor, permintaan)
    except Http404:
        raise ValidationError(_("Anda tidak berhak membuat laporan ini.")) from None
    p = permintaan
    laporan = LaporanResmi(
        pemda=p.pemda,
        jenis=p.jenis,
        format=format,
        tahun_anggaran=p.tahun_anggaran,
        opd=p.opd,
        bulan=p.bulan,
        triwulan=p.triwulan,
        dasar=p.dasar,
        dibuat_oleh=actor,
        status=Status.ANTRI,
    )
    laporan.full_clean()
    laporan.save()
    audit_record(
        actor=actor,
        action="laporan_resmi.minta",
        obj=laporan,
        changes={
            "_summary": {
                "jenis": p.jenis,
                "format": format,
                "bulan": p.bulan,
                "opd": p.opd.pk if p.opd else None,
            }
        },
    )
    return laporan


def laporan_enqueue(laporan: LaporanResmi) -> None:
    """Hand a queued report to the task queue once the asking transaction has committed."""
    from pantau.reports.tasks import build_laporan

    transaction.on_commit(lambda: build_laporan(laporan.pk))


def _render(laporan: LaporanResmi, actor, tick) -> tuple[bytes, str, bool]:
    from pantau.reports.pdf import tabel_pdf
    from pantau.reports.xlsx import tabel_xlsx

    p = Permintaan(
        jenis=laporan.jenis,
        tahun_anggaran=laporan.tahun_anggaran,
        opd=laporan.opd,
        bulan=laporan.bulan,
        triwulan=laporan.triwulan,
        dasar=laporan.dasar,
    )
    tick(1, 3)
    table, rahasia = tabel_for(user=actor, p=p)
    versi = table.versi()
    tick(2, 3)
    if laporan.format == Format.XLSX:
        data = tabel_xlsx(table, judul_lembar=str(laporan.get_jenis_display()))
    else:
        data = tabel_pdf(table, pemda=laporan.pemda, versi=versi)
    tick(3, 3)
    laporan.nama_berkas = f"{table.nama_berkas}.{laporan.format}"
    return data, versi, rahasia


def laporan_build(*, laporan_id: int) -> LaporanResmi:
    """Build a queued report with the rights of whoever asked for it (never the system's)."""
    laporan = LaporanResmi.objects.select_related("tahun_anggaran__pemda", "opd", "pemda").get(
        pk=laporan_id
    )
    taken = LaporanResmi.objects.filter(pk=laporan.pk, status=Status.ANTRI).update(
        status=Status.BERJALAN, updated_at=timezone.now()
    )
    if not taken:  # queued twice, or already done
        laporan.refresh_from_db()
        return laporan
    actor = get_user_model().objects.filter(pk=laporan.dibuat_oleh_id, is_active=True).first()
    if actor is None:
        return _finish_failed(laporan, _("Akun yang meminta laporan ini tidak aktif lagi."))
    name = ""
    try:
        data, versi, rahasia = _render(laporan, actor, progress_tick(laporan.pk))
        name = store(data, suffix=f".{laporan.format}")
        return _finish_done(laporan, actor, name, data, versi, rahasia)
    except Exception as exc:  # a report that cannot be built is marked failed, in words
        remove(name)
        log.exception("laporan %s gagal dibuat", laporan.pk)
        message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else ""
        return _finish_failed(laporan, message or _("Laporan gagal dibuat; coba lagi."))


@transaction.atomic
def _finish_done(laporan, actor, name: str, data: bytes, versi: str, rahasia: bool):
    last = AuditEvent.objects.filter(pemda_id=laporan.pemda_id).order_by("-id").first()
    live = progress_of(laporan.pk)
    laporan.status = Status.SELESAI
    laporan.berkas = name
    laporan.ukuran = len(data)
    laporan.sha256 = hashlib.sha256(data).hexdigest()
    laporan.versi_data = versi
    laporan.audit_terakhir = last.pk if last else None
    laporan.memuat_rahasia = rahasia
    laporan.selesai_pada = timezone.now()
    laporan.progress_done, laporan.progress_total = live or (1, 1)
    laporan.full_clean()
    laporan.save()
    audit_record(
        actor=actor,
        action="laporan_resmi.buat",
        obj=laporan,
        changes={"_summary": {"versi_data": versi, "sha256": laporan.sha256}},
    )
    return laporan


@transaction.atomic
def _finish_failed(laporan, message: str, actor=None):
    laporan.status = Status.GAGAL
    laporan.pesan = str(message)
    laporan.selesai_pada = timezone.now()
    laporan.full_clean()
    laporan.save(update_fields=["status", "pesan", "selesai_pada", "updated_at"])
    audit_record(
        actor=actor, action="laporan_resmi.gagal", obj=laporan, changes={"_summary": message}
    )
    return laporan


@transaction.atomic
def laporan_fail_stale(*, actor=None, now: dt.datetime | None = None) -> list[int]:
    """Mark failed every build left `berjalan` or `antri` whose last sign of life is older than
    REPORT_STALE_MINUTES (its worker died); a file it may have stored is not listed."""
    now = now or timezone.now()
    limit = now - dt.timedelta(minutes=settings.REPORT_STALE_MINUTES)
    stale = list(
        LaporanResmi.objects.select_for_update().filter(
            status__in=[Status.BERJALAN, Status.ANTRI], updated_at__lt=limit
        )
    )
    from django.core.cache import caches

    beats = caches["shared"]
    stale = [r for r in stale if (beats.get(f"laporan:{r.pk}:beat") or 0) < limit.timestamp()]
    for laporan in stale:
        _finish_failed(laporan, str(STALE_MESSAGE), actor=actor)
    return [r.pk for r in stale]
