"""Database snapshots and restores per engine: SQLite's online backup API, PostgreSQL's
pg_dump/pg_restore (decision 0033). A database is described by a Django settings dict."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sqlite3
import subprocess  # nosec B404 - pg_dump/pg_restore by absolute path, no shell
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

PG_BIN_DIRS = [
    "/usr/lib/postgresql/17/bin",
    "/usr/lib/postgresql/16/bin",
    "/usr/lib/postgresql/15/bin",
]


class EngineError(Exception):
    """A tool is missing or the engine refused; the message says which."""


def vendor(db: dict[str, Any]) -> str:
    engine = db["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise EngineError(f"engine {engine} not supported")


def pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for directory in PG_BIN_DIRS:
        candidate = Path(directory) / name
        if candidate.is_file():
            return str(candidate)
    raise EngineError(
        f"{name} tidak ditemukan di PATH maupun /usr/lib/postgresql/*/bin: pasang paket "
        f"postgresql-client. / {name} not found on PATH or in /usr/lib/postgresql/*/bin: "
        "install postgresql-client."
    )


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: dict[str, Any], name: str | None = None) -> list[str]:
    args = ["--dbname", name or str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return args


def pg_connect(db: dict[str, Any], name: str | None = None, **kw: Any) -> psycopg.Connection:
    return psycopg.connect(
        dbname=name or str(db["NAME"]),
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        connect_timeout=10,
        **kw,
    )


def _run(cmd: list[str], env: dict[str, str] | None = None) -> None:
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)  # noqa: S603 # nosec B603
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise EngineError(f"{Path(cmd[0]).name}: " + " | ".join(tail))


# ---- reading a database --------------------------------------------------------------------


def _sqlite_tables(con: sqlite3.Connection) -> list[str]:
    rows = con.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall()
    return [r[0] for r in rows]


def _pg_tables(cur: psycopg.Cursor) -> list[str]:
    cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    return [r[0] for r in cur.fetchall()]


def _facts(execute, tables: list[str]) -> dict[str, Any]:
    """Row counts of every table, the latest migration per app and the audit chain heads."""
    # names from the catalogue, quoted
    counts = {t: int(execute(f'SELECT COUNT(*) FROM "{t}"')[0][0]) for t in tables}  # noqa: S608 # nosec B608
    schema: dict[str, str] = {}
    if "django_migrations" in tables:
        for app, name in execute("SELECT app, name FROM django_migrations ORDER BY app, name"):
            schema[app] = name
    heads: dict[str, dict[str, Any]] = {}
    if "audit_auditchainhead" in tables:
        rows = execute(
            "SELECT chain, seq, hash FROM audit_auditchainhead WHERE seq > 0 ORDER BY chain"
        )
        heads = {c: {"seq": int(s), "hash": h} for c, s, h in rows}
    return {"tables": counts, "schema": schema, "audit_heads": heads}


def sqlite_facts(path: Path) -> dict[str, Any]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return _facts(lambda q: con.execute(q).fetchall(), _sqlite_tables(con))
    finally:
        con.close()


def pg_facts(db: dict[str, Any], name: str | None = None) -> dict[str, Any]:
    with pg_connect(db, name) as con, con.cursor() as cur:

        def execute(q: str) -> list[tuple]:
            cur.execute(q)
            return cur.fetchall()

        return _facts(execute, _pg_tables(cur))


def is_empty(db: dict[str, Any]) -> bool:
    """No tables at all (a SQLite file absent or empty counts as empty)."""
    if vendor(db) == "sqlite":
        path = Path(db["NAME"])
        if not path.exists() or path.stat().st_size == 0:
            return True
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return not _sqlite_tables(con)
        finally:
            con.close()
    with pg_connect(db) as con, con.cursor() as cur:
        return not _pg_tables(cur)


# ---- snapshot -------------------------------------------------------------------------------


def snapshot(db: dict[str, Any], dest: Path) -> dict[str, Any]:
    """A consistent copy of the live database at `dest`, and the row counts and schema version
    (latest migration per app) and audit chain heads of exactly that copy."""
    if vendor(db) == "sqlite":
        src = sqlite3.connect(str(db["NAME"]), timeout=30)
        try:
            out = sqlite3.connect(str(dest))
            try:
                # the copy is a scratch file, read into the backup and deleted: no journal, no
                # sync (the backup file itself is synced); a crash leaves only a scratch file
                out.execute("PRAGMA journal_mode=OFF")
                out.execute("PRAGMA synchronous=OFF")
                # one step: one read transaction, so one consistent copy. The database is in
                # WAL mode, where writers go on meanwhile; a copy in several steps would start
                # again after every write by another connection, and might never end.
                src.backup(out, pages=-1)
            finally:
                out.close()
        finally:
            src.close()
        return sqlite_facts(dest)
    pg_dump = pg_tool("pg_dump")
    with pg_connect(db) as con:
        con.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        con.read_only = True
        with con.transaction(), con.cursor() as cur:
            cur.execute("SELECT pg_export_snapshot()")
            snap = cur.fetchone()[0]

            def execute(q: str) -> list[tuple]:
                cur.execute(q)
                return cur.fetchall()

            facts = _facts(execute, _pg_tables(cur))
            # pg_dump reads the very snapshot the counts were taken in
            _run(
                [pg_dump, "--format=custom", "--no-owner", "--no-privileges",
                 f"--snapshot={snap}", "--file", str(dest), *_pg_args(db)],
                env=_pg_env(db),
            )  # fmt: skip
    return facts


# ---- restore --------------------------------------------------------------------------------


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def restore(db: dict[str, Any], src: Path, *, replace: bool) -> None:
    """Put the snapshot `src` in place of `db` (empty unless `replace`). SQLite: the file is
    linked (or, on another disk, copied) next to the target, synced, then renamed over it.
    PostgreSQL: pg_restore in one transaction, so a failure leaves the database as it was; over
    a live database into a new one whose name is then swapped with it (`_pg_replace`)."""
    if vendor(db) == "sqlite":
        target = Path(db["NAME"])
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".tmp-restore-{secrets.token_hex(4)}-{target.name}")
        try:
            try:  # the unpacked snapshot is a scratch file: moved when on the same disk
                os.link(src, tmp)
            except OSError:
                shutil.copyfile(src, tmp)
            _fsync(tmp)
            for suffix in ("-wal", "-shm"):  # the old database's journal must not be replayed
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            os.replace(tmp, target)
            _fsync(target.parent)
        finally:
            tmp.unlink(missing_ok=True)
        return
    if replace:
        _pg_replace(db, src)
        return
    _pg_restore(db, src)


def _pg_restore(db: dict[str, Any], src: Path, name: str | None = None) -> None:
    cmd = [pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction",
           "--exit-on-error"]  # fmt: skip
    _run([*cmd, *_pg_args(db, name), str(src)], env=_pg_env(db))


def _others_on(con: psycopg.Connection, name: str) -> int:
    row = con.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
        [name],
    ).fetchone()
    return int(row[0]) if row else 0


def pg_kept_name(name: str, stamp: str) -> str:
    """The name the replaced database keeps (PostgreSQL names hold at most 63 bytes)."""
    tail = f"_sebelum_pulih_{stamp}"
    return name[: 63 - len(tail)] + tail


def _pg_replace(db: dict[str, Any], src: Path) -> None:
    """Restore into a new database beside the live one, then swap the two names in one
    transaction: the live database becomes `<name>_sebelum_pulih_<time>` (kept, like the old
    media folder, until the operator drops it) and the restored one takes its name. Unlike
    `pg_restore --clean`, nothing of the old database survives in the new one (a table of a
    later migration, when a backup from before an upgrade is restored), and a restore that fails
    halfway leaves the live database as it was. Refused while anything else is connected to the
    live database: the app servers and the worker must be stopped first."""
    live = str(db["NAME"])
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime())
    fresh = f"{live[:40]}_pulih_{secrets.token_hex(4)}"
    kept = pg_kept_name(live, stamp)
    with pg_connect(db, "postgres", autocommit=True) as con:
        owner = con.execute(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", [live]
        ).fetchone()
        if owner is None:
            raise EngineError(f"database {live} does not exist")
        con.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(fresh), sql.Identifier(owner[0])
            )
        )
    try:
        _pg_restore(db, src, fresh)
        with pg_connect(db, "postgres", autocommit=True) as con:
            busy = _others_on(con, live)
            if busy:
                raise EngineError(
                    f"{busy} koneksi lain masih terbuka ke basis data {live}: hentikan server "
                    "aplikasi dan pekerja lebih dulu. / "
                    f"{busy} other connection(s) still open to database {live}: stop the app "
                    "servers and the worker first."
                )
            with con.transaction():
                con.execute(
                    sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                        sql.Identifier(live), sql.Identifier(kept)
                    )
                )
                con.execute(
                    sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                        sql.Identifier(fresh), sql.Identifier(live)
                    )
                )
    except BaseException:
        with pg_connect(db, "postgres", autocommit=True) as con:
            con.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(fresh))
            )
        raise


def sqlite_integrity(path: Path) -> str:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = con.execute("PRAGMA integrity_check").fetchall()
        fk = con.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        con.close()
    text = "; ".join(str(r[0]) for r in rows)
    if text != "ok":
        return text
    return f"foreign keys: {len(fk)} broken" if fk else "ok"


@contextlib.contextmanager
def pg_scratch(db: dict[str, Any]) -> Iterator[str]:
    """A temporary database on the same server, dropped afterwards."""
    name = f"pantau_uji_pulih_{secrets.token_hex(6)}"
    with pg_connect(db, "postgres", autocommit=True) as con:
        con.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with pg_connect(db, "postgres", autocommit=True) as con:
            con.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
