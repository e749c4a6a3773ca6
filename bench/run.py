"""`make bench`: every benchmark, on the embedded database and on PostgreSQL when reachable.

B2: the public JSON listing against Datasette (bench/b2.py).
B3 (realisation part): a 10,000-row realisation workbook imported vs openpyxl's read-only parse
of the same file (bench/b3_realisasi.py; its own throwaway database per run).
B3 (plan part): the demo pemda's whole plan workbook (1,474 sub kegiatan) imported into an empty
pemda vs openpyxl's read-only parse (bench/b3_plan.py; the demo in var/bench/b3_plan/ and the
PostgreSQL database pantau_b3_plan, built on first use, each import rolled back).
B4: `pantau backup` and `pantau restore` of 1 pemda x 5 years against sqlite3 .backup + zstd
and pg_dump + zstd (bench/b4.py; data in var/bench/b4/ and the database pantau_b4).
B6: first load of the dashboard, the report form and the portal pages on a phone, Lighthouse
mobile profile, production configuration (bench/b6.py; its results in var/bench/b6.json).
B5: the month-end burst, 300 operators each submitting a report with a 2 MB photo within ten
minutes against gunicorn with two workers (bench/b5.py; a fresh world in var/bench/b5-<db>/ and
the PostgreSQL database pantau_b5 each run; `--b5-window` shortens the window).
B1 (docs/quality.md) at regency scale (1 pemda) and province scale (18 pemda), 2 fiscal years each, one process per
database and scale, the two databases side by side. Data are generated on first use into
var/bench/ (SQLite) and the PostgreSQL databases pantau_bench_<scale>; later runs reuse them.
Prints value, reference and ratio per line and writes var/bench/results.json. Exit status 1
when a target is missed (ratio above 2, or a query count that grows with the data).

  python bench/run.py [--only b1 b2] [--scale regency|province ...] [--repeat N] [--no-postgres]
                     [--b5-window SECONDS] [--b5-operators N]
"""

import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = ROOT / "var" / "bench"
PG_SERVER = os.environ.get("PANTAU_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
SCALES = {"regency": (1, 2), "province": (18, 2)}  # (pemda, fiscal years)
TARGET_ROLLUP = 3.0  # (b) the bare SQL reading the same roll-up tables
TARGET = 2.0


def pg_ready(database: str) -> bool:
    """Create the benchmark database when the server answers; False when it does not."""
    probe = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "pg_reachable.py"), f"{PG_SERVER}/postgres"],
        capture_output=True,
        text=True,
    )
    if probe.returncode:
        return False
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{database}"')
    return True


