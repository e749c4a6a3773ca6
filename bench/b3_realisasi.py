"""B3, realisation part: a 10,000-row realisation workbook imported (the real import: guard,
streaming read, every rule, bulk writes, audit, roll-up hand-off) against openpyxl's read-only
parse of the same file (every cell of the Realisasi sheet read as a value). Target ≤ 3×.

Builds its own throwaway SQLite database under var/bench/b3 (or DATABASE_URL when given): the
nomenclature of the demo, one OPD per bidang urusan, the year's plan through `plan_import`
(1,852 sub kegiatan), then a workbook of 10,000 rows (sub kegiatan × months, through the
export builder). Each timed import runs in a transaction that is rolled back, so every run
imports into the same empty year. The idempotent second import (every row `tetap`) is timed too.

  python bench/b3_realisasi.py [--repeat N] [--rows 10000]
Prints one JSON line.
"""

import argparse
import csv
import io
import json
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "var" / "bench" / "b3"
if not os.environ.get("DATABASE_URL"):
    OUT.mkdir(parents=True, exist_ok=True)
    for leftover in OUT.glob("*.sqlite3*"):
        leftover.unlink()
    os.environ["PANTAU_DATA_DIR"] = str(OUT)
os.environ["PANTAU_TASKS_IMMEDIATE"] = "1"

import _django  # noqa: E402

_django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

YEAR = 2026


class _RollbackError(Exception):
    pass


def build(rows_wanted: int):
    from pantau.core.tabular import MONTH_NAMES
    from pantau.demo.plan import DATA
    from pantau.monitoring.services import tahun_anggaran_open
    from pantau.monitoring.workbook import WorkbookData
    from pantau.organisations.choices import JenisOpd
    from pantau.organisations.services import opd_create, pemda_create
    from pantau.planning.imports import plan_import
    from pantau.planning.models import SubKegiatan
    from pantau.planning.services import nomenklatur_load

    call_command("migrate", verbosity=0)
    path = DATA / "nomenklatur_kepmendagri_050-5889_partial.csv"
    nomenklatur_load(actor=None, path=path, tahun=YEAR, sumber="bench")
    pemda = pemda_create(actor=None, kode="74.07", nama="Kabupaten Bench")
    ta = tahun_anggaran_open(actor=None, pemda=pemda, tahun=YEAR)
    with path.open(newline="", encoding="utf-8") as fh:
        nomen = list(csv.DictReader(fh))
    trees: dict[str, dict] = {}
    known = {(r["kode"], r["tingkat"]) for r in nomen}
    for r in nomen:
        if r["tingkat"] != "sub_kegiatan":
            continue
        kode = r["kode"]
        bidang, program, kegiatan = kode[:4], kode[:7], kode[:12]
        if (program, "program") not in known or (kegiatan, "kegiatan") not in known:
            continue  # the partial nomenclature lacks a parent
        tree = trees.setdefault(bidang, {})
        tree.setdefault(program, {}).setdefault(kegiatan, []).append(
            {"kode": kode, "pagu_murni": Decimal(1_200_000_000)}
        )
    for n, (bidang, programs) in enumerate(sorted(trees.items()), start=1):
        opd = opd_create(
            actor=None,
            pemda=pemda,
            kode=f"{bidang}.0.00.0.00.{n:02d}.0000",
            nama=f"OPD {bidang}",
            singkatan=f"OPD-{n}",
            jenis=JenisOpd.DINAS,
            bidang_urusan=bidang,
        )
        tree = [
            {
                "kode": p,
                "kegiatan": [{"kode": k, "sub_kegiatan": subs} for k, subs in sorted(ks.items())],
            }
            for p, ks in sorted(programs.items())
        ]
        plan_import(actor=None, tahun_anggaran=ta, opd=opd, programs=tree)
    subs = list(
        SubKegiatan.objects.filter(tahun_anggaran=ta).select_related("opd").order_by("kode")
    )
    data = WorkbookData(tahun=YEAR, judul=pemda.nama, kode_sub=[s.kode for s in subs])
    month = 1
    while len(data.realisasi) < rows_wanted:
        for i, s in enumerate(subs):
            if len(data.realisasi) >= rows_wanted:
                break
            keuangan = Decimal(50_000_000 + (i % 97) * 10_000) + Decimal("0.25")
            fisik = Decimal(month * 8)
            data.realisasi.append(
                [s.opd.kode, s.kode, s.nama, s.pagu_murni, MONTH_NAMES[month], keuangan, fisik,
                 "Pengadaan tertunda" if i % 10 == 0 else None, None]
            )  # fmt: skip
        month += 1
    return ta, data


def parse_reference(content: bytes) -> int:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    n = 0
    for row in book["Realisasi"].iter_rows(values_only=True):
        n += sum(1 for _v in row)
    book.close()
    return n


def import_once(ta, content: bytes, *, keep: bool = False):
    from pantau.monitoring.services_workbook import realisasi_workbook_import

    start = time.perf_counter()
    try:
        with transaction.atomic():
            result = realisasi_workbook_import(
                content, "b3.xlsx", actor=None, tahun_anggaran=ta, check_period=False
            )
            elapsed = time.perf_counter() - start
            assert result.applied, [str(e) for e in result.errors[:5]]
            if not keep:
                raise _RollbackError
    except _RollbackError:
        pass
    return elapsed, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    from django.db import connection

    from pantau.monitoring.workbook import build_xlsx

    ta, data = build(args.rows)
    content = build_xlsx(data)
    ref, imp = [], []
    for _ in range(args.repeat):
        t = time.perf_counter()
        parse_reference(content)
        ref.append(time.perf_counter() - t)
        elapsed, result = import_once(ta, content)
        assert result.counts()["baru"] == args.rows, result.counts()
        imp.append(elapsed)
    import_once(ta, content, keep=True)
    again = []
    for _ in range(args.repeat):
        elapsed, result = import_once(ta, content)
        assert result.counts()["tetap"] == args.rows, result.counts()
        again.append(elapsed)
    r, i, a = statistics.median(ref), statistics.median(imp), statistics.median(again)
    print(
        json.dumps(
            {
                "benchmark": "B3-realisasi",
                "database": connection.vendor,
                "rows": args.rows,
                "bytes": len(content),
                "reference_s": round(r, 3),
                "import_s": round(i, 3),
                "reimport_s": round(a, 3),
                "ratio": round(i / r, 2),
                "ratio_reimport": round(a / r, 2),
                "target": 3.0,
            }
        )
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
