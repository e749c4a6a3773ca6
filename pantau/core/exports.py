"""List downloads (issue 11 §5): one table as XLSX or CSV, built the same way for every list.

A list view hands over a `Tabel`: a title, the pemda's name, the filter in words, the column
specs (`Kolom`: header, kind, width) and the rows, already read through the page's own selector.
This module only writes them (decision 0024):

- XLSX with XlsxWriter in constant-memory mode into a temporary file that is then streamed: a
  title block (title, pemda, filter, time of export in the pemda's zone), the header row frozen
  with an autofilter, Rupiah as `#,##0`, percentages as `0.00"%"` (the figure as the page shows
  it, 87.5 for 87,5 %, to two decimals: `rounded`), dates as dates. Text is
  always written as a string (never a formula, a URL or a number).
- CSV streamed row by row, UTF-8 with a BOM (Excel reads the encoding from it), comma separated;
  with `pemisah=titik-koma` semicolon separated with a decimal comma, as an Excel set to
  Indonesian opens it. Text that a spreadsheet would run as a formula is neutralised
  (`spreadsheets.safe_cell`), and cells holding CR or LF are quoted (`spreadsheets.csv_text`).

The file name is ASCII, without path characters, from the title and the filter.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import zoneinfo
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.http import FileResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pantau.core.spreadsheets import csv_text, safe_cell

FORMATS = ("xlsx", "csv")
KINDS = ("text", "money", "percent", "number", "date")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\']")
CENT = Decimal("0.01")
TITLE_ROWS = 5  # title, pemda, filter, time of export, an empty row; then the header


def local(value: dt.datetime | None, zona_waktu: str) -> dt.datetime | None:
    """An aware time as the pemda's wall-clock time without a zone (for a date column)."""
    if value is None:
        return None
    return value.astimezone(zoneinfo.ZoneInfo(zona_waktu)).replace(tzinfo=None)


@dataclass(frozen=True)
class Kolom:
    judul: str
    jenis: str = "text"
    lebar: int = 16

    def __post_init__(self) -> None:
        if self.jenis not in KINDS:
            raise ValueError(f"unknown column kind {self.jenis!r}")


@dataclass
class Tabel:
    judul: str
    kolom: Sequence[Kolom]
    baris: Iterable[Sequence]
    pemda: str = ""
    zona_waktu: str = "Asia/Makassar"
    saringan: list[tuple[str, str]] = field(default_factory=list)  # (label, value) in words
    nama_berkas: str = ""  # the file name's stem; from the title and the filter when empty
    lembar: str = ""  # the sheet's name (31 characters at most); the title when empty
    dibuat: dt.datetime | None = None

    def waktu(self) -> dt.datetime:
        when = self.dibuat or timezone.now()
        return when.astimezone(zoneinfo.ZoneInfo(self.zona_waktu))

    def saringan_teks(self) -> str:
        return "; ".join(f"{label}: {value}" for label, value in self.saringan)


def format_of(request) -> str | None:
    """The requested download format (`?format=xlsx|csv`), None for the page itself."""
    value = (request.GET.get("format") or "").lower()
    return value if value in FORMATS else None


def semicolon_of(request) -> bool:
    return request.GET.get("pemisah") == "titik-koma"


def safe_filename(stem: str, ext: str) -> str:
    """An ASCII file name without path or quoting characters, at most 100 characters."""
    slug = slugify(stem)[:90].strip("-") or "unduhan"
    return f"{slug}.{ext}"


def sheet_name(title: str) -> str:
    """An Excel sheet name: no []:*?/\\ or apostrophe, at most 31 characters, never empty."""
    name = SHEET_FORBIDDEN.sub(" ", title).strip()[:31].strip()
    return name or "Data"


def _stem(tabel: Tabel) -> str:
    if tabel.nama_berkas:
        return tabel.nama_berkas
    return " ".join([tabel.judul, *(v for _label, v in tabel.saringan)])


def response(tabel: Tabel, fmt: str, *, semicolon: bool = False):
    """The download of `tabel` in `fmt` ("xlsx" or "csv"), never kept by a cache (it holds what
    one person may read)."""
    if fmt == "xlsx":
        res = xlsx_response(tabel)
    elif fmt == "csv":
        res = csv_response(tabel, semicolon=semicolon)
    else:
        return HttpResponseBadRequest(_("Format unduhan tidak dikenal."))
    patch_cache_control(res, private=True, no_store=True)
    return res


# --- XLSX ------------------------------------------------------------------------------------


