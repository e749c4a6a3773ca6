"""B1's bare-SQL reference (bench/b1.py) agrees with the dashboard on a small world, the third
kontrak kritis condition included: a benchmark that compared against a different rule would
fail on real data instead of measuring it."""

import importlib
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from pantau.monitoring.choices import StatusRealisasi
from pantau.monitoring.services import realisasi_import

pytestmark = pytest.mark.django_db
BENCH = Path(__file__).resolve().parent.parent / "bench"


def _b1():
    sys.path.insert(0, str(BENCH))
    try:
        return importlib.import_module("b1")
    finally:
        sys.path.remove(str(BENCH))


@pytest.mark.parametrize(("september", "kritis"), [(75, 1), (67, 0)])
def test_reference_counts_kritis_like_the_dashboard(world, clock, september, kritis):
    from pantau.evaluation.selectors import dashboard_for, ketepatan_opd, peta

    clock.set("2026-11-20 09:00")
    # plan 80% in October (period II), 96% in December; 77% in October is 3 points behind.
    # From 75% in September: 77 + 2 x 2 = 81 < 96, kritis; from 67%: 77 + 10 x 2 = 97, not.
    realisasi_import(
        actor=None,
        tahun_anggaran=world.a.ta,
        historical=True,
        rows=[
            {
                "sub_kegiatan": world.a.sub,
                "bulan": bulan,
                "keuangan": Decimal(100_000_000),
                "fisik": Decimal(fisik),
                "status": StatusRealisasi.DIVERIFIKASI,
            }
            for bulan, fisik in ((9, september), (10, 77))
        ],
    )
    b1 = _b1()
    user = world.a.users["pimpinan"]
    ta = world.a.ta
    ref = b1.reference(ta, 10)
    assert ref["opd"][world.a.dinkes.pk]["kritis"] == kritis
    _, ketepatan = ketepatan_opd(user=user, tahun_anggaran=ta)
    board = dashboard_for(user=user, tahun_anggaran=ta, bulan=10, ketepatan=ketepatan)
    b1.verify(board, ref, peta(user=user, tahun_anggaran=ta, bulan=10))
    assert board.kritis == kritis
