"""The difference between a stored report table (a signed version) and the table of today
(issue 14 §5): pure functions over two `Tabel`s, no database.

Rows are matched by a stable key, never by position: the row's level and its kode, with the
indicator when the table has one (E.81 holds several indicators under one kode); a row without
a kode (a total) by its level and its text. A key met twice in one table (it should not be)
gets its occurrence number, so nothing is lost. The row number column ("no") is positional
and not compared. Cells are compared by value and, where a cell has no figure, by the reason
written for it."""

from __future__ import annotations

from dataclasses import dataclass, field

from pantau.reports.tables import Baris, Kolom, Tabel

KEY_COLUMNS = ("kode", "indikator")
LABEL_COLUMNS = ("uraian", "indikator", "nama")
POSITIONAL = frozenset({"no"})


@dataclass(frozen=True)
class SelBeda:
    """One changed cell: its column and the two rows (each format writes a cell from its row,
    with the row's reason when there is no figure)."""

    kolom: Kolom
    lama: Baris
    baru: Baris


@dataclass(frozen=True)
class BarisBeda:
    kunci: tuple
    label: str
    sel: list[SelBeda]


@dataclass(frozen=True)
class TeksBeda:
    """A footer text or summary figure that differs (None: absent on that side)."""

    label: str
    lama: object
    baru: object
    jenis: str = "teks"


@dataclass
class Perbedaan:
    ditambah: list[tuple[str, Baris]] = field(default_factory=list)  # (label, row of today)
    dihapus: list[tuple[str, Baris]] = field(default_factory=list)  # (label, signed row)
    diubah: list[BarisBeda] = field(default_factory=list)
    kaki: list[TeksBeda] = field(default_factory=list)  # footer rows
    ringkasan: list[TeksBeda] = field(default_factory=list)  # summary figures (as text)
    catatan_ditambah: list[str] = field(default_factory=list)
    catatan_dihapus: list[str] = field(default_factory=list)

    @property
    def kosong(self) -> bool:
        return not (
            self.ditambah
            or self.dihapus
            or self.diubah
            or self.kaki
            or self.ringkasan
            or self.catatan_ditambah
            or self.catatan_dihapus
        )

    @property
    def jumlah(self) -> int:
        return (
            len(self.ditambah)
            + len(self.dihapus)
            + len(self.diubah)
            + len(self.kaki)
            + len(self.ringkasan)
            + len(self.catatan_ditambah)
            + len(self.catatan_dihapus)
        )


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def kunci(baris: Baris) -> tuple:
    """A row's stable key (see the module's note)."""
    parts = tuple(_text(baris.sel.get(k)) for k in KEY_COLUMNS)
    if any(parts):
        return (baris.tingkat, *parts)
    return (baris.tingkat, *(_text(baris.sel.get(k)) for k in LABEL_COLUMNS))


def label(baris: Baris) -> str:
    kode = _text(baris.sel.get("kode"))
    words = [w for w in (_text(baris.sel.get(k)) for k in LABEL_COLUMNS) if w]
    return " · ".join(p for p in (kode, " — ".join(dict.fromkeys(words))) if p) or baris.tingkat


def keyed(rows: list[Baris]) -> dict[tuple, Baris]:
    """Rows by key, in order; a repeated key gets its occurrence number."""
    out: dict[tuple, Baris] = {}
    seen: dict[tuple, int] = {}
    for row in rows:
        key = kunci(row)
        n = seen.get(key, 0)
        seen[key] = n + 1
        out[key if n == 0 else (*key, f"#{n + 1}")] = row
    return out


def _cell(baris: Baris, key: str) -> tuple:
    value = baris.sel.get(key)
    return (value, baris.kosong.get(key, "")) if value is None else (value, "")


def _same(a, b) -> bool:
    (va, ra), (vb, rb) = a, b
    if va is None or vb is None:
        return va is None and vb is None and ra == rb
    try:
        return va == vb
    except TypeError:  # pragma: no cover - cells hold Decimal, int or text
        return str(va) == str(vb)


def columns(lama: Tabel, baru: Tabel) -> list[Kolom]:
    """The columns compared: today's, then any only the signed table had."""
    out = [k for k in baru.kolom if k.key not in POSITIONAL]
    known = {k.key for k in out}
    out += [k for k in lama.kolom if k.key not in known and k.key not in POSITIONAL]
    return out


def rows_changed(lama: Tabel, baru: Tabel) -> tuple[list, list, list[BarisBeda]]:
    old, new = keyed(lama.baris), keyed(baru.baris)
    cols = columns(lama, baru)
    added = [(label(r), r) for k, r in new.items() if k not in old]
    removed = [(label(r), r) for k, r in old.items() if k not in new]
    changed = []
    for key, row in new.items():
        before = old.get(key)
        if before is None:
            continue
        cells = [
            SelBeda(c, before, row)
            for c in cols
            if not _same(_cell(before, c.key), _cell(row, c.key))
        ]
        if cells:
            changed.append(BarisBeda(key, label(row), cells))
    return added, removed, changed


Entry = tuple[str, object, str]  # (label, value, jenis)


def texts_changed(old: dict[str, Entry], new: dict[str, Entry]) -> list[TeksBeda]:
    """(key -> (label, value, jenis)) on both sides: the entries whose value differs or that
    one side lacks, in today's order."""
    out = []
    for key in [*new, *(k for k in old if k not in new)]:
        a, b = old.get(key), new.get(key)
        if a is not None and b is not None and a[1] == b[1]:
            continue
        lbl, _value, jenis = b or a
        out.append(TeksBeda(lbl, a[1] if a else None, b[1] if b else None, jenis))
    return out


def _summary(table: Tabel) -> dict[str, Entry]:
    return {str(lbl): (str(lbl), v, jenis) for lbl, v, jenis in table.ringkasan}


def beda(lama: Tabel, baru: Tabel) -> Perbedaan:
    """Everything that differs between the signed table and today's."""
    added, removed, changed = rows_changed(lama, baru)
    old_notes, new_notes = list(lama.catatan), list(baru.catatan)
    return Perbedaan(
        ditambah=added,
        dihapus=removed,
        diubah=changed,
        kaki=texts_changed(
            {k.key: (k.label, k.isi, "teks") for k in lama.kaki},
            {k.key: (k.label, k.isi, "teks") for k in baru.kaki},
        ),
        ringkasan=texts_changed(_summary(lama), _summary(baru)),
        catatan_ditambah=[c for c in new_notes if c not in old_notes],
        catatan_dihapus=[c for c in old_notes if c not in new_notes],
    )
