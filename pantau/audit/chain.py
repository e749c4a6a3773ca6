"""The hash chain of the audit trail (issue 12 §4, R8, decision 0030).

Every pemda's events form one chain ("pemda:<id>"); events without a pemda (system work, a
failed sign-in of an unknown name) form the chain "sistem". Each event carries its place in its
chain (`seq`, from 1), the previous event's hash and its own SHA-256 over a canonical form of
every field that matters (`canonical`). An appender locks the chain's head row
(`AuditChainHead`, `select_for_update`) so two transactions never take the same place; SQLite
serialises writers anyway (IMMEDIATE transactions).

`verify` walks every chain and names the first broken link of each; `head_file_write` puts the
heads outside the database every day (`PANTAU_DATA_DIR/audit/kepala-YYYY-MM-DD.json`) and
`verify` compares the database with the latest such file, so a cut-off tail is caught too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pantau.audit.models import AuditChainHead, AuditEvent

SYSTEM_CHAIN = "sistem"
FORMAT_VERSION = 1
HEAD_FILE_PREFIX = "kepala-"


def chain_key(pemda_id: int | None) -> str:
    return f"pemda:{pemda_id}" if pemda_id else SYSTEM_CHAIN


@functools.lru_cache(maxsize=64)  # a batch shares one `at`
def _at_text(at: dt.datetime) -> str:
    """UTC with microseconds: what both engines store and give back."""
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _json_native(value: Any) -> bool:
    """Whether `value` is already what reading it back from JSON gives (string keys only); a
    tuple is written as a list either way."""
    if isinstance(value, dict):
        return all(type(k) is str and _json_native(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(_json_native(v) for v in value)
    return True


def canonical(
    *,
    chain: str,
    seq: int,
    at: dt.datetime,
    actor_id: int | None,
    actor_label: str,
    pemda_id: int | None,
    opd_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    changes: Any,
    prev_hash: str,
) -> bytes:
    """The bytes an event's hash is taken over. `changes` is brought to its JSON form first
    (tuples become lists, number keys strings), then written with sorted keys, so the form is
    the same before the INSERT and after reading the row back (jsonb reorders keys)."""
    if not _json_native(changes):
        changes = json.loads(json.dumps(changes))
    doc = [
        FORMAT_VERSION,
        chain,
        seq,
        _at_text(at),
        actor_id,
        actor_label,
        pemda_id,
        opd_id,
        action,
        object_type,
        object_id,
        object_repr,
        changes,
        prev_hash,
    ]
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(
        canonical(
            chain=event.chain,
            seq=event.seq,
            at=event.at,
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            pemda_id=event.pemda_id,
            opd_id=event.opd_id,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            object_repr=event.object_repr,
            changes=event.changes,
            prev_hash=event.prev_hash,
        )
    ).hexdigest()


def _lock_head(key: str) -> AuditChainHead:
    """The chain's head row, locked until the transaction ends; created on first use."""
    locked = AuditChainHead.objects.select_for_update(of=("self",))
    head = locked.filter(chain=key).first()
    if head is None:
        # Two first appenders: the second waits on the unique index, then finds the row.
        AuditChainHead.objects.bulk_create([AuditChainHead(chain=key)], ignore_conflicts=True)
        head = locked.get(chain=key)
    return head


def _link(events: list[AuditEvent], key: str, head: AuditChainHead) -> None:
    for event in events:
        # the stored types, so the hash taken now is the hash of the row read back
        event.object_type = str(event.object_type or "")
        event.object_id = str(event.object_id or "")
        event.object_repr = str(event.object_repr or "")[:255]
        event.chain = key
        event.seq = head.seq + 1
        event.prev_hash = head.hash
        event.hash = event_hash(event)
        head.seq, head.hash = event.seq, event.hash


