"""Reads of the audit viewer (`/audit/`, issue 12 §5, decision 0031).

Who: the admin (Walidata) and the auditor (Inspektorat) of a pemda read its events, and only
its events; everyone else gets 404. A superuser is no exception: the trail of a pemda is read
by that pemda's own officials.

Rahasia: an event is "about a rahasia object" when its object (or the sub kegiatan, indicator
or report it hangs from) is rahasia now, or its change names `rahasia` as the level before or
after. The values of such an event (before/after, summary) are shown only to the roles in
`RAHASIA_VALUE_ROLES` (the Inspektorat, whose remit is investigating) and every such showing is
recorded as a rahasia read; the admin sees who did what to which object and which fields
changed, with the values withheld. Secrets (password hashes, keys, tokens) are never shown.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import formats
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pantau.audit.models import AuditEvent
from pantau.audit.services import audit_bulk
from pantau.core.numbers import format_exact, format_money
from pantau.organisations.access import scope_for
from pantau.organisations.audit_teks import describe
from pantau.organisations.choices import Role
from pantau.organisations.models import Membership, Opd, Pemda

VIEWER_ROLES = frozenset({Role.ADMIN, Role.AUDITOR})
RAHASIA_VALUE_ROLES = frozenset({Role.AUDITOR})
PAGE_SIZE = 50
EXPORT_LIMIT = 100_000
SECRET_MARKS = ("password", "secret", "token", "otp", "recovery", "pemulihan")


# --- who reads which pemda -------------------------------------------------------------------


def audit_pemdas(*, user) -> QuerySet[Pemda]:
    """The pemdas whose audit trail this user reads (admin or auditor there)."""
    if not user.is_authenticated or not user.is_active:
        return Pemda.objects.none()
    ids = [p for p, role in scope_for(user).roles.items() if role in VIEWER_ROLES]
    return Pemda.objects.filter(id__in=ids).order_by("kode")


def audit_pemda(*, user, pemda_id: int | None = None) -> Pemda:
    """The pemda of this request (the one asked for, else the first); 404 when none."""
    qs = audit_pemdas(user=user)
    pemda = qs.filter(pk=pemda_id).first() if pemda_id else qs.first()
    if pemda is None:
        raise Http404
    return pemda


def may_see_rahasia_values(user, pemda_id: int) -> bool:
    return scope_for(user).role_in(pemda_id) in RAHASIA_VALUE_ROLES


# --- the list --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Saringan:
    pelaku: str = ""
    opd: Opd | None = None
    aksi: str = ""
    jenis: str = ""
    objek: str = ""
    dari: dt.date | None = None
    sampai: dt.date | None = None
    q: str = ""


def _day_start(day: dt.date, zona: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zoneinfo.ZoneInfo(zona))


def audit_event_list(*, pemda: Pemda, saringan: Saringan) -> QuerySet[AuditEvent]:
    """The pemda's events matching the filter, newest first (index `audit_pemda_at_id`)."""
    qs = AuditEvent.objects.filter(pemda=pemda).select_related("opd").order_by("-at", "-id")
    s = saringan
    if s.pelaku:
        qs = qs.filter(actor_label__iexact=s.pelaku)
    if s.opd is not None:
        qs = qs.filter(opd=s.opd)
    if s.aksi:
        qs = qs.filter(action=s.aksi)
    if s.jenis:
        qs = qs.filter(object_type=s.jenis)
    if s.objek.isdigit():  # an id; a code or a name otherwise
        qs = qs.filter(object_id=s.objek)
    elif s.objek:
        qs = qs.filter(object_repr__icontains=s.objek)
    if s.dari:
        qs = qs.filter(at__gte=_day_start(s.dari, pemda.zona_waktu))
    if s.sampai:
        qs = qs.filter(at__lt=_day_start(s.sampai + dt.timedelta(days=1), pemda.zona_waktu))
    if s.q:
        qs = qs.filter(
            Q(object_repr__icontains=s.q)
            | Q(actor_label__icontains=s.q)
            | Q(action__icontains=s.q)
            | Q(object_id=s.q)
        )
    return qs


def audit_page(
    qs: QuerySet[AuditEvent], *, kursor: int | None, size: int = PAGE_SIZE
) -> tuple[list[AuditEvent], int | None]:
    """One page by keyset: the events older than the event `kursor` (its time, then its id),
    and the cursor of the next page (None on the last)."""
    if kursor:
        start = qs.filter(pk=kursor).values_list("at", flat=True).first()
        if start is not None:
            # `at <= start` bounds the index scan; the tie on `at` is broken by the id
            qs = qs.filter(at__lte=start).filter(Q(at__lt=start) | Q(id__lt=kursor))
    rows = list(qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].pk if more else None)


def actor_options(*, pemda: Pemda) -> list[str]:
    """User names of the pemda's people, for the filter's suggestions."""
    return list(
        Membership.objects.filter(pemda=pemda)
        .order_by("user__username")
        .values_list("user__username", flat=True)
    )


def opd_options(*, pemda: Pemda) -> QuerySet[Opd]:
    return Opd.objects.filter(pemda=pemda).order_by("kode")


