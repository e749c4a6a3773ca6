"""Reading a list download back in tests: the header and rows of an XLSX or CSV response."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from pantau.core.exports import TITLE_ROWS


def body(response) -> bytes:
    """The bytes of a response (read once: a streamed one is used up), or the bytes given."""
    if isinstance(response, bytes):
        return response
    return b"".join(response.streaming_content) if response.streaming else response.content


def xlsx_sheet(response):
    return load_workbook(io.BytesIO(body(response))).worksheets[0]


def xlsx_table(response) -> tuple[list, list[list]]:
    """(header, rows) of the first sheet: the header is the row after the title block."""
    rows = list(xlsx_sheet(response).iter_rows(min_row=TITLE_ROWS + 1, values_only=True))
    return list(rows[0]), [list(r) for r in rows[1:]]


def csv_table(response, delimiter: str = ",") -> tuple[list, list[list]]:
    raw = body(response)
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV starts with a UTF-8 BOM"
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline=""), delimiter=delimiter))
    return rows[0], rows[1:]


def dec(value) -> Decimal | None:
    """A number cell as Decimal (XLSX numbers are doubles; 2-decimal figures read back exact)."""
    if value in (None, ""):
        return None
    return Decimal(str(value).replace(",", ".")).normalize()