def run_b1(database: str, scale: str, repeat: int) -> dict:
    env = dict(os.environ)
    if database == "postgresql":
        env["DATABASE_URL"] = f"{PG_SERVER}/pantau_bench_{scale}"
    else:
        env["DATABASE_URL"] = ""
    env["PANTAU_DATA_DIR"] = str(OUT / f"sqlite-{scale}")
    pemda, years = SCALES[scale]
    cmd = [
        sys.executable,
        str(HERE / "b1.py"),
        "--scale",
        scale,
        "--pemda",
        str(pemda),
        "--years",
        str(years),
    ]
    done = subprocess.run(
        [*cmd, "--repeat", str(repeat)], env=env, cwd=HERE, capture_output=True, text=True
    )
    if done.returncode:
        return {
            "benchmark": "B1",
            "database": database,
            "scale": scale,
            "error": done.stderr[-2000:],
        }
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_b3(results: list, *, postgres: bool) -> bool:
    """B3 (realisation part) on SQLite and, when it answers, on PostgreSQL (a fresh database
    each run). True when a target is missed or a run failed."""
    print("== B3: impor buku kerja realisasi 10.000 baris vs parse read-only openpyxl")
    failed = False
    runs = [("sqlite", {"DATABASE_URL": ""})]
    if postgres and pg_ready("pantau_b3_realisasi"):
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute('DROP DATABASE IF EXISTS "pantau_b3_realisasi"')
            conn.execute('CREATE DATABASE "pantau_b3_realisasi"')
        runs.append(("postgresql", {"DATABASE_URL": f"{PG_SERVER}/pantau_b3_realisasi"}))
    for name, extra in runs:
        env = {**os.environ, **extra}
        done = subprocess.run(
            [sys.executable, str(HERE / "b3_realisasi.py")],
            env=env,
            cwd=HERE,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            failed = True
            print(f"B3 {name:10} GAGAL\n{done.stderr[-2000:]}")
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        results.append(r)
        ok = r["ratio"] <= r["target"] and r["ratio_reimport"] <= r["target"]
        failed |= not ok
        print(
            f"B3 {name:10} {r['rows']} rows  import {r['import_s']:.2f} s  re-import "
            f"{r['reimport_s']:.2f} s  openpyxl {r['reference_s']:.2f} s  ratio {r['ratio']:.2f} / "
            f"{r['ratio_reimport']:.2f} (≤ {r['target']})  {'ok' if ok else 'MISSED'}"
        )
    return failed | run_b3_plan(results, postgres=postgres)


def run_b3_plan(results: list, *, postgres: bool) -> bool:
    """B3 (plan part) on SQLite and, when it answers, on PostgreSQL. True when missed or failed."""
    print("== B3: impor buku kerja rencana (1.474 sub kegiatan) vs parse read-only openpyxl")
    failed = False
    data_dir = OUT / "b3_plan"
    data_dir.mkdir(parents=True, exist_ok=True)
    runs = [("sqlite", {"DATABASE_URL": "", "PANTAU_DATA_DIR": str(data_dir)})]
    if postgres and pg_ready("pantau_b3_plan"):
        runs.append(
            (
                "postgresql",
                {"DATABASE_URL": f"{PG_SERVER}/pantau_b3_plan", "PANTAU_DATA_DIR": str(data_dir)},
            )
        )
    for name, extra in runs:
        env = {**os.environ, **extra}
        migrate = [sys.executable, "-m", "django", "migrate", "-v0"]
        subprocess.run(migrate, env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"}, cwd=ROOT)
        done = subprocess.run(
            [sys.executable, str(HERE / "b3_plan.py"), "--repeat", "5"],
            env=env,
            cwd=HERE,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            failed = True
            print(f"B3 {name:10} GAGAL\n{done.stderr[-2000:]}")
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1]) | {"database": name}
        results.append(r)
        ok = r["ratio"] <= r["target"]
        failed |= not ok
        print(
            f"B3 {name:10} {r['sub_kegiatan']} sub kegiatan  import {r['import_s']:.2f} s  "
            f"openpyxl {r['openpyxl_read_only_s']:.2f} s  ratio {r['ratio']:.2f} "
            f"(≤ {r['target']})  {'ok' if ok else 'MISSED'}"
        )
    return failed


def run_b4(results: list, *, postgres: bool) -> bool:
    """B4 on SQLite and, when it answers, PostgreSQL (bench/b4.py). True when missed or failed."""
    print("== B4: pantau backup/restore vs sqlite3 .backup + zstd, pg_dump + zstd (1 pemda x 5 th)")
    failed = False
    runs = [[]]
    if postgres and pg_ready("pantau_b4"):
        runs.append(["--postgres", PG_SERVER])
    for extra in runs:
        done = subprocess.run(
            [sys.executable, str(HERE / "b4.py"), *extra], cwd=ROOT, capture_output=True, text=True
        )
        rows = [json.loads(x) for x in done.stdout.splitlines() if x.startswith("{")]
        if done.returncode and not rows:
            failed = True
            print(f"B4 GAGAL\n{done.stderr[-2000:]}")
            continue
        for r in rows:
            results.append(r)
            ok = r["ratio"] <= r["target"]
            failed |= not ok
            print(
                f"B4 {r['db']:10} {r['what']:7} pantau {r['value_s']:.2f} s  "
                f"reference {r['reference_s']:.2f} s  ratio {r['ratio']:.2f} (≤ {r['target']})  "
                f"{'ok' if ok else 'MISSED'}"
            )
    return failed


def run_b5(results: list, *, postgres: bool, window: float, operators: int) -> bool:
    """B5 on SQLite and, when it answers, on PostgreSQL (bench/b5.py prints its own lines).
    True when a run had an error or a failed check."""
    print(f"== B5: {operators} operator, foto 2 MB, jendela {window:g} s, gunicorn 2 worker")
    failed = False
    databases = ["sqlite"] + (["postgresql"] if postgres and pg_ready("pantau_b5") else [])
    for database in databases:
        out = OUT / f"b5-{database}.json"
        out.unlink(missing_ok=True)
        cmd = [sys.executable, str(HERE / "b5.py"), "--database", database, "--json", str(out)]
        cmd += ["--window", str(window), "--operators", str(operators)]
        cmd += ["--pg-url", f"{PG_SERVER}/pantau_b5"]
        done = subprocess.run(cmd, cwd=ROOT)
        failed |= done.returncode != 0
        if out.exists():
            results.append(json.loads(out.read_text()))
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", action="append", choices=sorted(SCALES))
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--b5-window", type=float, default=600, help="B5 arrivals (seconds)")
    parser.add_argument("--b5-operators", type=int, default=300)
    benches = ["b1", "b2", "b3", "b4", "b5", "b6"]
    parser.add_argument("--only", nargs="+", default=benches, choices=benches)
    args = parser.parse_args()
    scales = args.scale or ["regency", "province"]
    OUT.mkdir(parents=True, exist_ok=True)
    databases = ["sqlite"]
    if not args.no_postgres:
        if all(pg_ready(f"pantau_bench_{s}") for s in scales):
            databases.append("postgresql")
        else:
            print(f"== PostgreSQL tidak terjangkau di {PG_SERVER}: hanya SQLite yang diukur")
    results, failed = [], False
    if "b1" not in args.only:
        databases = []
    else:
        print(
            "== B1: dasbor pimpinan vs agregasi SQL langsung (data dibuat pada pemakaian pertama)"
        )
    # one worker per database (two cores); scales in order so the query counts can be compared
    with ThreadPoolExecutor(max_workers=max(1, len(databases))) as pool:
        futures = {
            db: pool.submit(lambda d: [run_b1(d, s, args.repeat) for s in scales], db)
            for db in databases
        }
        for db, future in futures.items():
            rows = future.result()
            results.extend(rows)
            for r in rows:
                if "error" in r:
                    failed = True
                    print(f"B1 {db:10} {r['scale']:8} GAGAL\n{r['error']}")
                    continue
                ok = r["ratio"] <= TARGET
                failed |= not ok
                print(
                    f"B1 {db:10} {r['scale']:8} {r['pemda']:>2} pemda {r['realisasi_rows']:>7} rows"
                    f"  server {r['server_ms']:8.1f} ms  reference {r['reference_ms']:8.1f} ms"
                    f"  ratio {r['ratio']:5.2f} (≤ {TARGET})  queries {r['queries']}"
                    f"  {'ok' if ok else 'MISSED'}"
                )
                ok_b = r["ratio_rollup_sql"] <= TARGET_ROLLUP
                failed |= not ok_b
                print(
                    f"B1 {db:10} {r['scale']:8} server {r['server_ms']:8.1f} ms  "
                    f"roll-up SQL {r['rollup_sql_ms']:8.1f} ms  ratio {r['ratio_rollup_sql']:5.2f}"
                    f" (≤ {TARGET_ROLLUP})  {'ok' if ok_b else 'MISSED'}"
                )
            counts = {r["queries"] for r in rows if "error" not in r}
            if len(counts) > 1:
                failed = True
                print(f"B1 {db}: query count grows with the data: {sorted(counts)}  MISSED")
    if "b2" in args.only:
        print("== B2: daftar JSON data terbuka vs Datasette pada berkas SQLite yang sama")
        done = subprocess.run(
            [sys.executable, str(HERE / "b2.py")], cwd=HERE, capture_output=True, text=True
        )
        if done.returncode:
            failed = True
            print(f"B2 GAGAL\n{done.stderr[-2000:]}")
        else:
            for line in done.stdout.strip().splitlines():
                r = json.loads(line)
                results.append(r)
                ok = r["ratio"] >= 1.0
                failed |= not ok
                print(
                    f"B2 cache {r['pantau_cache_s']:>2} s  pantau {r['pantau_rps']:7.1f} req/s  "
                    f"datasette {r['datasette_rps']:7.1f} req/s  ratio {r['ratio']:5.2f} (≥ 1.0)  "
                    f"{'ok' if ok else 'MISSED'}"
                )
    if "b3" in args.only:
        failed |= run_b3(results, postgres=not args.no_postgres)
    if "b4" in args.only:
        failed |= run_b4(results, postgres=not args.no_postgres)
    if "b5" in args.only:
        failed |= run_b5(
            results,
            postgres=not args.no_postgres,
            window=args.b5_window,
            operators=args.b5_operators,
        )
    if "b6" in args.only:
        print("== B6: muat pertama di ponsel (Lighthouse, profil seluler, konfigurasi produksi)")
        done = subprocess.run([sys.executable, str(HERE / "b6.py")], cwd=ROOT)  # prints its lines
        failed |= done.returncode != 0
    (OUT / "results.json").write_text(json.dumps(results, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
