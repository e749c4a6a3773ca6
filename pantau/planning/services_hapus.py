"""Deleting parts of a plan (issue 11 §3): only while the plan may be edited (the guard), never
once monthly reports or indicator values exist, a program or kegiatan only when empty."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from pantau.audit.services import audit_record, removed_with, snapshot
from pantau.core import handoff
from pantau.planning import topics
from pantau.planning.guard import plan_write_guard
from pantau.planning.models import Indikator, Kegiatan, Program, SubKegiatan

# roll-up rows: derived from the plan and recomputed by the hand-off, not part of what is deleted
DERIVED = frozenset({"evaluation.ringkasansubkegiatan", "evaluation.ringkasanindikator"})


def _delete_changes(obj) -> dict:
    """The delete event's changes: the row as it was and every row that goes with it (cash
    plan, funding sources, indicators and their Renstra, a program's sasaran links)."""
    changes = {"_before": snapshot(obj)}
    removed = removed_with(obj, skip=DERIVED)
    if removed:
        changes["_removed"] = removed
    return changes


def _delete(obj, message: str) -> None:
    try:
        with transaction.atomic():
            obj.delete()
    except ProtectedError as exc:
        raise ValidationError(message) from exc


@transaction.atomic
def sub_kegiatan_delete(*, actor, sub_kegiatan: SubKegiatan) -> None:
    """Remove a sub kegiatan with its cash plan, funding sources and indicators."""
    sub = (
        SubKegiatan.objects.select_for_update(of=("self",))
        .select_related("tahun_anggaran")
        .get(pk=sub_kegiatan.pk)
    )
    plan_write_guard(opd_id=sub.opd_id, tahun_anggaran_id=sub.tahun_anggaran_id)
    audit_record(actor=actor, action="sub_kegiatan.delete", obj=sub, changes=_delete_changes(sub))
    _delete(sub, _("Sub kegiatan ini sudah punya laporan bulanan; tidak dapat dihapus."))
    handoff.emit(topics.PLAN_REMOVED, tahun_anggaran=sub.tahun_anggaran)


@transaction.atomic
def kegiatan_delete(*, actor, kegiatan: Kegiatan) -> None:
    keg = (
        Kegiatan.objects.select_for_update(of=("self",))
        .select_related("program__tahun_anggaran")
        .get(pk=kegiatan.pk)
    )
    program = keg.program
    plan_write_guard(opd_id=program.opd_id, tahun_anggaran_id=program.tahun_anggaran_id)
    if keg.sub_kegiatan_set.exists():
        raise ValidationError(_("Hapus dulu sub kegiatan di bawah kegiatan ini."))
    audit_record(actor=actor, action="kegiatan.delete", obj=keg, changes=_delete_changes(keg))
    _delete(keg, _("Indikator kegiatan ini sudah punya capaian; tidak dapat dihapus."))
    handoff.emit(topics.PLAN_REMOVED, tahun_anggaran=program.tahun_anggaran)


@transaction.atomic
def program_delete(*, actor, program: Program) -> None:
    prog = (
        Program.objects.select_for_update(of=("self",))
        .select_related("tahun_anggaran")
        .get(pk=program.pk)
    )
    plan_write_guard(opd_id=prog.opd_id, tahun_anggaran_id=prog.tahun_anggaran_id)
    if prog.kegiatan_set.exists():
        raise ValidationError(_("Hapus dulu kegiatan di bawah program ini."))
    audit_record(actor=actor, action="program.delete", obj=prog, changes=_delete_changes(prog))
    _delete(prog, _("Indikator program ini sudah punya capaian; tidak dapat dihapus."))
    handoff.emit(topics.PLAN_REMOVED, tahun_anggaran=prog.tahun_anggaran)


@transaction.atomic
def indikator_delete(*, actor, indikator: Indikator) -> None:
    ind = (
        Indikator.objects.select_for_update(of=("self",))
        .select_related("tahun_anggaran")
        .get(pk=indikator.pk)
    )
    plan_write_guard(opd_id=ind.opd_id, tahun_anggaran_id=ind.tahun_anggaran_id)
    from pantau.planning.services_renstra import renstra_snapshot

    changes = {"_before": snapshot(ind)}
    renstra = renstra_snapshot(ind)  # the Renstra target and earlier years go with it
    if renstra:
        changes["_renstra"] = renstra
    audit_record(actor=actor, action="indikator.delete", obj=ind, changes=changes)
    _delete(ind, _("Indikator ini sudah punya capaian yang dilaporkan; tidak dapat dihapus."))
    handoff.emit(topics.PLAN_REMOVED, tahun_anggaran=ind.tahun_anggaran)
