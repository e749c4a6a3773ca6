"""The monthly realisation workbook (issue 11 §4–5, decision 0022): its layout, the template and
the export (the same workbook, filled), and the reading of an uploaded file into checked rows.

Sheets: `Realisasi` (one row per sub kegiatan and month), `Indikator` (one row per indicator of a
sub kegiatan and month), `Petunjuk` (instructions) and a hidden `Referensi` sheet holding the
lists behind the drop-downs (months, the OPD's sub kegiatan codes). Headers are the file format
and stay Indonesian whatever the page language. A CSV carries one sheet: the Realisasi columns
(or the Indikator columns, recognised by its header).

Reading goes through the upload guard (`pantau.core.spreadsheets`): the zip and every sheet are
checked against the limits while streaming in openpyxl's read-only mode; merged cells and
formulas, which that mode hides, are read from the sheet XML. Every problem is a `CellError`
with its sheet, row and column; nothing here touches the database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pantau.core.spreadsheets import (
    Limits,
    SheetBudget,
    csv_rows,
    deterministic_xlsx,
    open_xlsx,
    safe_cell,
    sheet_marks,
    sheet_values,
)
from pantau.core.tabular import (
    FILE_NOT_SPREADSHEET,
    MONTH_NAMES,
    CellErrors,
    column_letter,
    is_empty,
    read_month,
    read_number,
    read_text,
)

SHEET_REALISASI = "Realisasi"
SHEET_INDIKATOR = "Indikator"
SHEET_PETUNJUK = "Petunjuk"
SHEET_REFERENSI = "Referensi"

# (key, header). The headers are the format of the file: never translated.
REALISASI_COLUMNS = [
    ("opd", "Kode OPD"),
    ("kode", "Kode Sub Kegiatan"),
    ("nama", "Nama Sub Kegiatan"),
    ("pagu", "Pagu (Rp)"),
    ("bulan", "Bulan"),
    ("keuangan", "Realisasi Keuangan Bulan Ini (Rp)"),
    ("fisik", "Realisasi Fisik Kumulatif (%)"),
    ("kendala", "Kendala"),
    ("tindak_lanjut", "Tindak Lanjut"),
]
INDIKATOR_COLUMNS = [
    ("opd", "Kode OPD"),
    ("kode", "Kode Sub Kegiatan"),
    ("indikator", "Indikator"),
    ("satuan", "Satuan"),
    ("bulan", "Bulan"),
    ("nilai", "Nilai Realisasi"),
    ("catatan", "Catatan"),
]
REQUIRED = {
    SHEET_REALISASI: {"opd", "kode", "bulan", "keuangan", "fisik"},
    SHEET_INDIKATOR: {"opd", "kode", "indikator", "bulan", "nilai"},
}
COLUMNS = {SHEET_REALISASI: REALISASI_COLUMNS, SHEET_INDIKATOR: INDIKATOR_COLUMNS}
# a fixed document date (openpyxl writes it as UTC, naive): the same data, the same bytes
CREATED = dt.datetime(2026, 1, 1)  # noqa: DTZ001


def _norm(header) -> str:
    return " ".join(read_text(header).lower().split())


# --------------------------------------------------------------------------- building


@dataclass
class WorkbookData:
    """What a template or an export holds (built by `selectors.realisasi_workbook_data`)."""

    tahun: int
    judul: str
    realisasi: list[list] = field(default_factory=list)  # rows in REALISASI_COLUMNS order
    indikator: list[list] = field(default_factory=list)  # rows in INDIKATOR_COLUMNS order
    kode_sub: list[str] = field(default_factory=list)  # for the drop-down


def _petunjuk(data: WorkbookData) -> list[str]:
    return [
        _("Templat realisasi bulanan Pantau — %(judul)s, tahun anggaran %(tahun)s.")
        % {"judul": data.judul, "tahun": data.tahun},
        "",
        _("1. Isi lembar Realisasi: satu baris per sub kegiatan per bulan."),
        _(
            "2. Realisasi keuangan adalah uang yang dibelanjakan pada bulan itu (Rp), bukan "
            "kumulatif; realisasi fisik adalah kemajuan kumulatif (0–100%)."
        ),
        _(
            "3. Angka boleh ditulis sebagai angka Excel atau cara Indonesia (1.234.567,89). "
            "Jangan memakai rumus dan jangan menggabungkan sel."
        ),
        _("4. Bulan dan kode sub kegiatan dipilih dari daftar; jangan mengubah judul kolom."),
        _("5. Baris yang keuangan dan fisiknya kosong dilewati."),
        _("6. Isi lembar Indikator dengan nilai realisasi indikator sub kegiatan per bulan."),
        _(
            "7. Unggah berkas di Pantau: uji coba dahulu menampilkan setiap kesalahan per sel; "
            "impor menyimpan semuanya atau tidak sama sekali, sebagai draf."
        ),
        _(
            "8. Laporan yang sudah diajukan atau diverifikasi tidak dapat diubah lewat impor. "
            "Mengimpor berkas yang sama dua kali tidak mengubah apa pun."
        ),
    ]


def build_xlsx(data: WorkbookData) -> bytes:
    """The workbook as deterministic XLSX bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    book.properties.created = CREATED
    book.properties.creator = "Pantau"
    bold = Font(bold=True)
    sheets = {}
    for index, (name, columns, rows) in enumerate(
        [
            (SHEET_REALISASI, REALISASI_COLUMNS, data.realisasi),
            (SHEET_INDIKATOR, INDIKATOR_COLUMNS, data.indikator),
        ]
    ):
        ws = book.active if index == 0 else book.create_sheet(name)
        ws.title = name
        ws.append([h for _k, h in columns])
        for cell in ws[1]:
            cell.font = bold
        ws.freeze_panes = "A2"
        for row in rows:
            ws.append(row)
        for i, (key, header) in enumerate(columns, start=1):
            ws.column_dimensions[column_letter(i)].width = 40 if key == "nama" else len(header) + 4
        sheets[name] = ws
    petunjuk = book.create_sheet(SHEET_PETUNJUK)
    for line in _petunjuk(data):
        petunjuk.append([line])
    petunjuk.column_dimensions["A"].width = 110
    ref = book.create_sheet(SHEET_REFERENSI)
    ref.sheet_state = "hidden"
    ref.append(["Bulan", "Kode Sub Kegiatan"])
    codes = data.kode_sub or [""]
    for i in range(max(12, len(codes))):
        ref.append([MONTH_NAMES[i + 1] if i < 12 else None, codes[i] if i < len(codes) else None])
    last = 1 + max(len(codes), 1)
    for name, bulan_col, kode_col in (
        (SHEET_REALISASI, "E", "B"),
        (SHEET_INDIKATOR, "E", "B"),
    ):
        ws = sheets[name]
        months = DataValidation(type="list", formula1=f"={SHEET_REFERENSI}!$A$2:$A$13")
        months.error = _("Pilih bulan dari daftar.")
        subs = DataValidation(type="list", formula1=f"={SHEET_REFERENSI}!$B$2:$B${last}")
        subs.error = _("Pilih kode sub kegiatan dari daftar.")
        for dv, col in ((months, bulan_col), (subs, kode_col)):
            dv.add(f"{col}2:{col}1048576")
            ws.add_data_validation(dv)
    out = io.BytesIO()
    book.save(out)
    return deterministic_xlsx(out.getvalue())


