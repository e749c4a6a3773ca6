"""Bulk verification from Bappeda's queue (issue 11 §6, decision 0025).

Each report of a run is checked exactly like a single verify (`services._step`: read access,
role, state, the data-quality rules) inside its own savepoint, after two checks of its own: the
user may read it (`access_realisasi`: a report the user may not read is answered like a missing
one), and it is still what the list showed (the version token carried in the form). A refused
report rolls back only its own savepoint; the verified ones commit together when the run ends,
and an unexpected error rolls the whole run back. One hand-off for the run, so that the OPDs get
one notice each instead of one per report.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from pantau.audit.services import audit_record
from pantau.core import handoff
from pantau.core.errors import error_messages
from pantau.monitoring import topics
from pantau.monitoring.choices import StatusRealisasi
from pantau.monitoring.models import Realisasi
from pantau.monitoring.queues import version_token
from pantau.monitoring.selectors import access_realisasi
from pantau.monitoring.services import _step

BULK_MAX = 100


@dataclass
class Hasil:
    """The outcome of one report of a bulk run."""

    pk: int
    report: Realisasi | None
    ok: bool
    pesan: str
    sudah: bool = False  # already verified (a second run of the same list): nothing to do


def _one(actor, pk: int, seen: str, catatan: str) -> Hasil:
    try:
        access_realisasi(actor, pk)
    except Http404:
        return Hasil(pk, None, False, _("Laporan tidak ditemukan atau tidak dapat Anda baca."))
    current = (
        Realisasi.objects.select_for_update(of=("self",))
        .select_related("sub_kegiatan", "opd", "periode__tahun_anggaran")
        .get(pk=pk)
    )
    if version_token(current) != seen:
        shown_status = seen.split(".", 1)[0]
        if (
            shown_status == StatusRealisasi.DISETUJUI
            and current.status == StatusRealisasi.DIVERIFIKASI
        ):
            # the same list sent twice, or a colleague was quicker: what was asked is done
            return Hasil(
                pk, current, False, _("Sudah diverifikasi sebelumnya; tidak ada yang diubah."), True
            )
        # a status the list could have shown (not a forged token) that is no longer the one
        if shown_status in StatusRealisasi.values and shown_status != current.status:
            pesan = _(
                "Laporan ini berubah sejak daftar ditampilkan: sekarang berstatus %(s)s. "
                "Tidak diverifikasi."
            ) % {"s": current.get_status_display()}
        else:
            pesan = _(
                "Laporan ini diubah sejak daftar ditampilkan. Tidak diverifikasi: buka dan "
                "periksa lagi."
            )
        return Hasil(pk, current, False, pesan)
    try:
        with transaction.atomic():
            report = _step(actor=actor, realisasi=current, name="verify", catatan=catatan)
    except (ValidationError, PermissionDenied) as exc:
        messages = error_messages(exc) if isinstance(exc, ValidationError) else [str(exc)]
        return Hasil(pk, current, False, " ".join(messages))
    return Hasil(pk, report, True, _("Diverifikasi."))


@transaction.atomic
def realisasi_verify_bulk(*, actor, items: list[tuple[int, str]], catatan: str = "") -> list[Hasil]:
    """Verify several reports in one run: `items` are (report id, version token seen). Returns
    each report's outcome in the order given; the run itself is audited with its outcomes."""
    seen: dict[int, str] = {}
    for pk, token in items:
        seen.setdefault(pk, token)
    if not seen:
        raise ValidationError(_("Pilih minimal satu laporan untuk diverifikasi."))
    if len(seen) > BULK_MAX:
        raise ValidationError(
            _("Paling banyak %(n)d laporan sekaligus. Pilih lebih sedikit.") % {"n": BULK_MAX}
        )
    results = [_one(actor, pk, token, catatan.strip()) for pk, token in seen.items()]
    done = [r.report for r in results if r.ok and r.report is not None]
    readable = [r.report for r in results if r.report is not None]
    if readable:
        audit_record(
            actor=actor,
            action="realisasi.verify_bulk",
            object_type="monitoring.realisasi",
            # the record's own text, as the other events' object names: not in the language
            # the verifier happened to read (an English one left English in the trail)
            object_repr=f"Verifikasi massal: {len(done)} laporan",
            pemda_id=readable[0].pemda_id,
            changes={
                "_summary": {
                    "diverifikasi": [r.pk for r in results if r.ok],
                    "ditolak": {str(r.pk): r.pesan for r in results if not r.ok and not r.sudah},
                    "sudah_diverifikasi": [r.pk for r in results if r.sudah],
                }
            },
        )
    if done:
        handoff.emit(topics.REPORTS_CHANGED, sub_ids={r.sub_kegiatan_id for r in done})
        handoff.emit(
            topics.REPORTS_VERIFIED_IN_BULK, realisasi_ids=[r.pk for r in done], actor=actor
        )
    return results
