"""Recording audit events. Called by every service, inside the service's transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models, transaction

from pantau.audit.models import AuditEvent

SYSTEM_LABEL = "sistem"


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        # One spelling per value ("7.50" and "7.5" are the same figure), never an exponent.
        return format(value.normalize(), "f")
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The concrete field values of a model instance, JSON-ready (FKs as their ids)."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in {"id", "created_at", "updated_at"}:
            continue
        data[field.attname] = _jsonable(getattr(obj, field.attname))
    return data


def diff(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, list[Any]]:
    """Field-level [before, after] pairs for the fields that changed (all fields on create)."""
    before = before or {}
    return {
        key: [before.get(key), value]
        for key, value in after.items()
        if key not in before or before[key] != value
    }


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    pemda_id: int | None = None,
    opd_id: int | None = None,
) -> AuditEvent:
    """Write one audit event. Must run inside the caller's atomic block."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the service's transaction")
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:255]
        if pemda_id is None:
            pemda_id = getattr(obj, "pemda_id", None)
        if opd_id is None:
            opd_id = getattr(obj, "opd_id", None)
    return AuditEvent.objects.create(
        actor=user,
        actor_label=user.get_username() if user else SYSTEM_LABEL,
        action=action,
        object_type=object_type or "",
        object_id=object_id,
        object_repr=object_repr[:255],
        changes=changes or {},
        pemda_id=pemda_id,
        opd_id=opd_id,
    )


def save_audited(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    obj: models.Model,
    action: str,
    before: dict[str, Any] | None = None,
) -> models.Model:
    """full_clean(), save and audit one object: the common end of every create/update service.

    `before` is the snapshot taken before the caller changed the object (None on create).
    Saves nothing and writes no event when an update changed no field.
    """
    obj.full_clean()
    after = snapshot(obj)
    changes = diff(before, after)
    if before is not None and not changes:
        return obj
    obj.save()
    audit_record(actor=actor, action=action, obj=obj, changes=changes)
    return obj


def rahasia_readers(user, pemda_id: int) -> bool:
    """Roles that read every `rahasia` item of a pemda: leadership, the Walidata (admin) and
    the Inspektorat (auditor). An OPD's own roles read its own rahasia items."""
    from pantau.organisations.access import scope_for
    from pantau.organisations.choices import Role

    return scope_for(user).role_in(pemda_id) in (Role.PIMPINAN, Role.ADMIN, Role.AUDITOR)


def may_read_rahasia(user, obj) -> bool:
    from pantau.organisations.access import scope_for

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


def audit_bulk(*, actor, action: str, entries) -> None:
    """Many audit events of one action in one INSERT, in their own transaction (joined to the
    caller's when there is one). `entries`: (object_type, pk, repr, pemda_id, opd_id, changes)."""
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    actor_label = user.get_username() if user else SYSTEM_LABEL
    with transaction.atomic():
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    actor=user,
                    actor_label=actor_label,
                    action=action,
                    object_type=label,
                    object_id=str(pk),
                    object_repr=str(name)[:255],
                    changes=changes,
                    pemda_id=pemda_id,
                    opd_id=opd_id,
                )
                for label, pk, name, pemda_id, opd_id, changes in entries
            ],
            batch_size=500,
        )


def rahasia_visible_q(user, prefix: str = ""):
    """A filter keeping the rows the user may see: everything not `rahasia`, and the `rahasia`
    rows of pemdas where the user is a reader or of the user's own OPDs. `prefix` reaches the
    classified row from another model (e.g. "sub_kegiatan__")."""
    from django.db.models import Q

    from pantau.organisations.access import scope_for

    scope = scope_for(user)
    readers = [p for p in scope.pemda_ids if rahasia_readers(user, p)]
    return (
        ~Q(**{f"{prefix}klasifikasi": "rahasia"})
        | Q(**{f"{prefix}pemda_id__in": readers})
        | Q(**{f"{prefix}opd_id__in": list(scope.opd_ids)})
    )
