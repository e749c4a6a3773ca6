import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from pantau.core import tabular
from pantau.core.numbers import format_money


class TestReadNumber:
    @pytest.mark.parametrize(
        ("cell", "expected"),
        [
            ("1.234.567,89", Decimal("1234567.89")),
            ("Rp 1.250.000", Decimal("1250000")),
            ("Rp. 1.250.000", Decimal("1250000")),
            ("87,5", Decimal("87.5")),
            ("87.5", Decimal("87.5")),
            ("1.250", Decimal("1250")),
            ("-12", Decimal("-12")),
            ("45%", Decimal("45")),
            (0.1, Decimal("0.1")),
            (1250000.0, Decimal("1250000.0")),
            (12, Decimal(12)),
            (Decimal("3.25"), Decimal("3.25")),
        ],
    )
    def test_reads_indonesian_and_cell_numbers(self, cell, expected):
        assert tabular.read_number(cell, label="Pagu") == expected

    @pytest.mark.parametrize("cell", ["satu juta", "1,234,567.89", "12abc", "1..2", True, "NaN"])
    def test_refuses_what_is_not_a_number(self, cell):
        with pytest.raises(ValidationError) as exc:
            tabular.read_number(cell, label="Pagu")
        assert "Pagu" in str(exc.value)

    def test_empty_is_required_not_zero(self):
        with pytest.raises(ValidationError, match="wajib diisi"):
            tabular.read_number("  ", label="Pagu")

    @given(st.decimals(min_value=0, max_value=10**15, places=2, allow_nan=False))
    def test_reads_back_what_pantau_writes(self, amount):
        from django.utils import translation

        with translation.override("id"):
            assert tabular.read_number(format_money(amount), label="x") == amount


class TestReadDateAndMonth:
    @pytest.mark.parametrize(
        "cell", ["31/12/2025", "31-12-2025", "2025-12-31", "31 Desember 2025", "31 Des 2025"]
    )
    def test_dates(self, cell):
        assert tabular.read_date(cell, label="Tanggal") == dt.date(2025, 12, 31)

    def test_date_cell(self):
        assert tabular.read_date(
            dt.datetime(2025, 1, 2, 0, 0),  # noqa: DTZ001 - openpyxl gives naive datetimes
            label="t",
        ) == dt.date(2025, 1, 2)

    @pytest.mark.parametrize("cell", ["31/02/2025", "kemarin", "2025/31/12"])
    def test_bad_dates(self, cell):
        with pytest.raises(ValidationError, match="bukan tanggal"):
            tabular.read_date(cell, label="Tanggal")

    @pytest.mark.parametrize(
        ("cell", "month"), [("Maret", 3), ("mar", 3), ("March", 3), (3, 3), ("12", 12), (3.0, 3)]
    )
    def test_months(self, cell, month):
        assert tabular.read_month(cell, label="Bulan") == month

    @pytest.mark.parametrize("cell", [0, 13, "Smarch", 2.5])
    def test_bad_months(self, cell):
        with pytest.raises(ValidationError, match="bukan bulan"):
            tabular.read_month(cell, label="Bulan")


class TestCellErrors:
    def test_collects_with_place(self):
        errors = tabular.CellErrors()
        assert errors.check("Rencana", 5, "C", tabular.read_number, "x", label="Pagu") is None
        assert errors.check("Rencana", 6, "C", tabular.read_number, "7", label="Pagu") == 7
        assert len(errors) == 1 and errors.rows_with_errors("Rencana") == {5}
        assert str(errors.errors[0]).startswith("Lembar Rencana, baris 5, kolom C: Pagu")
        assert "baris 5" in str(errors.as_validation_error())

    def test_column_letters(self):
        assert [tabular.column_letter(n) for n in (1, 26, 27, 52)] == ["A", "Z", "AA", "AZ"]
