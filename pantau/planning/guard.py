"""The one rule every write of the plan obeys: a plan version on its way to approval, or
locked, is not edited (decision 0020); nor is the plan of an OPD that is no longer active.

No plan document for the OPD and year: editable as before documents existed (the demo, older
data). The latest version decides: a murni draft is edited directly; a submitted, validated or
locked version is not edited by anyone; a pergeseran or APBD-P draft holds its changes as
proposed content, so the plan the Bupati sees stays the locked one until that version is locked.
Locking a revision applies its proposal through the same services inside `applying()`.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pantau.planning.choices import JenisDokumen, StatusDokumen

_applying: contextvars.ContextVar[tuple[int, int] | None] = contextvars.ContextVar(
    "pantau_plan_applying", default=None
)


def latest_dokumen(*, opd_id: int, tahun_anggaran_id: int, lock: bool = False):
    from pantau.planning.models import DokumenRencana

    qs = DokumenRencana.objects.filter(opd_id=opd_id, tahun_anggaran_id=tahun_anggaran_id)
    if lock:
        qs = qs.select_for_update(of=("self",))
    return qs.order_by("-versi").first()


def plan_edit_refusal(*, opd_id: int, tahun_anggaran_id: int, lock: bool = False) -> str | None:
    """Why the plan of this OPD and year cannot be edited directly now, or None."""
    if _applying.get() == (opd_id, tahun_anggaran_id):
        return None
    from pantau.organisations.models import Opd

    if not Opd.objects.filter(pk=opd_id, aktif=True).exists():
        # a deactivated OPD (merged or split away) keeps its plan as it was, readable
        return _(
            "Rencana ini tidak dapat diubah: OPD-nya sudah tidak aktif (dilebur, dipecah atau "
            "dinonaktifkan); rencananya disimpan sebagai riwayat."
        )
    doc = latest_dokumen(opd_id=opd_id, tahun_anggaran_id=tahun_anggaran_id, lock=lock)
    if doc is None:
        return None
    if doc.status == StatusDokumen.DIKUNCI:
        return _(
            "Rencana ini tidak dapat diubah: versi %(v)s sudah dikunci sebagai DPA. Perubahan "
            "dibuat dalam versi pergeseran atau APBD perubahan."
        ) % {"v": doc.versi}
    if doc.status != StatusDokumen.DRAFT:
        return _(
            "Rencana ini tidak dapat diubah: versi %(v)s berstatus %(s)s. Minta dokumen "
            "dikembalikan, atau buka versi pergeseran/perubahan setelah dikunci."
        ) % {"v": doc.versi, "s": doc.get_status_display()}
    if doc.jenis != JenisDokumen.MURNI:
        return _(
            "Rencana versi %(v)s (%(j)s) masih draf: perubahan dicatat sebagai usulan versi itu "
            "dan baru berlaku setelah dikunci."
        ) % {"v": doc.versi, "j": doc.get_jenis_display()}
    return None


def plan_write_guard(*, opd_id: int, tahun_anggaran_id: int) -> None:
    """Refuse (ValidationError) a direct write of this OPD's plan for this year."""
    message = plan_edit_refusal(opd_id=opd_id, tahun_anggaran_id=tahun_anggaran_id, lock=True)
    if message:
        raise ValidationError(message)


@contextmanager
def applying(*, opd_id: int, tahun_anggaran_id: int) -> Iterator[None]:
    """Let the lock of a revision apply its proposal through the ordinary services."""
    token = _applying.set((opd_id, tahun_anggaran_id))
    try:
        yield
    finally:
        _applying.reset(token)
