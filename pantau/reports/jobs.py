"""Progress of a report being built, as the import jobs do it (decision 0021): ticks go to the
`shared` cache (one SQLite file for every process, or Redis), since the build runs in its own
transaction and a tick written to the row would stay invisible to the page polling it."""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import caches
from django.utils import timezone

PROGRESS_TTL = 2 * 24 * 3600


def _key(pk: int, part: str) -> str:
    return f"laporan:{pk}:{part}"


def progress_tick(pk: int) -> Callable[[int, int], None]:
    cache = caches["shared"]

    def tick(done: int, total: int) -> None:
        cache.set_many(
            {
                _key(pk, "done"): int(done),
                _key(pk, "total"): int(total),
                _key(pk, "beat"): int(timezone.now().timestamp()),
            },
            PROGRESS_TTL,
        )

    return tick


def progress_of(pk: int) -> tuple[int, int] | None:
    got = caches["shared"].get_many([_key(pk, "done"), _key(pk, "total")])
    if _key(pk, "total") not in got:
        return None
    return got.get(_key(pk, "done"), 0), got[_key(pk, "total")]


def with_live_progress(laporan):
    if laporan.berjalan and (live := progress_of(laporan.pk)):
        laporan.progress_done, laporan.progress_total = live
    return laporan