def type_options() -> list[tuple[str, str]]:
    """Object types that an event can name: every model of Pantau's apps."""
    return sorted(
        (
            (m._meta.label_lower, str(m._meta.verbose_name))
            for m in apps.get_models()
            if m.__module__.startswith("pantau.")
        ),
        key=lambda c: c[1].lower(),
    )


def access_audit_event(*, user, pk: int) -> AuditEvent:
    """One event of a pemda the user reads the trail of; 404 for missing and not yours."""
    pemda_ids = list(audit_pemdas(user=user).values_list("pk", flat=True))
    event = (
        AuditEvent.objects.filter(pk=pk, pemda_id__in=pemda_ids)
        .select_related("opd", "pemda")
        .first()
    )
    if event is None:
        raise Http404
    return event


# --- rahasia ---------------------------------------------------------------------------------


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _has_klasifikasi(model) -> bool:
    return any(f.name == "klasifikasi" for f in model._meta.concrete_fields)


def rahasia_paths(model, depth: int = 2) -> list[str]:
    """Lookups reaching the classification that governs a row: its own, and that of the rows
    it hangs from (a report's sub kegiatan, an indicator value's indicator and its sub)."""
    paths = ["klasifikasi"] if _has_klasifikasi(model) else []
    if depth == 0:
        return paths
    for f in model._meta.concrete_fields:
        if f.is_relation and f.name not in {"pemda", "opd"} and f.related_model is not None:
            paths += [f"{f.name}__{p}" for p in rahasia_paths(f.related_model, depth - 1)]
    return paths


def _names_rahasia(changes) -> bool:
    if not isinstance(changes, dict):
        return False
    level = changes.get("klasifikasi")
    values = level if isinstance(level, list) else [level]
    return "rahasia" in values


def rahasia_event_ids(events: Sequence[AuditEvent]) -> set[int]:
    """The events of `events` about a rahasia object (one query per object type)."""
    found = {e.pk for e in events if e.action == "rahasia.read" or _names_rahasia(e.changes)}
    by_type: dict[str, set[int]] = defaultdict(set)
    for e in events:
        if e.object_id.isdigit():
            by_type[e.object_type].add(int(e.object_id))
    for label, pks in by_type.items():
        model = _model(label)
        paths = rahasia_paths(model) if model is not None else []
        if not paths:
            continue
        cond = Q()
        for path in paths:
            cond |= Q(**{path: "rahasia"})
        hit = {
            str(pk)
            for pk in model._base_manager.filter(pk__in=pks)
            .filter(cond)
            .values_list("pk", flat=True)
        }
        found |= {e.pk for e in events if e.object_type == label and e.object_id in hit}
    return found


def audit_rahasia_shown(*, user, events: Iterable[AuditEvent], where: str) -> None:
    """Record a rahasia read for each rahasia event whose values were shown to `user`."""
    entries = [
        (e.object_type, e.object_id, e.object_repr, e.pemda_id, e.opd_id, {"_where": where})
        for e in events
    ]
    if entries:
        audit_bulk(actor=user, action="rahasia.read", entries=entries)


# --- presenting an event ---------------------------------------------------------------------


@dataclass(frozen=True)
class Baris:
    """One row of a change: the field's name, and before/after as text (None: no pair)."""

    nama: str
    sebelum: str | None
    sesudah: str
    disembunyikan: bool = False


def _secret(key: str) -> bool:
    low = key.lower()
    return low == "key" or any(mark in low for mark in SECRET_MARKS)


def _fields(model) -> dict[str, models.Field]:
    if model is None:
        return {}
    out: dict[str, models.Field] = {}
    for f in model._meta.get_fields():
        if getattr(f, "concrete", False) or getattr(f, "many_to_many", False):
            out[f.name] = f
            out[getattr(f, "attname", f.name)] = f
    return out


def _plain(value) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return _("Ya")
    if value is False:
        return _("Tidak")
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{_key_label(k)}: {_plain(v)}" for k, v in value.items()) or "—"
    return str(value)


# the keys of an event's changes that are not fields (a load's summary, a deletion's record)
_SPECIAL_KEYS = {
    "_summary": gettext_lazy("Ringkasan"),
    "_before": gettext_lazy("Sebelum dihapus"),
    "_removed": gettext_lazy("Ikut terhapus"),
    "_renstra": gettext_lazy("Renstra yang ikut terhapus"),
}


def _key_label(key: str) -> str:
    return str(key).lstrip("_").replace("_", " ")


def _local(value: dt.datetime, zona: str) -> dt.datetime:
    return value.astimezone(zoneinfo.ZoneInfo(zona))


