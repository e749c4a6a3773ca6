"""Writes of the reports app (decision 0039): asking for a report, marking it built (with its
stored file and data version) or failed, and failing builds whose worker died. Each writes its
audit event in the same transaction. The build itself is `reports.jobs.laporan_run`."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pantau.audit.models import AuditEvent
from pantau.audit.services import audit_record
from pantau.reports.choices import Format, Status, Tahap
from pantau.reports.jobs import progress_of
from pantau.reports.models import LaporanResmi
from pantau.reports.selectors import Permintaan, permintaan_check
from pantau.reports.tables import Tabel

STALE_MESSAGE = gettext_lazy(
    "Pembuatan laporan terhenti (proses latar berhenti); silakan buat ulang."
)
FINAL_MESSAGE = gettext_lazy(
    "Laporan ini sudah final (ditandatangani lengkap) dan tidak dapat diubah, dibuat ulang, "
    "ditandatangani ulang atau dihapus; terbitkan versi baru bila datanya berubah."
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
        bahasa=(translation.get_language() or settings.LANGUAGE_CODE)[:10],
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


def refuse_final(laporan) -> None:
    """A final report is immutable: every service that would change it asks here first (the
    database's row, not the caller's copy, which may be stale)."""
    if LaporanResmi.objects.filter(pk=laporan.pk, tahap=Tahap.FINAL).exists():
        raise ValidationError(str(FINAL_MESSAGE), code="final")


@transaction.atomic
def laporan_done(*, laporan, actor, name: str, data: bytes, tabel: Tabel, rahasia: bool):
    """A built report: its stored file, checksum, data version and the table it was built
    from (the archive's snapshot); listed from now on."""
    refuse_final(laporan)
    versi = tabel.versi()
    last = AuditEvent.objects.filter(pemda_id=laporan.pemda_id).order_by("-id").first()
    live = progress_of(laporan.pk)
    laporan.status = Status.SELESAI
    laporan.berkas = name
    laporan.ukuran = len(data)
    laporan.sha256 = hashlib.sha256(data).hexdigest()
    laporan.versi_data = versi
    laporan.audit_terakhir = last.pk if last else None
    laporan.memuat_rahasia = rahasia
    laporan.tabel = tabel.ke_json()
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
def laporan_failed(*, laporan, message: str, actor=None):
    """A build that could not finish, with the reason in words (no file is listed)."""
    refuse_final(laporan)
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
        LaporanResmi.objects.select_for_update(of=("self",)).filter(
            status__in=[Status.BERJALAN, Status.ANTRI], updated_at__lt=limit
        )
    )
    from django.core.cache import caches

    beats = caches["shared"]
    stale = [r for r in stale if (beats.get(f"laporan:{r.pk}:beat") or 0) < limit.timestamp()]
    for laporan in stale:
        laporan_failed(laporan=laporan, message=str(STALE_MESSAGE), actor=actor)
    return [r.pk for r in stale]
