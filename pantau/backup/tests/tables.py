"""Per-table checksums over ordered rows, read with the engine's own driver (R7)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

from pantau.backup import engines


def _digest(rows) -> str:
    sha = hashlib.sha256()
    n = 0
    for row in rows:
        sha.update(repr(tuple(row)).encode())
        n += 1
    return f"{n}:{sha.hexdigest()}"


def table_digests(db: dict[str, Any], skip_rows: dict[str, str] | None = None) -> dict[str, str]:
    """{table: "rows:sha256"}; `skip_rows` maps a table to a WHERE clause of rows to leave out."""
    skip_rows = skip_rows or {}
    out = {}
    if engines.vendor(db) == "sqlite":
        con = sqlite3.connect(f"file:{Path(db['NAME'])}?mode=ro", uri=True)
        try:
            tables = engines._sqlite_tables(con)
            for t in tables:
                n = len(con.execute(f'SELECT * FROM "{t}" LIMIT 0').description)
                where = f"WHERE NOT ({skip_rows[t]})" if t in skip_rows else ""
                order = ", ".join(str(i) for i in range(1, n + 1))
                out[t] = _digest(con.execute(f'SELECT * FROM "{t}" {where} ORDER BY {order}'))
        finally:
            con.close()
        return out
    with engines.pg_connect(db) as con, con.cursor() as cur:
        for t in engines._pg_tables(cur):
            cur.execute(f'SELECT * FROM "{t}" LIMIT 0')
            n = len(cur.description)
            where = f"WHERE NOT ({skip_rows[t]})" if t in skip_rows else ""
            order = ", ".join(str(i) for i in range(1, n + 1))
            cur.execute(f'SELECT * FROM "{t}" {where} ORDER BY {order}')
            out[t] = _digest(cur.fetchall())
    return out