def append(events: Iterable[AuditEvent], *, batch_size: int = 500) -> list[AuditEvent]:
    """Give each new event its place in its chain and INSERT them (one statement per batch).
    Must run inside the caller's transaction: the head locks are held until it commits."""
    events = list(events)
    now = timezone.now()
    by_chain: dict[str, list[AuditEvent]] = {}
    for event in events:
        if event.at is None:
            event.at = now
        by_chain.setdefault(chain_key(event.pemda_id), []).append(event)
    heads = {}
    for key in sorted(by_chain):  # one lock order everywhere: no deadlock between appenders
        heads[key] = _lock_head(key)
        _link(by_chain[key], key, heads[key])
    if len(events) == 1:
        events[0].save(force_insert=True)
    else:
        _insert_many(events, batch_size)
    for head in heads.values():
        AuditChainHead.objects.filter(pk=head.pk).update(seq=head.seq, hash=head.hash)
    return events


_INSERT_FIELDS = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]


def _insert_many(events: list[AuditEvent], batch_size: int) -> None:
    """`bulk_create` without its per-field preparation (a fifth of a bulk import's audit cost
    went there): one multi-row INSERT per batch, values adapted as the fields would adapt them
    (the `at` of a batch once, `changes` through the backend's JSON adapter). No ids are read
    back: the bulk writers do not use them."""
    connection = transaction.get_connection()
    ops = connection.ops
    per = min(batch_size, ops.bulk_batch_size(_INSERT_FIELDS, events) or batch_size)
    table = ops.quote_name(AuditEvent._meta.db_table)
    columns = ", ".join(ops.quote_name(f.column) for f in _INSERT_FIELDS)
    row_sql = "(" + ", ".join(["%s"] * len(_INSERT_FIELDS)) + ")"
    names = [f.attname for f in _INSERT_FIELDS]
    at_at, changes_at = names.index("at"), names.index("changes")
    adapted: dict[dt.datetime, Any] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(events), per):
            batch = events[start : start + per]
            params: list[Any] = []
            for event in batch:
                values = [getattr(event, name) for name in names]
                if values[at_at] not in adapted:
                    adapted[values[at_at]] = ops.adapt_datetimefield_value(values[at_at])
                values[at_at] = adapted[values[at_at]]
                values[changes_at] = ops.adapt_json_value(values[changes_at], None)
                params.extend(values)
            # table and columns from the model metadata, every value a parameter
            sql = f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([row_sql] * len(batch))  # noqa: S608 # nosec B608
            cursor.execute(sql, params)


def chain_heads() -> dict[str, dict[str, Any]]:
    """Every chain's last place and hash, as the head table holds them (the backup manifest of
    issue 13 records this; `verify` checks the table against the rows)."""
    return {
        chain: {"seq": seq, "hash": hash_}
        for chain, seq, hash_ in AuditChainHead.objects.filter(seq__gt=0)
        .order_by("chain")
        .values_list("chain", "seq", "hash")
    }


# ---- the head outside the database ----------------------------------------------------------


def head_dir() -> Path:
    return Path(settings.DATA_DIR) / "audit"


def head_file_write(*, now: dt.datetime | None = None, directory: Path | None = None) -> Path:
    """Write today's head file, atomically and never over an existing one (the first of the
    day is kept). Returns its path."""
    now = now or timezone.now()
    directory = directory or head_dir()
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{HEAD_FILE_PREFIX}{timezone.localdate(now).isoformat()}.json"
    if target.exists():
        return target
    with transaction.atomic():
        heads = chain_heads()
    body = {"versi": FORMAT_VERSION, "dibuat": now.astimezone(dt.UTC).isoformat(), "rantai": heads}
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".kepala-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(body, fh, sort_keys=True, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):  # kept, never overwritten
            os.link(tmp, target)
    finally:
        os.unlink(tmp)
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return target


def head_file_latest(directory: Path | None = None) -> Path | None:
    directory = directory or head_dir()
    if not directory.is_dir():
        return None
    files = sorted(directory.glob(f"{HEAD_FILE_PREFIX}*.json"))
    return files[-1] if files else None


def head_file_read(path: Path) -> dict[str, dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))["rantai"]


