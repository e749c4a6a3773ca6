"""A cache backend for counters that every worker process on the machine shares, without Redis:
one SQLite file (in PANTAU_DATA_DIR) that each process opens, every change one atomic SQL
statement. It backs the `shared` cache alias, which the open-data rate limit counts in
(django-ratelimit: `add` a new window's counter, then `incr` it); with `REDIS_URL` set, Redis
takes its place and the count is shared by several app servers too (docs/security.md).

Why not a backend Django ships: the memory cache is per process (two gunicorn workers gave a
1,200-call budget 2,352 calls), and the database and file caches increment by reading and then
writing, so two workers can both read 7 and both write 8. Here `add` is one
`INSERT … ON CONFLICT DO UPDATE … WHERE expired` and `incr` one `UPDATE … RETURNING`; SQLite
runs each alone (decision 0016). It stores whole numbers only: it is a counter, not a cache of
arbitrary objects (nothing is pickled)."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS counter ("
    " key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS counter_expires ON counter (expires)",
)
NEVER = float("inf")


class SharedCounterCache(BaseCache):
    """LOCATION is the SQLite file's path (created when missing)."""

    def __init__(self, location: str, params: dict) -> None:
        super().__init__(params)
        self.path = Path(location)
        self._local = threading.local()

    # --- connection: one per thread and process (a forked worker opens its own) -------------

    def _db(self) -> sqlite3.Connection:
        held = getattr(self._local, "held", None)
        if held is not None and held[0] == os.getpid():
            return held[1]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)  # autocommit
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        for statement in SCHEMA:
            conn.execute(statement)
        self._local.held = (os.getpid(), conn)
        return conn

    def _expiry(self, timeout) -> float:
        expires = self.get_backend_timeout(timeout)
        return NEVER if expires is None else float(expires)

    @staticmethod
    def _whole(value) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError("SharedCounterCache stores whole numbers only")
        return value

    # --- the cache API ----------------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        now = time.time()
        cur = self._db().execute(
            "INSERT INTO counter (key, value, expires) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires = excluded.expires "
            "WHERE counter.expires <= ?",
            (key, self._whole(value), self._expiry(timeout), now),
        )
        added = cur.rowcount == 1
        if added:  # a new window began for this key: forget the counters of ended windows
            self._db().execute("DELETE FROM counter WHERE expires <= ?", (now,))
        return added

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        row = (
            self._db()
            .execute("SELECT value FROM counter WHERE key = ? AND expires > ?", (key, time.time()))
            .fetchone()
        )
        return default if row is None else row[0]

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        key = self.make_and_validate_key(key, version=version)
        self._db().execute(
            "INSERT INTO counter (key, value, expires) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires = excluded.expires",
            (key, self._whole(value), self._expiry(timeout)),
        )

    def incr(self, key, delta=1, version=None) -> int:
        made = self.make_and_validate_key(key, version=version)
        rows = (
            self._db()
            .execute(
                "UPDATE counter SET value = value + ? WHERE key = ? AND expires > ? RETURNING value",
                (self._whole(delta), made, time.time()),
            )
            .fetchall()
        )  # read to the end: the statement completes (and commits) here
        if not rows:
            raise ValueError(f"Key '{key}' not found")
        return rows[0][0]

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        cur = self._db().execute(
            "UPDATE counter SET expires = ? WHERE key = ? AND expires > ?",
            (self._expiry(timeout), key, time.time()),
        )
        return cur.rowcount == 1

    def delete(self, key, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return self._db().execute("DELETE FROM counter WHERE key = ?", (key,)).rowcount == 1

    def has_key(self, key, version=None) -> bool:
        return self.get(key, version=version) is not None

    def clear(self) -> None:
        self._db().execute("DELETE FROM counter")

    def close(self, **kwargs) -> None:
        """Kept open between requests (Django calls close() after each one): opening the file
        and setting WAL mode costs more than the count itself."""
