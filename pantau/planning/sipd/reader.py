"""Reading SIPD's own record sets (decision 0023): as JSON or as a spreadsheet, five tables.

The field names are SIPD's, as public tools that read SIPD store them unchanged
(agusnurwanto/wp-sipd, `tabel.sql`). A file is one of:

- JSON, an object with one key per table (`{"data_sub_keg_bl": [...], ...}`);
- JSON, a list of objects of one table (what SIPD's API answers per table): the table is the
  file's name (`data_dana_sub_keg.json`) or, failing that, recognised by its fields;
- XLSX with one sheet per table, named like the table, the header row holding SIPD's field
  names; other sheets are ignored;
- CSV of one table (named or recognised like a JSON list).

Every spreadsheet goes through the upload guard (`core.spreadsheets`); JSON has the same size
limit. Values stay raw here; `values.py` reads them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pantau.core import spreadsheets
from pantau.core.tabular import read_text

BL = "data_sub_keg_bl"
DANA = "data_dana_sub_keg"
INDIKATOR = "data_sub_keg_indikator"
LOKASI = "data_lokasi_sub_keg"
KAS = "data_anggaran_kas"
MONTH_FIELDS = [f"bulan_{m}" for m in range(1, 13)]

# The fields Pantau reads from each table (the rest of SIPD's fields are ignored).
FIELDS = {
    BL: [
        "kode_sbl",
        "tahun_anggaran",
        "id_sub_skpd",
        "kode_sub_skpd",
        "nama_sub_skpd",
        "kode_bidang_urusan",
        "kode_program",
        "kode_giat",
        "kode_sub_giat",
        "nama_sub_giat",
        "pagu",
        "pagumurni",
        "active",
    ],
    DANA: ["kode_sbl", "kodedana", "namadana", "pagudana", "active"],
    INDIKATOR: ["kode_sbl", "outputteks", "targetoutput", "satuanoutput", "targetoutputteks"],
    LOKASI: ["kode_sbl", "idcamat", "camatteks", "idlurah", "lurahteks", "active"],
    KAS: ["kode_sbl", "type", "kode_akun", *MONTH_FIELDS, "active"],
}
REQUIRED = {
    BL: ["kode_sbl", "kode_sub_giat", "pagu"],
    DANA: ["kode_sbl", "pagudana"],
    INDIKATOR: ["kode_sbl", "outputteks", "targetoutput", "satuanoutput"],
    LOKASI: ["kode_sbl"],
    KAS: ["kode_sbl", "type", *MONTH_FIELDS],
}
# A field only one table has: how a table without a name is recognised.
SIGNATURE = {
    BL: "kode_sub_giat",
    DANA: "pagudana",
    INDIKATOR: "outputteks",
    LOKASI: "camatteks",
    KAS: "bulan_1",
}


@dataclass
class Record:
    table: str
    number: int  # the row the spreadsheet shows (header = 1), or the position in the JSON list
    values: dict
    source: str = "json"  # "json" or "sheet": how text numbers are read (values.py)


@dataclass
class SipdRecords:
    tables: dict[str, list[Record]] = field(default_factory=lambda: {t: [] for t in FIELDS})

    def extend(self, other: SipdRecords) -> None:
        for table, records in other.tables.items():
            self.tables[table].extend(records)

    def __len__(self) -> int:
        return sum(len(r) for r in self.tables.values())


def _table_for(name: str, keys) -> str | None:
    stem = PurePath(name).stem.lower()
    if stem in FIELDS:
        return stem
    found = [t for t, key in SIGNATURE.items() if key in keys]
    return found[0] if len(found) == 1 else None


def _unknown_table(name: str) -> ValidationError:
    return ValidationError(
        _(
            "Berkas %(name)s: tabel SIPD tidak dikenali. Beri nama berkas seperti tabelnya "
            "(%(tables)s) atau gunakan satu objek JSON dengan kunci per tabel."
        )
        % {"name": name, "tables": ", ".join(FIELDS)}
    )


def _missing_fields(table: str, present) -> None:
    missing = [f for f in REQUIRED[table] if f not in present]
    if missing:
        raise ValidationError(
            _("Tabel %(table)s tidak memiliki kolom SIPD: %(fields)s.")
            % {"table": table, "fields": ", ".join(missing)}
        )


def _json_records(table: str, items, out: SipdRecords) -> None:
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ValidationError(
            _("Tabel %(table)s harus berupa daftar objek JSON.") % {"table": table}
        )
    if items:
        _missing_fields(table, set().union(*(i.keys() for i in items)))
    for number, item in enumerate(items, start=1):
        values = {f: item.get(f) for f in FIELDS[table]}
        out.tables[table].append(Record(table, number, values))


def read_json(content: bytes, name: str, limits: spreadsheets.Limits) -> SipdRecords:
    spreadsheets.check_size(len(content), limits)
    try:
        data = json.loads(content.decode("utf-8-sig"), parse_float=Decimal)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValidationError(_("Berkas %(name)s bukan JSON yang valid.") % {"name": name}) from exc
    out = SipdRecords()
    if isinstance(data, dict):
        known = [k for k in data if k in FIELDS]
        if not known:
            raise _unknown_table(name)
        for table in known:
            _json_records(table, data[table], out)
        return out
    if isinstance(data, list):
        keys = set().union(*(i.keys() for i in data if isinstance(i, dict))) if data else set()
        table = _table_for(name, keys)
        if table is None:
            raise _unknown_table(name)
        _json_records(table, data, out)
        return out
    raise _unknown_table(name)


def _sheet_records(table: str, rows, out: SipdRecords) -> None:
    header: list[str] | None = None
    for number, cells in rows:
        if header is None:
            header = [read_text(c).lower() for c in cells]
            _missing_fields(table, set(header))
            continue
        values = {
            f: (cells[header.index(f)] if header.index(f) < len(cells) else None)
            for f in FIELDS[table]
            if f in header
        }
        out.tables[table].append(Record(table, number, values, source="sheet"))


def _no_formulas(sheet):
    for number, cells in sheet.rows:
        for col, value in enumerate(cells, start=1):
            if isinstance(value, str) and value.startswith("="):
                raise ValidationError(
                    _(
                        "Lembar %(t)s baris %(n)s kolom %(c)s: rumus tidak dapat diimpor; isi nilainya."
                    )
                    % {"t": sheet.title, "n": number, "c": col}
                )
        yield number, list(cells)


def read_xlsx(content: bytes, limits: spreadsheets.Limits) -> SipdRecords:
    out = SipdRecords()
    seen = False
    for sheet in spreadsheets.xlsx_sheets(content, limits):
        table = sheet.title.strip().lower()
        if table in FIELDS:
            seen = True
            if sheet.merged:
                raise ValidationError(
                    _("Lembar %(t)s: sel gabungan (%(r)s) tidak dapat diimpor; pisahkan dulu.")
                    % {"t": sheet.title, "r": ", ".join(sheet.merged[:5])}
                )
            _sheet_records(table, _no_formulas(sheet), out)
    if not seen:
        raise ValidationError(
            _("Lembar kerja tidak berisi lembar bernama tabel SIPD (%(tables)s).")
            % {"tables": ", ".join(FIELDS)}
        )
    return out


def read_csv(content: bytes, name: str, limits: spreadsheets.Limits) -> SipdRecords:
    spreadsheets.check_size(len(content), limits)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(_("Berkas %(name)s bukan teks UTF-8.") % {"name": name}) from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = list(enumerate(spreadsheets.csv_rows(text, delimiter, limits), start=1))
    rows = [(n, r) for n, r in rows if any(c.strip() for c in r)]
    if not rows:
        raise ValidationError(_("Berkas %(name)s kosong.") % {"name": name})
    table = _table_for(name, {c.strip().lower() for c in rows[0][1]})
    if table is None:
        raise _unknown_table(name)
    out = SipdRecords()
    _sheet_records(table, rows, out)
    return out


def sipd_read(files: list[tuple[str, bytes]], limits=None) -> SipdRecords:
    """The SIPD records of one or more files `(name, content)`; ValidationError for a file
    that cannot be read (nothing partial is returned)."""
    limits = limits or spreadsheets.Limits.from_settings()
    out = SipdRecords()
    for name, content in files:
        suffix = PurePath(name).suffix.lower()
        if suffix == ".json":
            out.extend(read_json(content, name, limits))
        elif suffix == ".xlsx":
            out.extend(read_xlsx(content, limits))
        elif suffix == ".csv":
            out.extend(read_csv(content, name, limits))
        else:
            raise ValidationError(
                _("Berkas %(name)s: unggah .json, .xlsx atau .csv.") % {"name": name}
            )
    return out
