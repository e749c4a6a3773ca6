"""Hand-off between layers (docs/architecture.md, "Layers and the hand-off"; decision 0018).

A lower layer announces what it changed without knowing who cares: its service calls
`emit(topic, **payload)` inside its own transaction. An upper layer subscribes in its
`AppConfig.ready()` with `subscribe(topic, fn)` (run at once, in the emitting transaction, so
that a roll-back undoes the subscriber's writes too) or `subscribe(topic, fn, after_commit=True)`
(run once the outermost transaction has committed, never after a roll-back). A lower layer that
needs an upper layer's judgement (errors to refuse with) asks with `collect(topic, **payload)`,
which returns the subscribers' answers concatenated.

Topics are plain names that the emitting layer declares with `declare()` next to its services
(`pantau/<app>/topics.py`); emitting or subscribing to an undeclared topic is an error, so a typo
cannot silently drop a hand-off. This is not Django's model signals: nothing fires on `save()`,
every emit is an explicit line in a service, and `tests/test_handoff.py` checks that each
declared topic has exactly the subscribers it is meant to have.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial

from django.db import transaction


@dataclass
class _Topic:
    name: str
    doc: str
    immediate: list[Callable] = field(default_factory=list)
    after_commit: list[Callable] = field(default_factory=list)


_topics: dict[str, _Topic] = {}


def declare(name: str, doc: str) -> str:
    """Declare a topic (idempotent); returns its name, to be used as a constant."""
    _topics.setdefault(name, _Topic(name, doc))
    return name


def _topic(name: str) -> _Topic:
    try:
        return _topics[name]
    except KeyError:
        raise LookupError(f"hand-off topic {name!r} is not declared") from None


def subscribe(name: str, fn: Callable, *, after_commit: bool = False) -> None:
    """Register `fn(**payload)` for a topic (once: registering the same function again is a
    no-op, so that a second `ready()` does not run it twice)."""
    topic = _topic(name)
    target = topic.after_commit if after_commit else topic.immediate
    if fn not in target:
        target.append(fn)


class _Pending(threading.local):
    topics: dict[str, dict[str, set]] | None = None


_pending = _Pending()


def _mergeable(payload: dict) -> bool:
    return bool(payload) and all(isinstance(v, list | tuple | set) for v in payload.values())


@contextmanager
def coalesced() -> Iterator[None]:
    """Bulk writes (a whole plan workbook): an emit inside the block whose payload is only lists
    of ids (`sub_ids=[...]`) is held, and at the block's end each topic is emitted once with the
    union of its ids, still inside the surrounding transaction. Subscribers answer from the raw
    rows (the roll-ups), so one call with the union leaves the same state as one call per emit;
    other emits run at once. An exception drops what was held (the transaction rolls back).
    Nested blocks: the outermost one emits."""
    if _pending.topics is not None:
        yield
        return
    _pending.topics = {}
    try:
        yield
        held, _pending.topics = _pending.topics, None
        for name, payload in held.items():
            emit(name, **{key: sorted(ids) for key, ids in payload.items()})
    finally:
        _pending.topics = None


def emit(name: str, /, **payload) -> None:
    """Hand the payload to every subscriber of the topic: the immediate ones now, the others
    after the commit of the surrounding transaction (inside `coalesced()`, at the block's end)."""
    topic = _topic(name)
    if _pending.topics is not None and _mergeable(payload):
        held = _pending.topics.setdefault(name, {})
        if held and set(held) != set(payload):
            raise ValueError(f"hand-off topic {name!r} emitted with different payload keys")
        for key, ids in payload.items():
            held.setdefault(key, set()).update(ids)
        return
    for fn in list(topic.immediate):
        fn(**payload)
    for fn in list(topic.after_commit):
        transaction.on_commit(partial(fn, **payload))


def collect(name: str, /, **payload) -> list:
    """Ask the immediate subscribers of the topic; each returns a list, and the lists are
    concatenated in subscription order."""
    out: list = []
    for fn in list(_topic(name).immediate):
        out.extend(fn(**payload) or [])
    return out


def subscribers(name: str) -> dict[str, list[str]]:
    """The dotted names of a topic's subscribers (for the tests and `docs/architecture.md`)."""
    topic = _topic(name)

    def label(fn: Callable) -> str:
        return f"{fn.__module__}.{fn.__qualname__}"

    return {
        "immediate": [label(f) for f in topic.immediate],
        "after_commit": [label(f) for f in topic.after_commit],
    }


def topics() -> dict[str, str]:
    """Every declared topic with its description."""
    return {name: t.doc for name, t in _topics.items()}
