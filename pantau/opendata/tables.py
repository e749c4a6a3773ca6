"""Reading and validating uploaded tables (CSV or XLSX) against a Frictionless Table Schema.

`read_table` turns a file into a header and string rows (CSV: UTF-8 with or without BOM, comma
or semicolon; XLSX: the first sheet, through openpyxl in read-only mode). `validate` checks the
rows against the dataset's declared schema (`opendata.skema`) with the `frictionless` library
and returns the typed rows ready to store, or every cell that breaks it, by row and column, in
the user's language. `personal_data` finds columns that hold personal data (UU 27/2022), which
are refused at upload and may never be published.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pantau.core import spreadsheets

MAX_ERRORS = 50
NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


def read_table(content: bytes, filename: str) -> Table:
    """Header and rows as text. Bad files raise ValidationError with a message for people.
    Every limit (size, declared dimension, zip expansion, cells, rows) is the spreadsheet
    guard's (`pantau.core.spreadsheets`), checked before anything large is built."""
    limits = spreadsheets.Limits.from_settings(
        max_bytes=settings.OPENDATA_MAX_UPLOAD_MB * 1024 * 1024,
        max_rows=settings.OPENDATA_MAX_ROWS,
    )
    spreadsheets.check_size(len(content), limits)
    name = filename.lower()
    if name.endswith(".csv"):
        table = _read_csv(content, limits)
    elif name.endswith(".xlsx"):
        table = _read_xlsx(content, limits)
    else:
        raise ValidationError(_("Format berkas harus CSV atau XLSX."))
    if not table.header or not any(h.strip() for h in table.header):
        raise ValidationError(_("Baris pertama harus berisi nama kolom."))
    if not table.rows:
        raise ValidationError(_("Berkas tidak berisi baris data."))
    if len(table.rows) > settings.OPENDATA_MAX_ROWS:
        raise ValidationError(
            _("Terlalu banyak baris (maksimum %(n)s).") % {"n": settings.OPENDATA_MAX_ROWS}
        )
    return table


def _read_csv(content: bytes, limits: spreadsheets.Limits) -> Table:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _("Berkas CSV harus berenkode UTF-8 (byte %(pos)s tidak valid).") % {"pos": exc.start}
        ) from exc
    if "\x00" in text:
        raise ValidationError(_("Berkas CSV rusak atau bukan teks."))
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = [r for r in spreadsheets.csv_rows(text, delimiter, limits) if any(c.strip() for c in r)]
    if not rows:
        return Table([], [])
    _check_controls(rows)
    return Table([h.strip() for h in rows[0]], rows[1:])


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _check_controls(rows) -> None:
    for number, row in enumerate(rows, start=1):
        if any(CONTROL.search(cell) for cell in row):
            raise ValidationError(
                _("Baris %(n)s berisi karakter kendali yang tidak diizinkan.") % {"n": number}
            )


def _read_xlsx(content: bytes, limits: spreadsheets.Limits) -> Table:
    rows = list(spreadsheets.xlsx_rows(content, limits))
    _check_controls(rows)
    if not rows:
        return Table([], [])
    width = len(rows[0])
    while width and not rows[0][width - 1].strip():
        width -= 1
    return Table(
        [h.strip() for h in rows[0][:width]],
        [r[:width] + [""] * (width - len(r[:width])) for r in rows[1:]],
    )


def check_header(header: list[str]) -> list[str]:
    errors = []
    seen = set()
    repeated: set[str] = set()
    for number, name in enumerate(header, start=1):
        if not NAME.match(name):
            errors.append(
                _(
                    "Kolom %(n)s (%(name)s): nama kolom hanya huruf kecil, angka dan garis bawah, "
                    "diawali huruf (mis. jumlah_penduduk)."
                )
                % {"n": number, "name": name or "—"}
            )
        if name in seen and name not in repeated:  # said once, however often it repeats
            repeated.add(name)
            errors.append(_("Nama kolom %(name)s muncul dua kali.") % {"name": name})
        seen.add(name)
    return errors


def check_rows(table: Table) -> list[str]:
    """Every row has as many cells as the header."""
    errors = []
    width = len(table.header)
    for number, row in enumerate(table.rows, start=2):
        if len(row) != width:
            errors.append(
                _("Baris %(n)s: ada %(got)s sel, seharusnya %(want)s.")
                % {"n": number, "got": len(row), "want": width}
            )
            if len(errors) >= MAX_ERRORS:
                break
    return errors


def check_structure(table: Table) -> None:
    """The header and the row widths: what any file must get right before its values are
    looked at (raises every problem at once)."""
    errors = check_header(table.header) or check_rows(table)
    if errors:
        raise ValidationError(errors)


