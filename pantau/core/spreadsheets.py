"""The one guard every spreadsheet read goes through (open-data table uploads today, the plan and
realisation imports to come): limits are checked while streaming, before anything large is built.

An XLSX is a zip of XML. Before openpyxl sees it, `open_xlsx` checks the zip itself: the number
of entries, every entry's declared uncompressed size, their sum and the compression ratio (the
zip module never inflates an entry past its declared size, so the declared sizes bound what is
read), then the sheet's declared `<dimension>` (read from the first bytes of the sheet XML, not
parsed). `xlsx_rows` then streams the first sheet in openpyxl's read-only mode with the declared
dimension dropped (openpyxl would otherwise pad every row to the declared width and yield empty
rows to the declared height) and counts cells, columns and rows as they arrive, stopping at the
first limit. `csv_rows` does the same for CSV text. Every refusal is a ValidationError with a
message for people; nothing partial is returned.

Limits come from settings (`SPREADSHEET_*`, see docs/security.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?\"")
SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData")
HEAD_BYTES = 64 * 1024  # the dimension element comes before sheetData, near the start
RATIO_FLOOR = 1024 * 1024  # entries smaller than this may compress as well as they like


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int
    max_columns: int
    max_cells: int
    max_uncompressed: int
    max_ratio: int
    max_entries: int

    @classmethod
    def from_settings(cls, *, max_bytes: int | None = None, max_rows: int | None = None):
        return cls(
            max_bytes=max_bytes or settings.SPREADSHEET_MAX_UPLOAD_MB * 1024 * 1024,
            max_rows=max_rows or settings.SPREADSHEET_MAX_ROWS,
            max_columns=settings.SPREADSHEET_MAX_COLUMNS,
            max_cells=settings.SPREADSHEET_MAX_CELLS,
            max_uncompressed=settings.SPREADSHEET_MAX_UNCOMPRESSED_MB * 1024 * 1024,
            max_ratio=settings.SPREADSHEET_MAX_RATIO,
            max_entries=settings.SPREADSHEET_MAX_ENTRIES,
        )


def _too_big(limits: Limits) -> ValidationError:
    return ValidationError(
        _("Berkas terlalu besar (maksimum %(n)s MB).") % {"n": limits.max_bytes // (1024 * 1024)}
    )


def check_size(size: int, limits: Limits) -> None:
    if size == 0:  # said as such, not as "not a valid workbook"
        raise ValidationError(_("Berkas ini kosong (0 bita): simpan ulang lalu unggah lagi."))
    if size > limits.max_bytes:
        raise _too_big(limits)


def column_number(letters: str) -> int:
    n = 0
    for c in letters:
        n = n * 26 + ord(c) - 64
    return n


def _refuse_sheet(limits: Limits, rows: int, columns: int) -> None:
    if columns > limits.max_columns:
        raise ValidationError(
            _("Lembar kerja terlalu lebar: %(c)s kolom (maksimum %(n)s).")
            % {"c": columns, "n": limits.max_columns}
        )
    if rows > limits.max_rows + 1:
        raise ValidationError(_("Terlalu banyak baris (maksimum %(n)s).") % {"n": limits.max_rows})
    if rows * columns > limits.max_cells:
        raise ValidationError(
            _("Lembar kerja terlalu besar: %(c)s sel (maksimum %(n)s).")
            % {"c": rows * columns, "n": limits.max_cells}
        )


def _check_zip(book: zipfile.ZipFile, limits: Limits) -> None:
    entries = book.infolist()
    if len(entries) > limits.max_entries:
        raise ValidationError(_("Berkas XLSX berisi terlalu banyak bagian."))
    total = 0
    for info in entries:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > limits.max_uncompressed or (
            info.file_size > RATIO_FLOOR and ratio > limits.max_ratio
        ):
            raise ValidationError(
                _(
                    "Berkas XLSX mengembang terlalu besar saat dibuka (maksimum %(n)s MB): "
                    "kemungkinan bom zip. Simpan ulang lembar kerja tanpa sel kosong yang "
                    "berformat, lalu unggah lagi."
                )
                % {"n": limits.max_uncompressed // (1024 * 1024)}
            )


def _first_sheet_name(book: zipfile.ZipFile) -> str | None:
    names = sorted(
        (n for n in book.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)),
        key=lambda n: int(re.sub(r"\D", "", n)),
    )
    return names[0] if names else None


def _check_dimension(book: zipfile.ZipFile, name: str, limits: Limits) -> None:
    """The declared dimension of the sheet, read from its first bytes (never parsed whole)."""
    with book.open(name) as fh:
        head = fh.read(HEAD_BYTES)
    before = SHEET_DATA.split(head, maxsplit=1)[0]
    m = DIMENSION.search(before)
    if not m:
        return
    c1, r1, c2, r2 = (g.decode() if g else None for g in m.groups())
    first_col, first_row = column_number(c1 or "A"), int(r1 or 1)
    last_col = column_number(c2) if c2 else first_col
    last_row = int(r2) if r2 else first_row
    _refuse_sheet(limits, last_row - first_row + 1, last_col - first_col + 1)


def _invalid_xlsx() -> ValidationError:
    return ValidationError(
        _("Berkas XLSX tidak dapat dibuka: bukan lembar kerja Excel yang valid.")
    )


def _sheet_names(book: zipfile.ZipFile) -> list[str]:
    return sorted(
        (n for n in book.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)),
        key=lambda n: int(re.sub(r"\D", "", n)),
    )


def open_xlsx(content: bytes, limits: Limits, *, all_sheets: bool = False, data_only: bool = True):
    """An openpyxl read-only workbook of `content`, after the zip and the first sheet's declared
    size (every sheet's with `all_sheets`) passed the limits (refused with a ValidationError
    otherwise). `data_only=False` keeps formulas as their text ("=SUM(A1:A3)") so that an import
    can refuse them."""
    from openpyxl import load_workbook

    check_size(len(content), limits)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            _check_zip(book, limits)
            names = _sheet_names(book) if all_sheets else [_first_sheet_name(book)]
            for name in names:
                if name:
                    _check_dimension(book, name, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, KeyError) as exc:
        raise _invalid_xlsx() from exc
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or non-XLSX file
        raise _invalid_xlsx() from exc


class _Budget:
    def __init__(self, limits: Limits) -> None:
        self.limits, self.rows, self.cells = limits, 0, 0

    def take(self, width: int) -> None:
        self.rows += 1
        self.cells += width
        if width > self.limits.max_columns:
            _refuse_sheet(self.limits, 1, width)
        if self.rows > self.limits.max_rows + 1:
            _refuse_sheet(self.limits, self.rows, 1)
        if self.cells > self.limits.max_cells:
            raise ValidationError(
                _("Lembar kerja terlalu besar: lebih dari %(n)s sel.")
                % {"n": self.limits.max_cells}
            )


def xlsx_rows(content: bytes, limits: Limits | None = None) -> Iterator[list[str]]:
    """The first sheet's rows as text (trailing empty cells dropped, empty rows skipped), streamed
    under the limits."""
    limits = limits or Limits.from_settings()
    book = open_xlsx(content, limits)
    budget = _Budget(limits)
    try:
        sheet = book.worksheets[0]
        if sheet.max_row and sheet.max_column:  # the dimension openpyxl read for this sheet
            _refuse_sheet(
                limits,
                sheet.max_row - (sheet.min_row or 1) + 1,
                sheet.max_column - (sheet.min_column or 1) + 1,
            )
        sheet.reset_dimensions()  # stream what is there, not what the file declares
        try:
            for raw in sheet.iter_rows(values_only=True):
                budget.take(len(raw))
                cells = ["" if v is None else cell_text(v) for v in raw]
                while cells and cells[-1] == "":
                    cells.pop()
                if any(c.strip() for c in cells):
                    yield cells
        except ValidationError:
            raise
        except Exception as exc:  # a damaged sheet inside a valid zip (truncated XML and so on)
            raise _invalid_xlsx() from exc
    finally:
        book.close()


MERGE_CELL = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]{1,3}\d+(?::[A-Z]{1,3}\d+)?)\"")


def _merged_refs(book, path: str) -> list[str]:
    """The merged ranges of one sheet, read from its XML in chunks (read-only mode does not
    expose them; `<mergeCells>` follows the sheet data, so the whole part is scanned)."""
    refs: list[str] = []
    tail = b""
    with book._archive.open(path) as fh:
        while chunk := fh.read(256 * 1024):
            data = tail + chunk
            refs += [m.decode() for m in MERGE_CELL.findall(data)]
            cut = data.rfind(b"<")
            tail = data[cut:] if cut >= 0 and b">" not in data[cut:] else b""
    return refs


@dataclass
class Sheet:
    """One sheet of a workbook being streamed: its title, its merged ranges and its rows as
    (row number the spreadsheet shows, raw cell values)."""

    title: str
    merged: list[str]
    rows: Iterator[tuple[int, tuple]]
    size: int = 0  # rows, once counted by the reader


def xlsx_sheets(
    content: bytes, limits: Limits | None = None, *, data_only: bool = False
) -> Iterator[Sheet]:
    """Every sheet of a workbook, streamed under the limits (one budget for the whole file):
    raw values (numbers, dates, text; formulas as their text unless `data_only`), with the row
    numbers kept and empty rows skipped."""
    limits = limits or Limits.from_settings()
    book = open_xlsx(content, limits, all_sheets=True, data_only=data_only)
    budget = _Budget(limits)

    def rows(sheet) -> Iterator[tuple[int, tuple]]:
        sheet.reset_dimensions()
        try:
            for number, raw in enumerate(sheet.iter_rows(values_only=True), start=1):
                budget.take(len(raw))
                if any(v is not None and (not isinstance(v, str) or v.strip()) for v in raw):
                    yield number, raw
        except ValidationError:
            raise
        except Exception as exc:  # a damaged sheet inside a valid zip
            raise _invalid_xlsx() from exc

    try:
        for sheet in book.worksheets:
            try:
                merged = _merged_refs(book, sheet._worksheet_path)
            except (KeyError, OSError, zipfile.BadZipFile) as exc:
                raise _invalid_xlsx() from exc
            yield Sheet(sheet.title, merged, rows(sheet))
    finally:
        book.close()


def csv_rows(text: str, delimiter: str, limits: Limits | None = None) -> Iterator[list[str]]:
    """CSV rows streamed under the same row, column and cell limits."""
    limits = limits or Limits.from_settings()
    budget = _Budget(limits)
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            budget.take(len(row))
            yield row
    except csv.Error as exc:
        raise ValidationError(_("Berkas CSV tidak dapat dibaca: %(e)s") % {"e": exc}) from exc


def cell_text(value) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- writing: CSV formula neutralisation (OWASP "CSV injection") ------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMERIC_TYPES = {"integer", "number", "year"}


def safe_text(value: str) -> str:
    """A text cell that a spreadsheet would run as a formula, made inert with a leading
    apostrophe; other text unchanged."""
    return "'" + value if value.startswith(FORMULA_START) else value


def safe_cell(value, kind: str = "string"):
    """A CSV cell: numbers and the values of numeric columns as they are, text neutralised."""
    if value is None:
        return ""
    if not isinstance(value, str) or kind in NUMERIC_TYPES:
        return value
    return safe_text(value)


def csv_text(rows, *, delimiter: str = ",") -> str:
    """CSV (or TSV) text with LF line ends in which every cell holding a CR or an LF is quoted.

    Python's csv module quotes only the characters of its own line terminator: written with
    LF, a bare CR inside a cell went out unquoted, a reader took it for a line break, and the
    rest of the cell began a new row (where a formula was no longer neutralised). So each row is
    written with CRLF, which quotes both, and its terminator is then replaced by LF (the bytes
    of every other row stay as they were, and so do their published digests)."""
    out, line = io.StringIO(), io.StringIO()
    writer = csv.writer(line, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        line.seek(0)
        line.truncate()
        writer.writerow(row)
        out.write(line.getvalue()[:-2] + "\n")
    return out.getvalue()


# --- reading a named sheet of a workbook (the import templates) ------------------------------

SheetBudget = _Budget  # one budget for every sheet of a file: the cell limit is for the file

_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?\"")
_FORMULA = re.compile(
    rb"<(?:\w+:)?c\s+r=\"([A-Z]{1,3})(\d+)\"(?:\s[^>]*)?(?<!/)>\s*<(?:\w+:)?f[\s>/]"
)


def sheet_values(sheet, limits: Limits, budget: _Budget) -> Iterator[tuple[int, tuple]]:
    """(row number, raw values) of a read-only sheet, streamed under the limits: the declared
    dimension is checked first and then ignored, every row counts against `budget`, and a
    damaged sheet is refused like a damaged file. Empty rows are not skipped."""
    if sheet.max_row and sheet.max_column:
        _refuse_sheet(
            limits,
            sheet.max_row - (sheet.min_row or 1) + 1,
            sheet.max_column - (sheet.min_column or 1) + 1,
        )
    sheet.reset_dimensions()
    try:
        # read-only rows come in order, a missing row as an empty tuple: count them
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            budget.take(len(values))
            yield number, values
    except ValidationError:
        raise
    except Exception as exc:  # a damaged sheet inside a valid zip
        raise _invalid_xlsx() from exc


def sheet_marks(content: bytes, worksheet_path: str) -> tuple[list[tuple[str, int, str, int]], set]:
    """What openpyxl's read-only mode does not show of a sheet: its merged ranges
    (first column, first row, last column, last row) and the cells holding a formula
    ({(column letters, row)}), read from the sheet's XML (its size is bounded by the guard)."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        try:
            xml = book.read(worksheet_path.lstrip("/"))
        except KeyError:
            return [], set()
    merges = [
        (m[1].decode(), int(m[2]), (m[3] or m[1]).decode(), int(m[4] or m[2]))
        for m in _MERGE.finditer(xml)
    ]
    formulas = {(m[1].decode(), int(m[2])) for m in _FORMULA.finditer(xml)}
    return merges, formulas


def deterministic_xlsx(content: bytes) -> bytes:
    """The same workbook with every zip entry dated 1980-01-01 and the document's modification
    time set to its creation time, so that the same data gives the same bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                created = re.search(rb"<dcterms:created[^>]*>([^<]*)<", data)
                if created:
                    data = re.sub(
                        rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>" + created[1] + rb"\2", data
                    )
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, data)
    return out.getvalue()
