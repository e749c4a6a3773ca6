"""The typed table every report is (decision 0039): a selector builds a `Tabel`; the XLSX
writer, the print view and the PDF render the same `Tabel`, so the three never disagree.

A cell holds a value of its column's type (Decimal for money and percentages, int, text) or
None; a None cell always carries its reason in words (`Baris.kosong`), which every format
writes instead of the figure: never a silent zero."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field
from decimal import Decimal

TEKS, RUPIAH, PERSEN, POIN, BILANGAN = "teks", "rupiah", "persen", "poin", "bilangan"
NILAI = "nilai"  # an indicator's value in its own unit (Decimal, shown with 2 decimals)


@dataclass(frozen=True)
class Kolom:
    key: str
    judul: str
    jenis: str = TEKS
    grup: str = ""  # a merged header over neighbouring columns of the same group
    lebar: int = 14  # column width in the workbook (characters)
    nomor: str = ""  # the official form's column number ("5"), shared by a group's columns


@dataclass
class Baris:
    sel: dict[str, object]
    tingkat: str = "sub"  # program / kegiatan / sub / opd / total / kosong
    kosong: dict[str, str] = field(default_factory=dict)  # column -> why it has no figure

    def teks_kosong(self, key: str) -> str:
        return self.kosong.get(key, "—")


@dataclass
class Kaki:
    """A footer row under the table (E.81's rata-rata capaian, predikat, faktor pendorong ...):
    a stable key, its label and its text as written (a figure already formatted in words)."""

    key: str
    label: str
    isi: str


@dataclass
class TandaTangan:
    """One slot of the signature block ("Disusun" by the head of the OPD, "Dievaluasi" by the
    head of Bappeda ...). Unsigned, the name, NIP, place and date are empty and every format
    leaves the lines to sign on; a signed report carries them (they are not part of the data
    version: signing changes no figure)."""

    peran: str  # the caption above the slot, e.g. "Disusun oleh"
    jabatan: str  # e.g. "Kepala Dinas Kesehatan"
    nama: str = ""
    nip: str = ""
    tempat: str = ""
    tanggal: dt.date | None = None

    GARIS = "(" + "." * 36 + ")"  # the line to sign on / write the name on

    def baris(self) -> list[str]:
        """The slot as lines, the same in every format: place and date, caption, post, room to
        sign, name (a line when empty), NIP (dots when empty)."""
        from django.utils import formats
        from django.utils.translation import gettext as _

        tanggal = formats.date_format(self.tanggal, "j F Y") if self.tanggal else "." * 24
        tempat = self.tempat or "." * 16
        return [
            f"{tempat}, {tanggal}",
            self.peran,
            self.jabatan,
            "",
            "",
            "",
            self.nama or self.GARIS,
            _("NIP %(nip)s") % {"nip": self.nip or "." * 24},
        ]


@dataclass
class Tabel:
    jenis: str
    judul: list[str]  # title lines (the first is the form's name)
    kolom: list[Kolom]
    baris: list[Baris]
    catatan: list[str] = field(default_factory=list)  # notes under the table (gaps, methods)
    ringkasan: list[tuple[str, object, str]] = field(default_factory=list)  # (label, value, jenis)
    grafik: list[tuple[str, Decimal | None, Decimal | None]] = field(default_factory=list)
    grafik_judul: tuple[str, str] = ("", "")  # the two series' names
    nama_berkas: str = "laporan"
    besar: bool = False  # built in the task queue (the pemda's reports)
    kaki: list[Kaki] = field(default_factory=list)  # footer rows under the table
    tanda_tangan: list[TandaTangan] = field(default_factory=list)  # the signature block

    @property
    def grup(self) -> list[tuple[str, int]]:
        """The header's first row: (group label, span) in column order ("" = no group)."""
        out: list[tuple[str, int]] = []
        for k in self.kolom:
            if out and k.grup and out[-1][0] == k.grup:
                out[-1] = (k.grup, out[-1][1] + 1)
            else:
                out.append((k.grup, 1))
        return out

    @property
    def kepala(self) -> list[list[tuple[str, int, int]]]:
        """The header as HTML rows of (label, colspan, rowspan): a grouped column under its
        group's merged cell, an ungrouped one spanning both rows."""
        if not self.bertingkat:
            return [[(k.judul, 1, 1) for k in self.kolom]]
        top: list[tuple[str, int, int]] = []
        i = 0
        for group, span in self.grup:
            top.append((group, span, 1) if group else (self.kolom[i].judul, 1, 2))
            i += span
        return [top, [(k.judul, 1, 1) for k in self.kolom if k.grup]]

    @property
    def nomor_kolom(self) -> list[tuple[str, int]]:
        """The form's column-number row (1, 2, 3 ...) as (number, span): one number over a
        group's columns, [] when the table has no numbered columns."""
        if not any(k.nomor for k in self.kolom):
            return []
        out: list[tuple[str, int]] = []
        for i, k in enumerate(self.kolom):
            same = out and k.grup and self.kolom[i - 1].grup == k.grup
            if same and self.kolom[i - 1].nomor == k.nomor:
                out[-1] = (k.nomor, out[-1][1] + 1)
            else:
                out.append((k.nomor, 1))
        return out

    @property
    def lebar_persen(self) -> list[str]:
        """Each column's share of the page width (the PDF's fixed table layout)."""
        least = {RUPIAH: 21, PERSEN: 12, POIN: 12}  # a number never wraps in the PDF
        widths = [max(k.lebar, least.get(k.jenis, 0)) for k in self.kolom]
        if self.padat:  # a wide form (E.81) at 5 pt: numbers get what their digits need
            fixed = {RUPIAH: 14, NILAI: 9, PERSEN: 7, BILANGAN: 3}
            widths = [fixed.get(k.jenis, k.lebar) for k in self.kolom]
        whole = sum(widths) or 1
        return [f"{w * 100 / whole:.2f}%" for w in widths]

    @property
    def padat(self) -> bool:
        """Too many columns for numbers that never wrap on an A4 landscape page (E.81): printed
        on F4 landscape (330 × 215 mm) with small figures instead."""
        return len(self.kolom) > 20

    @property
    def bertingkat(self) -> bool:
        return any(k.grup for k in self.kolom)

    def kanonik(self) -> bytes:
        """Every figure and gap of the table in one stable form (for the data version)."""

        def plain(value):
            if isinstance(value, Decimal):
                return format(value.normalize(), "f") if value == value else "NaN"
            return value

        data = {
            "jenis": self.jenis,
            "judul": self.judul,
            "kolom": [[k.key, k.judul, k.jenis] for k in self.kolom],
            "baris": [
                [b.tingkat, {k: plain(v) for k, v in b.sel.items()}, b.kosong] for b in self.baris
            ],
            "catatan": self.catatan,
            "ringkasan": [[label, plain(v), j] for label, v, j in self.ringkasan],
        }
        if self.kaki:  # (absent when empty: the versions of reports without a footer stay)
            data["kaki"] = [[k.key, k.label, k.isi] for k in self.kaki]
        return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()

    def versi(self) -> str:
        return hashlib.sha256(self.kanonik()).hexdigest()

    # --- a stored snapshot (the archive keeps the table a report was built from) ----------

    def ke_json(self) -> dict:
        """The whole table as JSON-safe data; `Tabel.dari_json` gives it back equal, with
        every Decimal, date and None as it was (for re-rendering a signed report and for the
        difference against it)."""
        return _encode(asdict(self))

    @classmethod
    def dari_json(cls, data: dict) -> Tabel:
        d = _decode(data)
        return cls(
            jenis=d["jenis"],
            judul=list(d["judul"]),
            kolom=[Kolom(**k) for k in d["kolom"]],
            baris=[Baris(**b) for b in d["baris"]],
            catatan=list(d["catatan"]),
            ringkasan=[tuple(r) for r in d["ringkasan"]],
            grafik=[tuple(g) for g in d["grafik"]],
            grafik_judul=tuple(d["grafik_judul"]),
            nama_berkas=d["nama_berkas"],
            besar=d["besar"],
            kaki=[Kaki(**k) for k in d.get("kaki", [])],
            tanda_tangan=[TandaTangan(**t) for t in d.get("tanda_tangan", [])],
        )


def _encode(value):
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    if isinstance(value, dt.date):
        return {"$t": value.isoformat()}
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def _decode(value):
    if isinstance(value, dict):
        if set(value) == {"$d"}:
            return Decimal(value["$d"])
        if set(value) == {"$t"}:
            return dt.date.fromisoformat(value["$t"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value
