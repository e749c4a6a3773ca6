"""Who reads `rahasia` (secret) items, and the record of every such read (docs/domain.md §16.3).

The rules follow the user's roles, which organisations holds; the record is an audit event
written with `audit.services.audit_bulk` (the audit layer itself knows no roles: decision 0018).
"""

from __future__ import annotations

from django.db.models import Q

from pantau.audit.services import audit_bulk
from pantau.organisations.access import scope_for
from pantau.organisations.choices import Role


def rahasia_readers(user, pemda_id: int) -> bool:
    """Roles that read every `rahasia` item of a pemda: leadership, the Walidata (admin) and
    the Inspektorat (auditor). An OPD's own roles read its own rahasia items."""
    return scope_for(user).role_in(pemda_id) in (Role.PIMPINAN, Role.ADMIN, Role.AUDITOR)


def may_read_rahasia(user, obj) -> bool:
    if getattr(obj, "klasifikasi", None) != "rahasia":
        return True
    return rahasia_readers(user, obj.pemda_id) or obj.opd_id in scope_for(user).opd_ids


def audit_rahasia_read(*, user, obj, where: str) -> None:
    """Every read of a `rahasia` item is recorded (who, what, where) — docs/domain.md §16.3."""
    audit_rahasia_list(user=user, objs=[obj], where=where)


def audit_rahasia_list(*, user, objs, where: str, model=None) -> None:
    """Record one read event per `rahasia` item a page showed (one INSERT for a whole list).

    `objs` are model instances with `klasifikasi`, or, with `model` given, plain tuples
    (pk, label, klasifikasi, pemda_id, opd_id) read as values. Reads happen outside any
    service transaction, so the events are written in their own."""
    if model is None:
        items = [
            (o._meta.label_lower, o.pk, str(o), o.pemda_id, getattr(o, "opd_id", None))
            for o in objs
            if getattr(o, "klasifikasi", None) == "rahasia"
        ]
    else:
        label = model._meta.label_lower
        items = [
            (label, pk, name, pemda_id, opd_id)
            for pk, name, klasifikasi, pemda_id, opd_id in objs
            if klasifikasi == "rahasia"
        ]
    if not items:
        return
    audit_bulk(
        actor=user,
        action="rahasia.read",
        entries=[(*item, {"_where": where}) for item in items],
    )


def rahasia_visible_q(user, prefix: str = ""):
    """A filter keeping the rows the user may see: everything not `rahasia`, and the `rahasia`
    rows of pemdas where the user is a reader or of the user's own OPDs. `prefix` reaches the
    classified row from another model (e.g. "sub_kegiatan__")."""
    scope = scope_for(user)
    readers = [p for p in scope.pemda_ids if rahasia_readers(user, p)]
    return (
        ~Q(**{f"{prefix}klasifikasi": "rahasia"})
        | Q(**{f"{prefix}pemda_id__in": readers})
        | Q(**{f"{prefix}opd_id__in": list(scope.opd_ids)})
    )
