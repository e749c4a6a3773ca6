"""core/exports.py: the table writer every list download uses (issue 11 §5, decision 0024)."""

import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from pantau.core.exports import (
    Kolom,
    Tabel,
    csv_response,
    response,
    safe_filename,
    sheet_name,
    write_xlsx,
)
from pantau.core.tests.exports_read import csv_table, xlsx_sheet, xlsx_table

KOLOM = [
    Kolom("Nama", "text", 30),
    Kolom("Pagu (Rp)", "money"),
    Kolom("Fisik (%)", "percent"),
    Kolom("Jumlah", "number"),
    Kolom("Tanggal", "date"),
]
ROWS = [
    ("=SUM(A1:A9)", Decimal("1234567.89"), Decimal("87.5"), 3, dt.date(2026, 6, 30)),
    ("@cmd|' /C calc'!A0", None, Decimal("2") / Decimal("3") * 100, None, None),
    ("baris\rbaru=1+1", Decimal("0"), Decimal("100.00"), 0, dt.date(2026, 1, 1)),
]
WHEN = dt.datetime(2026, 7, 15, 1, 30, tzinfo=dt.UTC)


def _tabel(rows=ROWS, **extra) -> Tabel:
    return Tabel(
        judul="Laporan bulanan",
        kolom=KOLOM,
        baris=rows,
        pemda="Kabupaten Wakatobi",
        saringan=[("OPD", "Dinkes"), ("Periode", "Juni 2026")],
        dibuat=WHEN,
        **extra,
    )


class TestXlsx:
    def test_title_block_header_formats_and_values(self):
        sheet = xlsx_sheet(response(_tabel(), "xlsx"))
        assert sheet.title == "Laporan bulanan"
        assert sheet["A1"].value == "Laporan bulanan"
        assert sheet["A2"].value == "Kabupaten Wakatobi"
        assert sheet["A3"].value == "Saringan: OPD: Dinkes; Periode: Juni 2026"
        assert sheet["A4"].value == "Diunduh: 15/07/2026 09:30 WITA"  # the pemda's zone
        assert sheet.freeze_panes == "A7" and sheet.auto_filter.ref == "A6:E9"
        assert [c.value for c in sheet[6]] == [k.judul for k in KOLOM]
        assert sheet["B7"].value == 1234567.89 and sheet["B7"].number_format == "#,##0"
        assert sheet["C7"].value == 87.5 and sheet["C7"].number_format == '0.00"%"'
        assert sheet["C8"].value == 66.67  # a computed ratio: two decimals, half up
        assert sheet["E7"].value.date() == dt.date(2026, 6, 30)
        assert sheet["B8"].value is None and sheet["D9"].value == 0
        assert sheet["D7"].number_format == "#,##0"

    def test_formula_text_is_a_string_cell_never_a_formula(self):
        sheet = xlsx_sheet(response(_tabel(), "xlsx"))
        for cell in (sheet["A7"], sheet["A8"], sheet["A9"]):
            assert cell.data_type == "s", cell.value
        assert sheet["A7"].value == "=SUM(A1:A9)"

    def test_sheet_name_is_valid_for_excel(self):
        assert sheet_name("Rincian: sub/kegiatan [kritis]? dan seterusnya panjang") == (
            "Rincian  sub kegiatan  kritis"
        )
        assert len(sheet_name("x" * 80)) == 31 and sheet_name("[]:*?/\\") == "Data"

    def test_a_large_list_is_written_in_constant_memory(self):
        rows = ((f"Sub {i}", Decimal(i), Decimal("50"), i, None) for i in range(20_000))
        out = io.BytesIO()
        assert write_xlsx(_tabel(rows=rows), out) == 20_000
        book = load_workbook(io.BytesIO(out.getvalue()), read_only=True)
        assert book.worksheets[0].max_row == 6 + 20_000

    def test_the_response_is_an_attachment_with_a_safe_name(self):
        res = response(_tabel(), "xlsx")
        assert res["Content-Type"].startswith("application/vnd.openxmlformats")
        assert res["Cache-Control"] == "private, no-store"
        assert res["Content-Disposition"] == (
            'attachment; filename="laporan-bulanan-dinkes-juni-2026.xlsx"'
        )

    def test_empty_list_still_has_its_header(self):
        header, rows = xlsx_table(response(_tabel(rows=[]), "xlsx"))
        assert header == [k.judul for k in KOLOM] and rows == []


class TestCsv:
    def test_bom_header_and_neutralised_formulas(self):
        header, rows = csv_table(csv_response(_tabel()))
        assert header == [k.judul for k in KOLOM]
        assert rows[0] == ["'=SUM(A1:A9)", "1234567.89", "87.50", "3", "2026-06-30"]
        assert rows[1] == ["'@cmd|' /C calc'!A0", "", "66.67", "", ""]
        assert rows[2][0] == "baris\rbaru=1+1"  # the CR stays inside its quoted cell
        assert len(rows) == 3

    def test_semicolon_variant_uses_a_decimal_comma(self):
        res = csv_response(_tabel(), semicolon=True)
        header, rows = csv_table(res, delimiter=";")
        assert rows[0][1:3] == ["1234567,89", "87,50"] and header[0] == "Nama"

    def test_streamed_with_a_safe_name(self):
        res = csv_response(_tabel(nama_berkas='../../etc/passwd"; x=é'))
        assert res.streaming
        assert res["Content-Disposition"] == 'attachment; filename="etcpasswd-xe.csv"'
        assert res["Content-Type"] == "text/csv; charset=utf-8"


def test_safe_filename_is_ascii_without_path_characters():
    name = safe_filename('Kepatuhan / "Dinas" Kesehatan \\ Juni\r\n2026 ✓', "csv")
    assert name == "kepatuhan-dinas-kesehatan-juni-2026.csv"
    assert safe_filename("../..", "xlsx") == "unduhan.xlsx"
    assert safe_filename("x" * 500, "csv") == "x" * 90 + ".csv"


def test_decimals_never_in_exponent_form():
    rows = [("a", Decimal("1E+2"), Decimal("0E-8"), Decimal("12.5"), None)]
    _header, got = csv_table(csv_response(_tabel(rows=rows)))
    assert got[0][1:4] == ["100", "0.00", "12.5"]
    sheet = xlsx_sheet(response(_tabel(rows=rows), "xlsx"))
    assert sheet["D7"].value == 12.5 and sheet["D7"].number_format == "#,##0.00##"


def test_unknown_format_is_refused():
    assert response(_tabel(), "pdf").status_code == 400