def rounded(kolom: Kolom, value):
    """A percentage as the file carries it: two decimals, half up (the precision the ranking
    scores with; the page shows one). Stored percentages have two already; a computed ratio
    (Decimal division) is cut here, the same in XLSX and CSV. Other numbers stay as they are."""
    if kolom.jenis == "percent" and isinstance(value, Decimal):
        return value.quantize(CENT, rounding=ROUND_HALF_UP)
    return value


def _number(value):
    """A number cell's value: Decimal and int as a number, None as an empty cell."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return float(value)  # an XLSX number is a double; 2-decimal figures survive exactly
    return value


def write_xlsx(tabel: Tabel, target) -> int:
    """Write `tabel` as a workbook to the file object `target`; returns the number of rows."""
    import xlsxwriter

    book = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "remove_timezone": True,
        },
    )
    sheet = book.add_worksheet(sheet_name(tabel.lembar or tabel.judul))
    bold = book.add_format({"bold": True})
    formats = {
        "text": book.add_format({"text_wrap": False}),
        "money": book.add_format({"num_format": "#,##0"}),
        "percent": book.add_format({"num_format": '0.00"%"'}),
        "number": book.add_format({"num_format": "#,##0"}),
        "pecahan": book.add_format({"num_format": "#,##0.00##"}),  # a number with decimals
        "date": book.add_format({"num_format": "dd/mm/yyyy"}),
    }
    header = book.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
    for i, kolom in enumerate(tabel.kolom):
        sheet.set_column(i, i, kolom.lebar)
    sheet.write_string(0, 0, tabel.judul, book.add_format({"bold": True, "font_size": 14}))
    sheet.write_string(1, 0, tabel.pemda, bold)
    sheet.write_string(2, 0, _("Saringan: %(s)s") % {"s": tabel.saringan_teks() or "-"})
    sheet.write_string(
        3, 0, _("Diunduh: %(t)s") % {"t": tabel.waktu().strftime("%d/%m/%Y %H:%M %Z")}
    )
    top = TITLE_ROWS
    for i, kolom in enumerate(tabel.kolom):
        sheet.write_string(top, i, kolom.judul, header)
    n = 0
    for n, row in enumerate(tabel.baris, start=1):
        for i, (kolom, value) in enumerate(zip(tabel.kolom, row, strict=True)):
            _write_cell(sheet, top + n, i, kolom, value, formats)
    sheet.freeze_panes(top + 1, 0)
    sheet.autofilter(top, 0, top + n, max(len(tabel.kolom) - 1, 0))
    book.close()
    return n


def _write_cell(sheet, r: int, c: int, kolom: Kolom, value, formats) -> None:
    if value is None or value == "":
        sheet.write_blank(r, c, None, formats[kolom.jenis])
    elif kolom.jenis == "text":
        sheet.write_string(r, c, str(value), formats["text"])
    elif kolom.jenis == "date":
        sheet.write_datetime(r, c, value, formats["date"])
    else:
        value = rounded(kolom, value)
        style = kolom.jenis
        if style == "number" and isinstance(value, Decimal) and value != value.to_integral():
            style = "pecahan"
        sheet.write_number(r, c, _number(value), formats[style])


def xlsx_response(tabel: Tabel) -> FileResponse:
    """The workbook, written to a temporary file (constant memory) and streamed from it."""
    handle = tempfile.TemporaryFile()  # closed by the response when it is sent  # noqa: SIM115
    write_xlsx(tabel, handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=safe_filename(_stem(tabel), "xlsx"),
        content_type=XLSX_TYPE,
    )


# --- CSV -------------------------------------------------------------------------------------


def csv_value(kolom: Kolom, value, *, semicolon: bool = False):
    """A CSV cell: numbers as plain digits (decimal comma with the semicolon variant), dates in
    ISO form, text neutralised against formulas."""
    if value is None or value == "":
        return ""
    if kolom.jenis == "date":
        return value.isoformat()
    if kolom.jenis in {"money", "percent", "number"}:
        value = rounded(kolom, value)
        text = format(value, "f") if isinstance(value, Decimal) else str(value)
        return text.replace(".", ",") if semicolon else text
    return safe_cell(str(value))


def csv_lines(tabel: Tabel, *, semicolon: bool = False) -> Iterator[str]:
    delimiter = ";" if semicolon else ","
    yield "\ufeff" + csv_text([[safe_cell(k.judul) for k in tabel.kolom]], delimiter=delimiter)
    for row in tabel.baris:
        cells = [
            csv_value(k, v, semicolon=semicolon) for k, v in zip(tabel.kolom, row, strict=True)
        ]
        yield csv_text([cells], delimiter=delimiter)


def csv_response(tabel: Tabel, *, semicolon: bool = False) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in csv_lines(tabel, semicolon=semicolon)),
        content_type="text/csv; charset=utf-8",
    )
    name = safe_filename(_stem(tabel), "csv")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