# ---- verification ---------------------------------------------------------------------------

CONTENT_CHANGED = "isi_berubah"
ROW_MISSING = "baris_hilang"
ROW_INSERTED = "baris_disisipkan"
SEQUENCE_GAP = "urutan_loncat"
HEAD_MISMATCH = "kepala_tidak_cocok"


@dataclass(frozen=True)
class Break:
    chain: str
    seq: int | None
    event_id: int | None
    kind: str
    expected: str = ""
    found: str = ""


_FIELDS = [
    "id",
    "chain",
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "pemda_id",
    "opd_id",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "prev_hash",
    "hash",
]


def _rows(key: str) -> Iterator[AuditEvent]:
    return AuditEvent.objects.filter(chain=key).order_by("seq", "id").only(*_FIELDS).iterator(2000)


@dataclass
class _Walk:
    found: Break | None = None
    seq: int = 0
    last: str = ""
    kept: str = ""  # the hash at the place a head file names


def _walk(key: str, keep: int | None) -> _Walk:
    """The first break in the rows of one chain, and where the intact part ends."""
    w = _Walk()
    last_id = 0
    for row in _rows(key):
        if row.seq == w.seq:
            w.found = Break(key, row.seq, row.id, ROW_INSERTED, str(w.seq + 1), str(row.seq))
        elif row.seq > w.seq + 1:
            kind = SEQUENCE_GAP if row.prev_hash == w.last else ROW_MISSING
            w.found = Break(key, row.seq, row.id, kind, str(w.seq + 1), str(row.seq))
        elif (computed := event_hash(row)) != row.hash:
            w.found = Break(key, row.seq, row.id, CONTENT_CHANGED, computed, row.hash)
        elif row.prev_hash != w.last or row.id < last_id or chain_key(row.pemda_id) != key:
            w.found = Break(key, row.seq, row.id, ROW_INSERTED, w.last, row.prev_hash)
        if w.found is not None:
            return w
        w.seq, w.last, last_id = row.seq, row.hash, row.id
        if row.seq == keep:
            w.kept = row.hash
    return w


def _against_head(key: str, seq: int, last: str, head: dict[str, Any] | None) -> Break | None:
    """The rows' end against a recorded head (the head table or a head file)."""
    want_seq = int(head["seq"]) if head else 0
    want_hash = head["hash"] if head else ""
    if seq < want_seq:
        return Break(key, want_seq, None, ROW_MISSING, str(want_seq), str(seq))
    if seq > want_seq:
        return Break(key, want_seq + 1, None, ROW_INSERTED, str(want_seq), str(seq))
    if last != want_hash:
        return Break(key, seq, None, HEAD_MISMATCH, want_hash, last)
    return None


def verify(*, head_file: Path | None = None) -> tuple[list[Break], int]:
    """Walk every chain. Returns the first break of each broken chain and the number of
    events checked. With a head file, each chain it names must still reach its seq with the
    same hash there."""
    recorded = {h.chain: {"seq": h.seq, "hash": h.hash} for h in AuditChainHead.objects.all()}
    on_file = head_file_read(head_file) if head_file else {}
    keys = set(AuditEvent.objects.values_list("chain", flat=True).distinct())
    keys |= {k for k, h in recorded.items() if h["seq"]} | set(on_file)
    breaks: list[Break] = []
    checked = 0
    for key in sorted(keys):
        want = on_file.get(key)
        w = _walk(key, int(want["seq"]) if want else None)
        checked += w.seq
        found = w.found or _against_head(key, w.seq, w.last, recorded.get(key))
        if found is None and want is not None:
            if w.seq < int(want["seq"]):
                found = Break(key, w.seq + 1, None, ROW_MISSING, str(want["seq"]), str(w.seq))
            elif w.kept != want["hash"]:
                found = Break(key, int(want["seq"]), None, HEAD_MISMATCH, want["hash"], w.kept)
        if found is not None:
            breaks.append(found)
    return breaks, checked
