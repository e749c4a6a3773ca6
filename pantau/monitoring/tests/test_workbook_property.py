"""Property (hypothesis): a realisation workbook with random faults writes nothing and names a
row of each fault; a workbook without faults imports exactly its rows (decision 0022)."""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pantau.core.tabular import MONTH_NAMES
from pantau.monitoring.models import Realisasi
from pantau.monitoring.services_workbook import realisasi_workbook_import
from pantau.monitoring.tests.test_workbook import OPD, SUB, SUB2, _xlsx

pytestmark = pytest.mark.django_db

FAULTS = {
    "text": lambda r: r.__setitem__(5, "sepuluh juta"),
    "negative": lambda r: r.__setitem__(5, -1),
    "three_decimals": lambda r: r.__setitem__(5, "1.000,005"),
    "fisik_above_100": lambda r: r.__setitem__(6, "100,5"),
    "unknown_code": lambda r: r.__setitem__(1, "1.02.02.2.01.0099"),
    "bad_month": lambda r: r.__setitem__(4, "Bulan13"),
    "other_opd": lambda r: r.__setitem__(0, "1.03.0.00.0.00.01.0000"),
}

rows_st = st.lists(
    st.tuples(
        st.sampled_from([SUB, SUB2]),
        st.integers(1, 12),
        st.integers(0, 20_000_000 * 100).map(lambda c: Decimal(c) / 100),
        st.integers(0, 10_000).map(lambda c: Decimal(c) / 100),
    ),
    min_size=1,
    max_size=12,
    unique_by=lambda t: (t[0], t[1]),
)


class _Undo(Exception):  # noqa: N818 - rolls an example back
    pass


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=rows_st, faults=st.lists(st.sampled_from(sorted(FAULTS)), max_size=3), data=st.data())
def test_faulty_files_write_nothing_and_valid_files_import_exactly(world, rows, faults, data):
    sheet = [[OPD, kode, "", None, MONTH_NAMES[b], k, f, None, None] for kode, b, k, f in rows]
    bad_rows = set()
    for fault in faults:
        index = data.draw(st.integers(0, len(sheet) - 1))
        FAULTS[fault](sheet[index])
        bad_rows.add(index + 2)  # the spreadsheet row: header is row 1
    try:
        with transaction.atomic():
            result = realisasi_workbook_import(
                _xlsx(sheet),
                "p.xlsx",
                actor=world.a.users["operator_opd"],
                tahun_anggaran=world.a.ta,
                opd=world.a.dinkes,
                check_period=False,
            )
            stored = {
                (r.sub_kegiatan.kode, r.periode.bulan): (r.keuangan, r.fisik, r.status)
                for r in Realisasi.objects.select_related("sub_kegiatan", "periode")
            }
            raise _Undo
    except _Undo:
        pass
    if faults:
        assert not result.applied and not stored
        assert bad_rows <= {e.row for e in result.errors}
    else:
        assert result.applied, [str(e) for e in result.errors]
        assert stored == {(kode, b): (k, f, "draft") for kode, b, k, f in rows}