def validate(table: Table, schema: dict) -> list[dict]:
    """Typed rows of `table` under the version's Table Schema (`skema.for_version`). Every cell
    that breaks it is reported by row and column, all together (up to MAX_ERRORS); nothing is
    returned for an invalid table."""
    from frictionless import Resource, Schema

    check_structure(table)
    declared = [f["name"] for f in schema["fields"]]
    if table.header != declared:
        raise ValidationError(
            _(
                "Kolom berkas tidak sesuai skema yang dinyatakan. Diharapkan: %(want)s; "
                "berkas: %(got)s."
            )
            % {"want": ", ".join(declared), "got": ", ".join(table.header)}
        )
    resource = Resource(
        data=[table.header, *table.rows],
        schema=Schema.from_descriptor({**schema, "missingValues": [""]}),
    )
    by_name = {f["name"]: f for f in schema["fields"]}
    typed, problems = [], []
    with resource:
        for row in resource.row_stream:
            if not row.valid:
                problems += [_cell_problem(row.row_number, e, by_name) for e in row.errors]
                if len(problems) >= MAX_ERRORS:
                    break
                continue
            values = {k: _json_value(v) for k, v in row.to_dict().items()}
            bad = [k for k, v in values.items() if isinstance(v, float) and not math.isfinite(v)]
            if bad:
                problems.append(
                    _("Baris %(n)s, kolom %(col)s: angka tidak berhingga tidak diizinkan.")
                    % {"n": row.row_number, "col": bad[0]}
                )
                continue
            typed.append(values)
    if problems:
        raise ValidationError(problems[:MAX_ERRORS])
    return typed


def _cell_problem(number: int, error, by_name: dict) -> str:
    """One cell that breaks the schema, said for people: its row, column, value and rule."""
    from pantau.opendata.skema import type_label

    name = getattr(error, "field_name", "") or ""
    field = by_name.get(name, {})
    value = repr(getattr(error, "cell", ""))
    minimum = (field.get("constraints") or {}).get("minimum")
    if getattr(error, "type", "") == "constraint-error" and minimum is not None:
        return _("Baris %(n)s, kolom %(col)s: nilai %(v)s kurang dari %(min)s.") % {
            "n": number,
            "col": name,
            "v": value,
            "min": minimum,
        }
    if getattr(error, "type", "") == "constraint-error":
        return _("Baris %(n)s, kolom %(col)s: nilai %(v)s melanggar batasan kolom.") % {
            "n": number,
            "col": name,
            "v": value,
        }
    return _("Baris %(n)s, kolom %(col)s: nilai %(v)s bukan %(t)s.") % {
        "n": number,
        "col": name,
        "v": value,
        "t": type_label(field.get("type", "string")),
    }


def _json_value(value):
    if isinstance(value, Decimal):
        return (
            int(value)
            if value == value.to_integral_value() and abs(value) < 2**53
            else float(value)
        )
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


PERSONAL_NAMES = re.compile(
    r"(^|_)(nik|nip|nik_ktp|no_ktp|ktp|kk|no_kk|kartu_keluarga|telepon|telp|tlp|hp|no_hp|"
    r"handphone|whatsapp|wa|email|surel|alamat|alamat_rumah|tanggal_lahir|tgl_lahir|"
    r"tempat_lahir|npwp|paspor|nama_(penerima|pasien|lengkap|warga|penduduk|siswa|murid|"
    r"mahasiswa|pegawai|karyawan|pekerja|ibu|ayah|anak|bayi|suami|istri|kepala_keluarga|"
    r"pemilik|responden|peserta|korban|pelapor|tersangka|penderita|orang|pemohon))($|_)"
)
# A column that counts or sums (jumlah_kk: how many families) is an aggregate, not a person.
AGGREGATE = re.compile(r"^(jumlah|jml|banyak|total|rasio|persen|persentase|rata_rata)_")
PERSONAL_VALUES = [
    (re.compile(r"^\d{16}$"), "NIK"),
    (re.compile(r"^\d{8}\s?\d{6}\s?\d\s?\d{3}$"), "NIP"),
    (re.compile(r"^(\+62|62|0)8\d{7,11}$"), "nomor telepon"),
    (re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE), "email"),
]


def personal_data(header: list[str], rows) -> list[str]:
    """Columns that look like personal data, by name or by their values (one reason each)."""
    rows = list(rows)
    found = []
    for index, name in enumerate(header):
        if PERSONAL_NAMES.search(name) and not AGGREGATE.match(name):
            found.append(_("kolom %(c)s (nama kolom data pribadi)") % {"c": name})
            continue
        for row in rows:
            value = str((row[index] if isinstance(row, list) else row.get(name)) or "").strip()
            kind = next((k for pattern, k in PERSONAL_VALUES if pattern.match(value)), None)
            if kind:
                found.append(_("kolom %(c)s (berisi %(k)s)") % {"c": name, "k": kind})
                break
    return found


def personal_text(fields: dict) -> list[str]:
    """Personal data (NIK, NIP, phone numbers, e-mail) written into metadata text."""
    found = []
    for name, text in fields.items():
        for token in re.split(r"[\s,;:()\[\]]+", str(text or "")):
            kind = next((k for pattern, k in PERSONAL_VALUES if pattern.match(token)), None)
            if kind:
                found.append(_("kolom %(c)s (berisi %(k)s)") % {"c": name, "k": kind})
                break
    return found


def csv_bytes(fields: list[str], records, types: dict[str, str] | None = None) -> bytes:
    """The public CSV of a dataset, byte for byte the same for the same rows (UTF-8, comma,
    header row, LF, null as empty), so its digest can be published with the resource. Text
    cells that a spreadsheet would run as a formula (= + - @ tab CR first) get a leading
    apostrophe; numbers and the cells of numeric columns (`types`: Table Schema type by field)
    are never altered."""
    types = types or {}
    rows = (
        [spreadsheets.safe_cell(r.get(f), types.get(f, "string")) for f in fields] for r in records
    )
    return spreadsheets.csv_text(itertools.chain([fields], rows)).encode("utf-8")
