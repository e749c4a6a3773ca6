"""The audit event of a list download (issue 11 §5, decision 0024): who exported which list,
with which filter, in which format, and how many rows it held. The rahasia items in it are
recorded as reads by the list's selector (`organisations.rahasia.audit_rahasia_list`), as for
the page."""

from __future__ import annotations

from django.db import transaction

from pantau.audit.models import AuditEvent
from pantau.audit.services import audit_record


@transaction.atomic
def ekspor_record(
    *,
    actor,
    daftar: str,
    format: str,
    saringan: dict[str, object],
    jumlah_baris: int,
    pemda_id: int | None,
    opd_id: int | None = None,
) -> AuditEvent:
    """Record one download of the list `daftar` (its URL name) in `format`."""
    return audit_record(
        actor=actor,
        action="daftar.ekspor",
        object_type="daftar",
        object_id=daftar[:64],
        object_repr=daftar,
        changes={
            "format": format,
            "saringan": {k: str(v) for k, v in saringan.items() if v not in (None, "")},
            "jumlah_baris": jumlah_baris,
        },
        pemda_id=pemda_id,
        opd_id=opd_id,
    )


@transaction.atomic
def audit_ekspor_record(
    *,
    actor,
    format: str,
    saringan: dict[str, object],
    jumlah_baris: int,
    pemda_id: int,
    rahasia_disembunyikan: bool,
) -> AuditEvent:
    """Record one download of the audit trail itself (issue 12 §5): who, which filter, which
    format, how many events, and whether rahasia values were withheld from it."""
    return audit_record(
        actor=actor,
        action="audit.ekspor",
        object_type="audit.auditevent",
        object_repr="",
        changes={
            "format": format,
            "saringan": {k: str(v) for k, v in saringan.items() if v not in (None, "")},
            "jumlah_baris": jumlah_baris,
            "rahasia_disembunyikan": rahasia_disembunyikan,
        },
        pemda_id=pemda_id,
    )