def format_value(field, value, *, names: dict, zona: str) -> str:
    """A stored JSON value as the field shows it: Rupiah, dates, Ya/Tidak, choice labels,
    the related object's name."""
    if value is None or value == "" or field is None:
        return _plain(value)
    try:
        if getattr(field, "choices", None):
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(field, models.BooleanField):
            return _plain(bool(value))
        if isinstance(field, models.DecimalField):
            amount = Decimal(str(value))
            if field.decimal_places == 2 and field.max_digits >= 15:
                return f"Rp {format_money(amount)}"
            return format_exact(amount)
        if isinstance(field, models.DateTimeField):
            moment = parse_datetime(str(value))
            if moment is not None:
                return formats.date_format(_local(moment, zona), "DATETIME_FORMAT")
        if isinstance(field, models.DateField):
            day = parse_date(str(value))
            if day is not None:
                return formats.date_format(day, "DATE_FORMAT")
        if field.is_relation and field.related_model is not None:
            label = field.related_model._meta.label_lower
            ids = value if isinstance(value, list) else [value]
            return ", ".join(names.get((label, str(v)), f"#{v}") for v in ids)
    except (InvalidOperation, TypeError, ValueError):
        pass
    return _plain(value)


def related_names(events: Sequence[AuditEvent], limit: int = 200) -> dict[tuple[str, str], str]:
    """The names of the objects that the events' foreign-key values point to (a query per
    related model, at most `limit` ids each)."""
    wanted: dict[type[models.Model], set[str]] = defaultdict(set)
    for e in events:
        fields = _fields(_model(e.object_type))
        for key, pair in (e.changes or {}).items():
            field = fields.get(key)
            if field is None or not field.is_relation or field.related_model is None:
                continue
            for value in pair if isinstance(pair, list) else [pair]:
                for v in value if isinstance(value, list) else [value]:
                    if v is not None and str(v).isdigit():
                        wanted[field.related_model].add(str(v))
    names: dict[tuple[str, str], str] = {}
    for model, ids in wanted.items():
        ids_list = sorted(ids, key=int)[:limit]
        label = model._meta.label_lower
        for obj in model._base_manager.filter(pk__in=ids_list):
            names[(label, str(obj.pk))] = str(obj)
    return names


def change_rows(event: AuditEvent, *, masked: bool, names: dict, zona: str) -> list[Baris]:
    """Before and after per field, with the field's verbose name; `masked` withholds every
    value (a rahasia event for an unentitled reader); secrets are always withheld."""
    fields = _fields(_model(event.object_type))
    hidden = _("disembunyikan (rahasia)")
    secret = _("tidak ditampilkan")
    rows: list[Baris] = []
    for key, value in (event.changes or {}).items():
        field = fields.get(key)
        nama = (
            str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else ""
        )
        nama = nama or _key_label(key)
        nama = nama[:1].upper() + nama[1:]
        if key in _SPECIAL_KEYS:
            nama = str(_SPECIAL_KEYS[key])
        pair = isinstance(value, list) and len(value) == 2 and not key.startswith("_")
        if _secret(key) or masked:
            text = secret if _secret(key) else hidden
            rows.append(Baris(nama, text if pair else None, text, disembunyikan=True))
        elif pair:
            rows.append(
                Baris(
                    nama,
                    format_value(field, value[0], names=names, zona=zona),
                    format_value(field, value[1], names=names, zona=zona),
                )
            )
        else:
            if key == "_removed" and isinstance(value, dict):  # model labels as their names
                value = {_model_name(label): v for label, v in value.items()}
            rows.append(Baris(nama, None, _plain(value)))
    return rows


def _model_name(label: str) -> str:
    model = _model(label)
    return str(model._meta.verbose_name_plural) if model is not None else label


def roles_of(*, pemda_id: int, events: Iterable[AuditEvent]) -> dict[int, str]:
    """The actors' roles in the pemda (user id -> role), one query."""
    ids = {e.actor_id for e in events if e.actor_id}
    return dict(
        Membership.objects.filter(pemda_id=pemda_id, user_id__in=ids).values_list("user_id", "role")
    )


def changed_fields(event: AuditEvent) -> str:
    """The names of the fields a change touched (names only, never values)."""
    fields = _fields(_model(event.object_type))
    names = []
    for key, value in (event.changes or {}).items():
        if key.startswith("_") or not (isinstance(value, list) and len(value) == 2):
            continue
        field = fields.get(key)
        name = str(getattr(field, "verbose_name", "") or "") or _key_label(key)
        names.append(name[:1].upper() + name[1:])
    return ", ".join(names[:6]) + (" …" if len(names) > 6 else "")


def describe_events(*, pemda: Pemda, events: Sequence[AuditEvent]) -> list[tuple]:
    """(event, sentence, rahasia?, changed fields) for a page of events, in a fixed number of
    queries."""
    roles = roles_of(pemda_id=pemda.pk, events=events)
    rahasia = rahasia_event_ids(events)
    return [
        (e, describe(e, roles.get(e.actor_id)), e.pk in rahasia, changed_fields(e)) for e in events
    ]


def changes_text(rows: Sequence[Baris]) -> str:
    """The change in one line for a download: "Field: before → after; ..."."""
    parts = []
    for r in rows:
        parts.append(
            f"{r.nama}: {r.sebelum} → {r.sesudah}"
            if r.sebelum is not None
            else f"{r.nama}: {r.sesudah}"
        )
    return "; ".join(parts)