def build_csv(data: WorkbookData) -> str:
    """The Realisasi sheet as CSV (`;`-separated, as Indonesian Excel opens it)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow([h for _k, h in REALISASI_COLUMNS])
    for row in data.realisasi:
        writer.writerow([safe_cell(_csv_value(v)) for v in row])
    return out.getvalue()


def _csv_value(value):
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    return value


# --------------------------------------------------------------------------- reading


@dataclass
class Row:
    """One data row of an uploaded sheet, its cells read (None where a cell was refused)."""

    sheet: str
    number: int
    opd: str
    kode: str
    bulan: int | None
    values: dict  # keuangan, fisik, kendala, tindak_lanjut | indikator, nilai, catatan
    blank: bool = False  # the figures were left empty: the row is skipped


@dataclass
class Parsed:
    rows: list[Row] = field(default_factory=list)
    errors: CellErrors = field(default_factory=CellErrors)
    empty_rows: int = 0
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet -> key -> letter

    def column(self, sheet: str, key: str) -> str:
        return self.columns.get(sheet, {}).get(key, "")


def read_upload(content: bytes, filename: str, limits: Limits | None = None) -> Parsed:
    """The rows of an uploaded realisation workbook (XLSX) or CSV, with every cell problem."""
    limits = limits or Limits.from_settings()
    parsed = Parsed()
    name = (filename or "").lower()
    if content[:4] == b"PK\x03\x04" or name.endswith(".xlsx"):
        _read_xlsx(content, limits, parsed)
    elif name.endswith((".csv", ".txt")):
        _read_csv(content, limits, parsed)
    else:
        raise ValidationError(str(FILE_NOT_SPREADSHEET))
    return parsed


def _read_xlsx(content: bytes, limits: Limits, parsed: Parsed) -> None:
    book = open_xlsx(content, limits)
    try:
        by_name = {ws.title.strip().lower(): ws for ws in book.worksheets}
        if SHEET_REALISASI.lower() not in by_name:
            parsed.errors.add(
                "",
                None,
                "",
                _(
                    "Berkas ini bukan templat realisasi Pantau: lembar '%(s)s' tidak ada. "
                    "Unduh templat dari halaman Impor realisasi."
                )
                % {"s": SHEET_REALISASI},
            )
            return
        budget = SheetBudget(limits)
        for sheet_name in (SHEET_REALISASI, SHEET_INDIKATOR):
            ws = by_name.get(sheet_name.lower())
            if ws is None:
                continue
            merges, formulas = sheet_marks(content, ws._worksheet_path)
            _read_sheet(sheet_name, sheet_values(ws, limits, budget), parsed, merges, formulas)
    finally:
        book.close()


def _read_csv(content: bytes, limits: Limits, parsed: Parsed) -> None:
    from pantau.core.spreadsheets import check_size

    check_size(len(content), limits)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    headers = {_norm(h) for h in next(csv.reader([first], delimiter=delimiter), [])}
    sheet = SHEET_REALISASI
    if _norm("Indikator") in headers and _norm("Nilai Realisasi") in headers:
        sheet = SHEET_INDIKATOR
    rows = ((n, tuple(r)) for n, r in enumerate(csv_rows(text, delimiter, limits), start=1))
    _read_sheet(sheet, rows, parsed, [], set())


def _header_map(sheet: str, header: tuple, errors: CellErrors) -> dict[str, int] | None:
    """Column key -> index from the header row; missing or unknown columns are errors."""
    known = {_norm(h): k for k, h in COLUMNS[sheet]}
    index: dict[str, int] = {}
    for i, value in enumerate(header):
        if is_empty(value):
            continue
        key = known.get(_norm(value))
        if key is None:
            errors.add(
                sheet,
                1,
                column_letter(i + 1),
                _("Judul kolom '%(h)s' tidak dikenal; jangan mengubah judul kolom templat.")
                % {"h": read_text(value)[:60]},
            )
        elif key in index:
            errors.add(sheet, 1, column_letter(i + 1), _("Kolom '%(h)s' ganda.") % {"h": value})
        else:
            index[key] = i
    headers = dict(COLUMNS[sheet])
    for key in sorted(REQUIRED[sheet] - set(index), key=list(headers).index):
        errors.add(sheet, 1, "", _("Kolom '%(h)s' tidak ada.") % {"h": headers[key]})
    return index if REQUIRED[sheet] <= set(index) else None


def _read_sheet(sheet: str, rows, parsed: Parsed, merges, formulas) -> None:
    errors = parsed.errors
    for c1, r1, c2, r2 in merges:
        errors.add(
            sheet,
            r1,
            c1,
            _("Sel %(a)s:%(b)s digabung; pisahkan sel yang digabung (satu nilai per sel).")
            % {"a": f"{c1}{r1}", "b": f"{c2}{r2}"},
        )
    for col, row in sorted(formulas, key=lambda f: (f[1], f[0])):
        errors.add(sheet, row, col, _("Sel berisi rumus; ganti dengan nilainya."))
    header = None
    index: dict[str, int] = {}
    for number, values in rows:
        if header is None:
            if all(is_empty(v) for v in values):
                continue
            header = values
            found = _header_map(sheet, values, errors)
            if found is None:
                return
            index = found
            parsed.columns[sheet] = {k: column_letter(i + 1) for k, i in index.items()}
            continue
        if all(is_empty(v) for v in values):
            parsed.empty_rows += 1
            continue
        parsed.rows.append(_read_row(sheet, number, values, index, errors))
    if header is None:
        errors.add(sheet, None, "", _("Lembar ini kosong: judul kolom tidak ditemukan."))


def _cell(values: tuple, index: dict[str, int], key: str):
    i = index.get(key)
    return values[i] if i is not None and i < len(values) else None


def _labels() -> dict[str, str]:
    """The names of the read cells in messages, in the active language (once per row would be
    three catalogue look-ups a row)."""
    from django.utils.translation import get_language

    language = get_language()
    if _LABELS.get("_language") != language:
        _LABELS.clear()
        _LABELS.update(
            _language=language,
            bulan=_("Bulan"),
            keuangan=_("Realisasi keuangan"),
            fisik=_("Realisasi fisik"),
            nilai=_("Nilai indikator"),
        )
    return _LABELS


_LABELS: dict[str, str] = {}


def _read_row(sheet: str, number: int, values: tuple, index, errors: CellErrors) -> Row:
    def col(key: str) -> str:
        return column_letter(index[key] + 1) if key in index else ""

    def get(key: str):
        return _cell(values, index, key)

    opd, kode = read_text(get("opd")), read_text(get("kode"))
    for key, text in (("opd", opd), ("kode", kode)):
        if not text:
            errors.add(sheet, number, col(key), _("Kode wajib diisi."))
    labels = _labels()
    bulan = errors.check(
        sheet, number, col("bulan"), read_month, get("bulan"), label=labels["bulan"]
    )
    if sheet == SHEET_REALISASI:
        figures, texts = ("keuangan", "fisik"), ("kendala", "tindak_lanjut")
    else:
        figures, texts = ("nilai",), ("indikator", "catatan")
    out: dict = {k: read_text(get(k)) for k in texts}
    blank = all(is_empty(get(k)) for k in figures) and not any(
        out[k] for k in texts if k != "indikator"
    )
    if not blank:
        for key in figures:
            out[key] = errors.check(
                sheet, number, col(key), read_number, get(key), label=labels[key]
            )
    return Row(sheet, number, opd, kode, bulan, out, blank=blank)
