"""The declared Table Schema of a dataset (pure functions, no database).

A dataset's columns are declared once by its Produsen Data: the name (from the file's header),
a title, the Table Schema type and whether the column counts people (`jumlah_orang`, always
small-cell suppressed when published). The first file only *proposes* a schema (`propose`);
the producer confirms or corrects it before any data are accepted, and every upload is then
validated against it. `for_version` turns the declaration into the pure Table Schema stored with
a version and published (`datapackage.json`, DataStore fields); the person-count flags stay on
the dataset.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
TYPES = ("string", "integer", "number", "boolean", "date", "datetime", "year")
TYPE_LABELS = {
    "string": gettext_lazy("teks"),
    "integer": gettext_lazy("bilangan bulat"),
    "number": gettext_lazy("angka (titik sebagai pemisah desimal)"),
    "boolean": gettext_lazy("ya/tidak (true/false)"),
    "date": gettext_lazy("tanggal (YYYY-MM-DD)"),
    "datetime": gettext_lazy("waktu (ISO 8601)"),
    "year": gettext_lazy("tahun"),
}
# The names of the types on the schema screen and in column lists.
TYPE_CHOICES = [
    ("string", gettext_lazy("Teks")),
    ("integer", gettext_lazy("Bilangan bulat")),
    ("number", gettext_lazy("Angka desimal (mis. 1.5)")),
    ("boolean", gettext_lazy("Ya/tidak (true/false)")),
    ("date", gettext_lazy("Tanggal (YYYY-MM-DD)")),
    ("datetime", gettext_lazy("Waktu (ISO 8601)")),
    ("year", gettext_lazy("Tahun")),
]
MAX_TITLE = 200
SAMPLE = 1000  # values per column looked at for a proposal
# Words in a column name that say it counts people (a proposal only; the producer decides).
PERSON_WORDS = re.compile(
    r"(^|_)(penduduk|jiwa|orang|warga|pasien|kasus|penderita|penerima|korban|siswa|murid|"
    r"mahasiswa|pelajar|guru|pegawai|karyawan|pekerja|tenaga|dokter|bidan|perawat|peserta|"
    r"pengunjung|wisatawan|bayi|balita|anak|ibu|lansia|laki|perempuan|pria|wanita|kelahiran|"
    r"kematian|lahir|meninggal|kk|keluarga|ruta|pemilih|responden|penganggur|pengangguran|"
    r"nelayan|petani|disabilitas|pengungsi|narapidana|akseptor|pemudik|pencari_kerja)"
)
LEADING_ZERO = re.compile(r"^[+0]\d")


def type_label(kind: str) -> str:
    """The type as said in an error message ("nilai 'tiga' bukan bilangan bulat")."""
    return str(TYPE_LABELS.get(kind, kind))


def type_name(kind: str) -> str:
    """The type as named on the schema screen and in column lists."""
    return str(dict(TYPE_CHOICES).get(kind, kind))


def fields(schema: dict | None) -> list[dict]:
    found = (schema or {}).get("fields") if isinstance(schema, dict) else None
    return found if isinstance(found, list) else []


def names(schema: dict | None) -> list[str]:
    return [f.get("name") for f in fields(schema)]


def counts(schema: dict | None) -> set[str]:
    """The columns declared as person counts."""
    return {f["name"] for f in fields(schema) if f.get("jumlah_orang")}


def title(name: str) -> str:
    """A first title for a column: its name in words (`jumlah_penduduk` → Jumlah penduduk)."""
    return name.replace("_", " ").strip().capitalize()


def propose(table) -> dict:
    """A schema proposed from a file: per column the type most of its values have (so that a
    few letters in a number column become errors to fix, not a text column), a title, whether
    its name says it counts people, a few example values and how many sampled values do not
    fit the proposed type. Codes and digits with a leading zero or plus sign stay text."""
    proposed = []
    for index, name in enumerate(table.header):
        values = []
        for row in table.rows:
            value = (row[index] if index < len(row) else "").strip()
            if value:
                values.append(value)
                if len(values) >= SAMPLE:
                    break
        kind, misfits = _guess(name, values)
        examples = list(dict.fromkeys(v[:30] for v in values))[:3]
        proposed.append(
            {
                "name": name,
                "title": title(name),
                "type": kind,
                "jumlah_orang": kind == "integer" and bool(PERSON_WORDS.search(name)),
                "contoh": examples,
                "tidak_sesuai": misfits,
            }
        )
    return {"fields": proposed, "missingValues": [""]}


def _guess(name: str, values: list[str]) -> tuple[str, int]:
    """(type, number of sampled values that do not fit it) by frictionless' own cell readers."""
    from frictionless import Field

    if not values or name.startswith("kode") or any(LEADING_ZERO.match(v) for v in values):
        return "string", 0
    best, best_hits = "string", 0
    for kind in ("integer", "number", "boolean", "date", "datetime"):
        reader = Field.from_descriptor({"name": "x", "type": kind})
        hits = sum(1 for v in values if reader.read_cell(v)[1] is None)
        if hits > best_hits:
            best, best_hits = kind, hits
    if best_hits * 2 <= len(values):  # not a majority: text
        return "string", 0
    return best, len(values) - best_hits


