"""B4: `pantau backup` and `pantau restore` of a regency database with five years of data
against the plain tools on the same database: `sqlite3 .backup` + `zstd` (and `zstd -d` back)
on SQLite, `pg_dump -Fc | zstd` (and `zstd -dc | pg_restore` into an empty database) on
PostgreSQL. Targets (docs/quality.md): backup ≤ 1.5× and restore ≤ 2× on SQLite, ≤ 2× on
PostgreSQL. Pantau does more (encryption, files, manifest with row counts and checksums, the
copy read back and checksummed), which is what the ratio prices.

The data are generated on first use (bench/scale.py) into var/bench/b4/ (SQLite) or the
PostgreSQL database pantau_b4 and reused. Each restore is checked: the restored database has
every table's row count of the source. Prints one JSON line per measurement.

  python bench/b4.py [--pemda 1] [--years 5] [--postgres URL] [--data DIR] [--repeat N]
"""

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PANTAU = [sys.executable, "-c", "from pantau.cli import main; main()"]
TARGETS = {("sqlite", "backup"): 1.5, ("sqlite", "restore"): 2.0}
PG_TARGET = 2.0
ZSTD = shutil.which("zstd") or "/usr/bin/zstd"
SQLITE3 = shutil.which("sqlite3") or "/usr/bin/sqlite3"


def _run(cmd, env=None, **kw) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True, **kw)
    return time.perf_counter() - start


def _pg_tool(name: str) -> str:
    for d in [
        "",
        "/usr/lib/postgresql/17/bin",
        "/usr/lib/postgresql/16/bin",
        "/usr/lib/postgresql/15/bin",
    ]:
        found = (
            shutil.which(name)
            if not d
            else (str(Path(d) / name) if (Path(d) / name).is_file() else None)
        )
        if found:
            return found
    raise SystemExit(f"{name} not found")


def _env(data: Path, database_url: str, key: Path, out: Path) -> dict:
    return {
        **os.environ,
        "PANTAU_DATA_DIR": str(data),
        "DATABASE_URL": database_url,
        "PANTAU_BACKUP_KEY_FILE": str(key),
        "PANTAU_BACKUP_DIRS": str(out),
        "REDIS_URL": "",
    }


def _build(data: Path, database_url: str, pemda: int, years: int) -> None:
    marker = data / f".b4-built-{pemda}x{years}"
    if marker.exists():
        return
    data.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PANTAU_DATA_DIR": str(data), "DATABASE_URL": database_url}
    if years:
        subprocess.run(
            [sys.executable, str(HERE / "scale.py"), "--pemda", str(pemda), "--years", str(years)],
            env=env,
            check=True,
        )
    else:
        subprocess.run([*PANTAU, "migrate", "-v0"], env=env, check=True)
    marker.write_text("")


