"""Recording audit events. Called by every service, inside the service's transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models, transaction

from pantau.audit.chain import append
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


def removed_with(obj: models.Model, *, skip: frozenset[str] = frozenset()) -> dict[str, list]:
    """What deleting `obj` removes with it (every CASCADE below it, as Django's own deletion
    collects it): model label -> the rows' snapshots (with their id) in key order; `obj` itself
    and the models in `skip` (derived rows, recomputed anyway) left out. The delete event
    records it, so that no row goes untraced. {} when a PROTECT stands in the way (the delete
    itself will be refused)."""
    from django.db import router
    from django.db.models.deletion import Collector, ProtectedError, RestrictedError

    collector = Collector(using=router.db_for_write(type(obj)), origin=obj)
    try:
        collector.collect([obj])
    except (ProtectedError, RestrictedError):
        return {}
    found: dict[str, dict[Any, models.Model]] = {}
    batches = [list(instances) for instances in collector.data.values()]
    batches += [list(qs) for qs in collector.fast_deletes]
    for instances in batches:
        for row in instances:
            label = row._meta.label_lower
            if label in skip or (label == obj._meta.label_lower and row.pk == obj.pk):
                continue
            found.setdefault(label, {})[row.pk] = row
    return {
        label: [{"id": _jsonable(pk), **snapshot(row)} for pk, row in sorted(rows.items())]
        for label, rows in sorted(found.items())
    }


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
            # a pemda's own events belong to its chain (audit sits below organisations)
            is_pemda = obj._meta.label_lower == "organisations.pemda"
            pemda_id = obj.pk if is_pemda else getattr(obj, "pemda_id", None)
        if opd_id is None:
            opd_id = getattr(obj, "opd_id", None)
    event = AuditEvent(
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
    return append([event])[0]


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


def audit_bulk(*, actor, action: str, entries) -> None:
    """Many audit events of one action in one INSERT per 500, in their own transaction (joined
    to the caller's when there is one), appended to their chains with hashes computed here.
    `entries`: (object_type, pk, repr, pemda_id, opd_id, changes)."""
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    actor_label = user.get_username() if user else SYSTEM_LABEL
    with transaction.atomic():
        append(
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