def check(declared: list[dict], *, types_locked: bool = False) -> list[str]:
    """Problems of a declared field list, in the user's language (empty when it is right)."""
    if not isinstance(declared, list) or not declared:
        return [_("Skema tabel harus berisi paling sedikit satu kolom.")]
    errors, seen, repeated = [], set(), set()
    for f in declared:
        name = str(f.get("name", "")) if isinstance(f, dict) else ""
        if not NAME.match(name):
            errors.append(
                _(
                    "Nama kolom %(name)s tidak valid: huruf kecil, angka dan garis bawah, "
                    "diawali huruf (mis. jumlah_penduduk)."
                )
                % {"name": name or "—"}
            )
            continue
        if name in seen and name not in repeated:  # said once, however often it repeats
            repeated.add(name)
            errors.append(_("Nama kolom %(name)s muncul dua kali.") % {"name": name})
        seen.add(name)
        if f.get("type") not in TYPES:
            errors.append(_("Kolom %(name)s: pilih jenis kolom yang dikenal.") % {"name": name})
        text = f.get("title", "")
        if not isinstance(text, str) or len(text) > MAX_TITLE or re.search(r"[\x00-\x1f]", text):
            errors.append(
                _("Kolom %(name)s: judul paling banyak %(n)s karakter, tanpa karakter kendali.")
                % {"name": name, "n": MAX_TITLE}
            )
        if f.get("jumlah_orang") and f.get("type") != "integer" and not types_locked:
            errors.append(
                _("Kolom %(name)s dinyatakan sebagai jumlah orang: jenisnya harus bilangan bulat.")
                % {"name": name}
            )
    return errors


def clean(declared: list[dict]) -> dict:
    """The declaration as stored on the dataset: name, title, type, person-count flag."""
    return {
        "fields": [
            {
                "name": f["name"],
                "title": (f.get("title") or "").strip(),
                "type": f["type"],
                "jumlah_orang": bool(f.get("jumlah_orang")),
            }
            for f in declared
        ],
        "missingValues": [""],
    }


def for_version(declared: dict) -> dict:
    """The Table Schema a version is validated against and published with: name, type, title,
    and `minimum: 0` for person counts (a count is never negative)."""
    out = []
    for f in fields(declared):
        field = {"name": f["name"], "type": f["type"]}
        if f.get("title"):
            field["title"] = f["title"]
        if f.get("jumlah_orang") and f["type"] in ("integer", "number"):
            field["constraints"] = {"minimum": 0}
        out.append(field)
    return {"fields": out, "missingValues": [""]}


def structure(schema: dict | None) -> list[tuple[str, str]]:
    """What data must match: the column names and types, in order."""
    return [(f.get("name"), f.get("type", "string")) for f in fields(schema)]


def matches(declared: dict | None, version_schema: dict) -> bool:
    """Whether a version's columns and types are those declared."""
    return bool(declared) and structure(version_schema) == structure(for_version(declared))
