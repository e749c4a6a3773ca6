"""Reading the cells of an imported file (plan, realisation and account workbooks, SIPD records)
the way an Indonesian office writes them, and reporting every problem by sheet, row and column.

A cell arrives as openpyxl gives it (int, float, Decimal, datetime, date, str or None) or as CSV
text. The readers here turn it into exact values or raise `ValidationError` with a message for
people; `CellErrors` collects those messages with their place so that a dry run can list them
all at once and a real import can refuse the whole file.

Numbers in text are read the Indonesian way whatever the page language, because the files are
Indonesian documents: `1.234.567,89`, `87,5`, `Rp 1.250.000`. A plain `87.5` (one dot, not
followed by exactly three digits) is also accepted; `1.250` is one thousand two hundred and
fifty, as Indonesians read it. A number cell of the workbook (a float from openpyxl) is taken
through its shortest decimal representation, which is what the spreadsheet shows, so 0.1 is
`Decimal("0.1")`, never `0.1000000000000000055...`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pantau.core.errors import error_messages

_GROUPED = re.compile(r"^-?\d{1,3}(?:\.\d{3})+(?:,\d+)?$")  # 1.234.567,89
_COMMA = re.compile(r"^-?\d+(?:,\d+)?$")  # 1234567,89 or 87,5 or 12
_DOT = re.compile(r"^-?\d+\.\d+$")  # 87.5 (a single dot not grouping thousands)

MONTHS = {
    # Indonesian, English, and their usual abbreviations
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "feb": 2, "pebruari": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nov": 11, "nopember": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}  # fmt: skip
MONTH_NAMES = [
    "",
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
_DATE_NUMERIC = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})$")  # 31/12/2025
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")  # 2025-12-31
_DATE_WORDS = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})$")  # 31 Desember 2025

EXAMPLE_NUMBER = "1.234.567,89"
EXAMPLE_DATE = "31/12/2025"


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_text(value) -> str:
    """A text cell, stripped; numbers written as the spreadsheet shows them (12, not 12.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def read_number(value, *, label: str) -> Decimal:
    """An exact Decimal from a number cell or Indonesian number text; refuses empty,
    non-numeric, infinite and NaN values with a message naming `label`."""
    if is_empty(value):
        raise ValidationError(_("%(label)s wajib diisi.") % {"label": label}, code="required")
    if isinstance(value, bool):
        raise ValidationError(_("%(label)s harus berupa angka.") % {"label": label})
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        result = _parse_text_number(value)
        if result is None:
            raise ValidationError(
                _("%(label)s: '%(value)s' bukan angka (contoh: %(example)s).")
                % {"label": label, "value": value.strip()[:40], "example": EXAMPLE_NUMBER},
                code="invalid",
            )
    else:
        raise ValidationError(_("%(label)s harus berupa angka.") % {"label": label})
    if not result.is_finite():
        raise ValidationError(_("%(label)s harus berupa angka.") % {"label": label})
    return result


def _parse_text_number(text: str) -> Decimal | None:
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if text[:2].lower() == "rp":
        text = text[2:].lstrip(".")
    text = text.rstrip("%")
    if _GROUPED.match(text):
        number = text.replace(".", "").replace(",", ".")
    elif _COMMA.match(text):
        number = text.replace(",", ".")
    elif _DOT.match(text):
        number = text
    else:
        return None
    try:
        return Decimal(number)
    except InvalidOperation:  # pragma: no cover - the patterns admit only digits
        return None


def read_optional_number(value, *, label: str) -> Decimal | None:
    return None if is_empty(value) else read_number(value, label=label)


def read_int(value, *, label: str, low: int | None = None, high: int | None = None) -> int:
    number = read_number(value, label=label)
    if number != number.to_integral_value():
        raise ValidationError(_("%(label)s harus bilangan bulat.") % {"label": label})
    result = int(number)
    if (low is not None and result < low) or (high is not None and result > high):
        raise ValidationError(
            _("%(label)s harus di antara %(low)s dan %(high)s.")
            % {"label": label, "low": low, "high": high}
        )
    return result


def read_month(value, *, label: str) -> int:
    """A month 1–12 from a number (3), a name (Maret, March, Mar) or a date in that month."""
    if isinstance(value, dt.date):
        return value.month
    if isinstance(value, str):
        name = value.strip().lower().rstrip(".")
        if name in MONTHS:
            return MONTHS[name]
    try:
        return read_int(value, label=label, low=1, high=12)
    except ValidationError:
        raise ValidationError(
            _("%(label)s: '%(value)s' bukan bulan (1–12 atau nama bulan, contoh: Maret).")
            % {"label": label, "value": read_text(value)[:40]}
        ) from None


def read_date(value, *, label: str) -> dt.date:
    """A date from a date cell, `31/12/2025`, `31-12-2025`, `2025-12-31` or `31 Desember 2025`."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if is_empty(value):
        raise ValidationError(_("%(label)s wajib diisi.") % {"label": label}, code="required")
    text = read_text(value)
    day = month = year = None
    if m := _DATE_NUMERIC.match(text):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    elif m := _DATE_ISO.match(text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif (m := _DATE_WORDS.match(text)) and m[2].lower() in MONTHS:
        day, month, year = int(m[1]), MONTHS[m[2].lower()], int(m[3])
    try:
        if day is not None:
            return dt.date(year, month, day)
    except ValueError:
        pass
    raise ValidationError(
        _("%(label)s: '%(value)s' bukan tanggal (contoh: %(example)s).")
        % {"label": label, "value": text[:40], "example": EXAMPLE_DATE}
    )


def column_letter(index: int) -> str:
    """1 → A, 27 → AA (the column names people see in a spreadsheet)."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class CellError:
    """One problem of an imported file, where a person can find it. `row` is the row number
    the spreadsheet shows (1-based, header included); `column` a letter or a header name;
    either may be empty for a problem of the whole sheet or file."""

    sheet: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        place = [str(_("Lembar %(s)s") % {"s": self.sheet})] if self.sheet else []
        if self.row:
            place.append(str(_("baris %(n)s") % {"n": self.row}))
        if self.column:
            place.append(str(_("kolom %(c)s") % {"c": self.column}))
        return f"{', '.join(place)}: {self.message}" if place else self.message

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class CellErrors:
    """Collects every problem of a file; `check` runs a reader and records its refusal."""

    errors: list[CellError] = field(default_factory=list)

    def add(self, sheet: str, row: int | None, column: str, message) -> None:
        self.errors.append(CellError(sheet, row, column, str(message)))

    def add_validation(self, sheet: str, row: int | None, column: str, exc: ValidationError):
        for message in error_messages(exc):
            self.add(sheet, row, column, message)

    def check(self, sheet: str, row: int | None, column: str, reader, *args, **kwargs):
        """`reader(*args, **kwargs)`, or None with the refusal recorded at this place."""
        try:
            return reader(*args, **kwargs)
        except ValidationError as exc:
            self.add_validation(sheet, row, column, exc)
            return None

    def __bool__(self) -> bool:
        return bool(self.errors)

    def __len__(self) -> int:
        return len(self.errors)

    def rows_with_errors(self, sheet: str) -> set[int]:
        return {e.row for e in self.errors if e.sheet == sheet and e.row}

    def as_validation_error(self, limit: int = 200) -> ValidationError:
        messages = [str(e) for e in self.errors[:limit]]
        if len(self.errors) > limit:
            messages.append(_("... dan %(n)s kesalahan lain.") % {"n": len(self.errors) - limit})
        return ValidationError(messages)


FILE_NOT_SPREADSHEET = gettext_lazy(
    "Berkas ini bukan lembar kerja yang dapat dibaca (unggah .xlsx atau .csv)."
)