def _sqlite_counts(path: Path) -> dict:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {n: con.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        con.close()


def _pg_counts(url: str) -> dict:
    import psycopg

    with psycopg.connect(url) as con:
        names = [
            r[0] for r in con.execute("SELECT tablename FROM pg_tables WHERE schemaname='public'")
        ]
        return {n: con.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}


def _check(before: dict, restored: dict) -> None:
    """The restored database holds the source's rows, plus what the runs themselves wrote: the
    backup's start event and run row (in the snapshot), the restore's run row, its start and
    end events (written after the restore)."""
    want = {**before, "backup_backuprun": before.get("backup_backuprun", 0) + 2}
    want["audit_auditevent"] = before.get("audit_auditevent", 0) + 3
    heads = "audit_auditchainhead"
    assert {k: v for k, v in restored.items() if k != heads} == {
        k: v for k, v in want.items() if k != heads
    }, "restored rows differ"


def _line(db: str, what: str, values: list, refs: list, target: float, size: int) -> dict:
    value, ref = statistics.median(values), statistics.median(refs)
    row = {"bench": "B4", "db": db, "what": what, "value_s": round(value, 3),
           "reference_s": round(ref, 3), "ratio": round(value / ref, 2) if ref else None,
           "target": target, "db_bytes": size}  # fmt: skip
    print(json.dumps(row), flush=True)
    return row


def bench_sqlite(data: Path, repeat: int) -> list:
    src = data / "pantau.sqlite3"
    key = data.parent / f"{data.name}-keys" / "backup.key"
    if not key.exists():
        subprocess.run(
            [*PANTAU, "backup", "key"],
            env=_env(data, "", key, data / "b"),
            check=True,
            capture_output=True,
        )
    backups, refs, restores, ref_restores = [], [], [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(dir=data.parent) as tmp:
            tmp = Path(tmp)
            (tmp / "out").mkdir()
            counts = _sqlite_counts(src)
            backups.append(
                _run([*PANTAU, "backup", "--quiet"], env=_env(data, "", key, tmp / "out"))
            )
            ref = tmp / "ref.sqlite3"
            refs.append(
                _run([SQLITE3, str(src), f".backup '{ref}'"])
                + _run([ZSTD, "-q", "-3", str(ref), "-o", f"{ref}.zst"])
            )
            (backup,) = (tmp / "out").glob("pantau-*.pbak")
            fresh = tmp / "fresh"
            restores.append(
                _run([*PANTAU, "restore", str(backup)], env=_env(fresh, "", key, tmp / "out"))
            )
            _check(counts, _sqlite_counts(fresh / "pantau.sqlite3"))
            ref_restores.append(
                _run([ZSTD, "-q", "-d", f"{ref}.zst", "-o", str(tmp / "back.sqlite3")])
            )
    size = src.stat().st_size
    return [_line("sqlite", "backup", backups, refs, TARGETS[("sqlite", "backup")], size),
            _line("sqlite", "restore", restores, ref_restores, TARGETS[("sqlite", "restore")], size)]  # fmt: skip


def bench_postgres(server: str, data: Path, repeat: int) -> list:
    import psycopg

    url = f"{server}/pantau_b4"
    key = data.parent / f"{data.name}-keys" / "backup.key"
    if not key.exists():
        subprocess.run(
            [*PANTAU, "backup", "key"],
            env=_env(data, url, key, data / "b"),
            check=True,
            capture_output=True,
        )
    backups, refs, restores, ref_restores = [], [], [], []
    pg_dump, pg_restore = _pg_tool("pg_dump"), _pg_tool("pg_restore")
    for i in range(repeat):
        with (
            tempfile.TemporaryDirectory(dir=data.parent) as tmp,
            psycopg.connect(f"{server}/postgres", autocommit=True) as admin,
        ):
            tmp = Path(tmp)
            (tmp / "out").mkdir()
            counts = _pg_counts(url)
            backups.append(
                _run([*PANTAU, "backup", "--quiet"], env=_env(data, url, key, tmp / "out"))
            )
            ref = tmp / "ref.pgdump.zst"
            start = time.perf_counter()
            dump = subprocess.Popen([pg_dump, "-Fc", "-d", url], stdout=subprocess.PIPE)
            subprocess.run([ZSTD, "-q", "-3", "-o", str(ref)], stdin=dump.stdout, check=True)
            dump.stdout.close()
            assert dump.wait() == 0
            refs.append(time.perf_counter() - start)
            (backup,) = (tmp / "out").glob("pantau-*.pbak")
            for name in (f"pantau_b4_r{i}", f"pantau_b4_ref{i}"):
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{name}"')
            try:
                restores.append(
                    _run(
                        [*PANTAU, "restore", str(backup)],
                        env=_env(tmp / "fresh", f"{server}/pantau_b4_r{i}", key, tmp / "out"),
                    )
                )
                _check(counts, _pg_counts(f"{server}/pantau_b4_r{i}"))
                start = time.perf_counter()
                unz = subprocess.Popen([ZSTD, "-q", "-dc", str(ref)], stdout=subprocess.PIPE)
                subprocess.run(
                    [pg_restore, "--no-owner", "-d", f"{server}/pantau_b4_ref{i}"],
                    stdin=unz.stdout,
                    check=True,
                    capture_output=True,
                )
                unz.stdout.close()
                assert unz.wait() == 0
                ref_restores.append(time.perf_counter() - start)
            finally:
                for name in (f"pantau_b4_r{i}", f"pantau_b4_ref{i}"):
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    with psycopg.connect(url) as con:
        size = con.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    return [_line("postgresql", "backup", backups, refs, PG_TARGET, size),
            _line("postgresql", "restore", restores, ref_restores, PG_TARGET, size)]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pemda", type=int, default=1)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, default=ROOT / "var" / "bench" / "b4")
    parser.add_argument(
        "--postgres", default="", help="server URL, e.g. postgres://postgres@127.0.0.1:5432"
    )
    args = parser.parse_args()
    # Pantau's modules as a production install has them, compiled (pip compiles the packages it
    # installs; an editable checkout where PYTHONDONTWRITEBYTECODE is set would otherwise
    # compile every module at every command's start, which the reference tools never do)
    subprocess.run([sys.executable, "-m", "compileall", "-q", "-j", "0", str(ROOT / "pantau"),
                    str(ROOT / "config")], check=True, capture_output=True)  # fmt: skip
    rows = []
    if args.postgres:
        import psycopg

        with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as admin:
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname='pantau_b4'").fetchone():
                admin.execute('CREATE DATABASE "pantau_b4"')
        _build(args.data / "pg", f"{args.postgres}/pantau_b4", args.pemda, args.years)
        rows += bench_postgres(args.postgres, args.data / "pg", args.repeat)
    else:
        _build(args.data, "", args.pemda, args.years)
        rows += bench_sqlite(args.data, args.repeat)
    return 1 if any(r["ratio"] and r["ratio"] > r["target"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
