"""Writes of Formulir E.81's footer (docs/reports.md): the OPD's own texts for faktor pendorong,
faktor penghambat and the two tindak lanjut rows, written over Pantau's draft by the head of
the OPD or its operators before the report is signed. One audit event per save."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pantau.audit.services import save_audited, snapshot
from pantau.reports.models import E81_TEKS_MAKS, E81Catatan
from pantau.reports.selectors_e81 import e81_catatan_editable, e81_may_edit

E81_TEKS = (
    "faktor_pendorong",
    "faktor_penghambat",
    "tindak_lanjut_triwulan",
    "tindak_lanjut_renja",
)


def e81_catatan_problems(texts: dict[str, str]) -> dict[str, list[str]]:
    """Each text longer than the form's cell can hold, by field, in words."""
    errors: dict[str, list[str]] = {}
    for key in E81_TEKS:
        n = len(texts.get(key, ""))
        if n > E81_TEKS_MAKS:
            label = E81Catatan._meta.get_field(key).verbose_name
            errors[key] = [
                _(
                    "%(f)s terlalu panjang: %(n)d karakter, paling banyak %(m)d. Ringkas teksnya; "
                    "tidak ada yang disimpan."
                )
                % {"f": str(label).capitalize(), "n": n, "m": E81_TEKS_MAKS}
            ]
    return errors


@transaction.atomic
def e81_catatan_save(
    *, actor, opd, tahun_anggaran, triwulan: int, texts: dict[str, str]
) -> E81Catatan:
    """Write the four footer texts of one OPD's E.81 for a quarter (all of them: a text left
    empty prints as "(tidak diisi)"). Refused when the actor is not the OPD's head or
    operator, when the report can no longer be edited, or when a text is too long."""
    if not e81_may_edit(actor, opd) or opd.pemda_id != tahun_anggaran.pemda_id:
        raise PermissionDenied(
            _("Hanya kepala dan operator OPD ini yang dapat menyunting catatan E.81.")
        )
    if triwulan not in (1, 2, 3, 4):
        raise ValidationError(_("Triwulan harus 1 sampai 4."))
    cleaned = {k: str(texts.get(k) or "").replace("\r\n", "\n").strip() for k in E81_TEKS}
    errors = e81_catatan_problems(cleaned)
    if errors:
        raise ValidationError(errors)
    obj = (
        E81Catatan.objects.select_for_update(of=("self",))
        .filter(opd=opd, tahun_anggaran=tahun_anggaran, triwulan=triwulan)
        .first()
    )
    if not e81_catatan_editable(opd=opd, tahun_anggaran=tahun_anggaran, triwulan=triwulan):
        raise ValidationError(
            _("Laporan E.81 triwulan ini sudah ditandatangani; catatannya tetap.")
        )
    before = snapshot(obj) if obj else None
    if obj is None:
        obj = E81Catatan(
            pemda_id=opd.pemda_id, opd=opd, tahun_anggaran=tahun_anggaran, triwulan=triwulan
        )
    for key, value in cleaned.items():
        setattr(obj, key, value)
    obj.diubah_oleh = actor
    action = "e81_catatan.create" if before is None else "e81_catatan.update"
    save_audited(actor=actor, obj=obj, action=action, before=before)
    return obj
