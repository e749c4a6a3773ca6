"""B3, plan part: importing a regency's plan workbook against openpyxl's read-only parse of the
same file.

The workbook is the export of the demo pemda's whole plan of its latest year (every OPD: about
1,470 sub kegiatan with indicators and twelve months of cash plan, `planning.workbook`), with
the kecamatan/desa columns emptied (they name the demo pemda's own regions). It is
imported into an empty pemda with the same OPD codes (`plan_file_import`: the guard, the
template check, every cell read and checked, the services' rules, the writes and the audit),
inside a transaction rolled back after each run, and the import is checked to have written every
sub kegiatan. The reference is `openpyxl.load_workbook(read_only=True)` iterating every cell of
every sheet (`values_only`), the least any import of the file must do. Prints one JSON line with
both medians and their ratio (target ≤ 3×).

  PANTAU_DATA_DIR=/tmp/pd-bench python bench/b3_plan.py [--repeat 3] [--cpu]
"""

import argparse
import io
import json
import statistics
import time

import _django


class _RollbackError(Exception):
    pass


def _without_wilayah(content: bytes) -> bytes:
    """Kecamatan and desa codes belong to the demo pemda's own regions, which the empty pemda
    does not have (they would rightly be refused): the columns are emptied, the rest kept."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    sheet = book["Sub Kegiatan"]
    for row in sheet.iter_rows(min_row=2, min_col=7, max_col=8):
        for cell in row:
            cell.value = None
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="time both sides in this process's CPU time (time.process_time), steadier than "
        "wall time on a loaded machine; on SQLite it covers all the work, on PostgreSQL not "
        "the server's",
    )
    args = parser.parse_args()
    clock = time.process_time if args.cpu else time.perf_counter
    _django.setup()
    import datetime as dt

    from django.db import transaction
    from openpyxl import load_workbook

    from pantau.demo.generate import build_demo, demo_exists
    from pantau.monitoring.services import tahun_anggaran_open
    from pantau.organisations.models import Opd
    from pantau.organisations.services import opd_create, pemda_create
    from pantau.planning.models import SubKegiatan, TahunAnggaran
    from pantau.planning.workbook import plan_workbook
    from pantau.planning.workbook_import import plan_file_import

    if not demo_exists():
        build_demo(today=dt.date.today(), log=lambda *a: None)  # noqa: DTZ011 - a demo date
    ta = TahunAnggaran.objects.order_by("-tahun").first()
    opds = list(Opd.objects.filter(pemda_id=ta.pemda_id).order_by("kode"))
    content = _without_wilayah(plan_workbook(tahun_anggaran=ta, opds=opds))
    subs = SubKegiatan.objects.filter(tahun_anggaran=ta).count()

    def parse() -> int:
        book = load_workbook(io.BytesIO(content), read_only=True)
        cells = sum(len(row) for ws in book.worksheets for row in ws.iter_rows(values_only=True))
        book.close()
        return cells

    def imported() -> int:
        try:
            with transaction.atomic():
                pemda = pemda_create(actor=None, kode="99.99", nama="Kabupaten Bench")
                for o in opds:
                    opd_create(
                        actor=None,
                        pemda=pemda,
                        kode=o.kode,
                        nama=o.nama,
                        singkatan=o.singkatan,
                        jenis=o.jenis,
                        bidang_urusan=o.bidang_urusan,
                    )
                target = tahun_anggaran_open(actor=None, pemda=pemda, tahun=ta.tahun)
                start = clock()
                plan_file_import(
                    actor=None, content=content, filename="b3.xlsx", tahun_anggaran=target
                )
                elapsed = clock() - start
                written = SubKegiatan.objects.filter(tahun_anggaran=target).count()
                assert written == subs, (written, subs)
                raise _RollbackError(elapsed)
        except _RollbackError as done:
            return done.args[0]

    parse_times, import_times = [], []
    for _i in range(args.repeat):
        start = clock()
        cells = parse()
        parse_times.append(clock() - start)
        import_times.append(imported())
    p, i = statistics.median(parse_times), statistics.median(import_times)
    print(
        json.dumps(
            {
                "benchmark": "B3-plan",
                "clock": "cpu" if args.cpu else "wall",
                "sub_kegiatan": subs,
                "bytes": len(content),
                "cells": cells,
                "openpyxl_read_only_s": round(p, 3),
                "import_s": round(i, 3),
                "ratio": round(i / p, 2),
                "target": 3.0,
            }
        )
    )


if __name__ == "__main__":
    main()
