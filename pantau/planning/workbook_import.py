"""Reading a plan workbook (`planning.workbook`'s layout, XLSX or a zip of its CSVs): a dry run
that lists each row's outcome and every error by sheet, row and column, and the real import,
all-or-nothing and idempotent through `plan_import` (docs/decisions/0021).

Order of the checks: the file is a spreadsheet within the upload guard's limits; it is this
template (every sheet, every header in place); no merged cells; then every row: no formulas,
numbers and codes readable, codes in the nomenclature of the year and in the OPD's bidang
urusan, parents present, no duplicates, cash plan adding up to its pagu; finally the rules of
the services themselves (`plan_import` run in a savepoint that is rolled back).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pantau.audit.services import audit_record
from pantau.core import handoff
from pantau.core.errors import error_messages
from pantau.core.numbers import format_rupiah
from pantau.core.spreadsheets import Limits, Sheet, check_size, csv_rows, xlsx_sheets
from pantau.core.tabular import (
    FILE_NOT_SPREADSHEET,
    CellErrors,
    column_letter,
    is_empty,
    read_int,
    read_number,
    read_optional_number,
    read_text,
)
from pantau.organisations.access import scope_for
from pantau.organisations.choices import OPD_ROLES, Role, TingkatWilayah
from pantau.organisations.codes import normalise_nip, validate_nip
from pantau.organisations.models import Opd, Wilayah
from pantau.planning import codes
from pantau.planning.choices import TAHAP_VALUES, TahapAnggaran
from pantau.planning.imports import (
    _diff,
    _Existing,
    main_source,
    plan_import,
    references_checked_once,
)
from pantau.planning.models import Nomenklatur, SumberDana, TahunAnggaran
from pantau.planning.services import rencana_problems
from pantau.planning.services_renstra import renstra_import
from pantau.planning.validation import bidang_urusan_error
from pantau.planning.workbook import (
    COLUMNS,
    FISIK,
    INDIKATOR,
    KAS,
    KEGIATAN,
    OPTIONAL_SHEETS,
    PROGRAM,
    RENCANA,
    SUB,
    SUMBER,
    TINGKAT,
)
from pantau.planning.workbook_renstra import (
    PERIODE,
    REALISASI,
    SASARAN,
    SASARAN_PROGRAM,
    TARGET,
    RenstraReader,
)

BARU, DIUBAH, TETAP, GALAT = "baru", "diubah", "tetap", "galat"
SPEC_ONLY = {"kode", "rencana", "indikator", "sumber"}  # keys of a sub spec that are not fields


@dataclass
class RowOutcome:
    sheet: str
    row: int
    kode: str
    outcome: str = BARU

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "kode": self.kode, "outcome": self.outcome}


@dataclass
class PlanFileResult:
    """A dry run: every row's outcome, every error, and the tree per OPD the import writes."""

    rows: list[RowOutcome] = field(default_factory=list)
    errors: CellErrors = field(default_factory=CellErrors)
    trees: dict[int, list[dict]] = field(default_factory=dict)  # opd id -> plan_import tree
    foreign: set[str] = field(default_factory=set)  # OPD codes outside the importer's scope

    def counts(self) -> dict[str, int]:
        out = {BARU: 0, DIUBAH: 0, TETAP: 0, GALAT: 0}
        for r in self.rows:
            out[r.outcome] += 1
        return out

    def as_dict(self) -> dict:
        return {
            "counts": self.counts(),
            "rows": [r.as_dict() for r in self.rows],
            "errors": [e.as_dict() for e in self.errors.errors],
        }


def importable_opds(user, pemda_id: int) -> list[Opd]:
    """OPDs whose plan this user may import: the admin every OPD of the pemda, a head or an
    operator of an OPD that OPD only."""
    if user is None:
        return list(Opd.objects.filter(pemda_id=pemda_id))
    scope = scope_for(user)
    role = scope.role_in(pemda_id)
    if role == Role.ADMIN:
        return list(Opd.objects.filter(pemda_id=pemda_id))
    if role in OPD_ROLES:
        return list(Opd.objects.filter(pemda_id=pemda_id, id__in=scope.opd_ids))
    return []


# ---------------------------------------------------------------- reading sheets


def _sheets(content: bytes, filename: str, limits: Limits) -> list[Sheet]:
    """The file's sheets: an XLSX, or a zip of the template's CSVs (`<Sheet name>.csv`)."""
    check_size(len(content), limits)
    if not content.startswith(b"PK"):
        raise ValidationError(FILE_NOT_SPREADSHEET)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            if any(n.startswith("xl/") for n in names):
                # rows kept per sheet (bounded by the guard's cell limit) so that the sheets
                # are read in the template's order whatever their order in the file
                return [
                    Sheet(s.title, s.merged, iter(list(s.rows)))
                    for s in xlsx_sheets(content, limits)
                ]
            csvs = [n for n in names if n.lower().endswith(".csv")]
            if not csvs:
                raise ValidationError(FILE_NOT_SPREADSHEET)
            total = sum(archive.getinfo(n).file_size for n in csvs)
            if total > limits.max_uncompressed:
                raise ValidationError(FILE_NOT_SPREADSHEET)
            out = []
            for name in csvs:
                text = archive.read(name).decode("utf-8-sig", errors="replace")
                rows = [
                    (n, tuple(r))
                    for n, r in enumerate(csv_rows(text, ",", limits), start=1)
                    if any(c.strip() for c in r)
                ]
                out.append(Sheet(name[:-4].rsplit("/", 1)[-1], [], iter(rows)))
            return out
    except zipfile.BadZipFile as exc:
        raise ValidationError(FILE_NOT_SPREADSHEET) from exc


def _template_errors(sheets: dict[str, Sheet], heads: dict[str, tuple]) -> list[str]:
    errors = []
    for name, columns in COLUMNS.items():
        if name not in sheets and name in OPTIONAL_SHEETS:
            continue
        if name not in sheets:
            errors.append(
                _("Bukan templat rencana Pantau: lembar '%(s)s' tidak ada.") % {"s": name}
            )
            continue
        got = [read_text(v) for v in heads.get(name, ())]
        missing = [c for i, c in enumerate(columns) if i >= len(got) or got[i] != c]
        if missing:
            errors.append(
                _(
                    "Lembar %(s)s: kolom %(c)s hilang, berganti nama atau berpindah; unduh "
                    "templat baru."
                )
                % {"s": name, "c": ", ".join(missing)}
            )
    return errors


# ---------------------------------------------------------------- the dry run


class _Reader:
    def __init__(self, ta: TahunAnggaran, allowed: list[Opd]) -> None:
        self.ta = ta
        self.result = PlanFileResult()
        self.err = self.result.errors
        self.opds = {o.kode: o for o in Opd.objects.filter(pemda_id=ta.pemda_id)}
        self.allowed = {o.pk for o in allowed}
        self.nomen = {n.kode: n for n in Nomenklatur.objects.filter(tahun=ta.tahun)}
        self.sumber = {s.kode: s for s in SumberDana.objects.all()}
        self.wilayah = {w.kode: w for w in Wilayah.objects.filter(pemda_id=ta.pemda_id)}
        self.programs: dict[tuple[int, str], dict] = {}
        self.kegiatan: dict[tuple[int, str], dict] = {}
        self.subs: dict[tuple[int, str], dict] = {}
        self.seen: set[tuple] = set()
        self.existing: dict[int, _Existing] = {}
        self.place: dict[tuple[int, str], tuple[str, int]] = {}  # (opd, kode) -> sheet, row
        # rows of the file whose code was read but that hold errors: (opd, kode) -> sheet, row
        self.faulty: dict[tuple[int, str], tuple[str, int]] = {}
        self.sumber_place: dict[tuple[int, str, str], list[RowOutcome]] = {}  # Sumber Dana rows
        # (opd, level, induk kode, nama) -> the indicator's spec: the Renstra sheets name them
        self.indikator_specs: dict[tuple[int, str, str, str], dict] = {}
        self.renstra = RenstraReader(self)

    # one row of any sheet -----------------------------------------------------------
    def row(self, sheet: str, number: int, raw: tuple) -> tuple[dict, RowOutcome, Opd | None]:
        columns = COLUMNS[sheet]
        values = dict(zip(columns, list(raw) + [None] * (len(columns) - len(raw)), strict=False))
        outcome = RowOutcome(sheet, number, "")
        self.result.rows.append(outcome)
        before = len(self.err)
        for i, v in enumerate(raw[: len(columns)], start=1):
            if isinstance(v, str) and v.startswith("="):
                self.err.add(
                    sheet, number, column_letter(i), _("Berisi rumus; tulis nilainya saja.")
                )
        opd = self._opd(sheet, number, values["Kode OPD"])
        if len(self.err) > before:
            outcome.outcome = GALAT
        return values, outcome, opd

    def _opd(self, sheet: str, number: int, value) -> Opd | None:
        kode = read_text(value)
        opd = self.opds.get(kode)
        if opd is None:
            self.err.add(
                sheet, number, "A", _("Kode OPD '%(k)s' tidak dikenal di pemda ini.") % {"k": kode}
            )
            return None
        if opd.pk not in self.allowed:
            self.result.foreign.add(kode)
            self.err.add(
                sheet,
                number,
                "A",
                _("Baris OPD %(k)s: Anda hanya boleh mengimpor rencana OPD Anda sendiri.")
                % {"k": kode},
            )
            return None
        if opd.pk not in self.existing:  # loaded once per OPD
            self.existing[opd.pk] = _Existing.load(self.ta, opd)
        return opd

    def code(self, sheet, number, col, value, tingkat) -> str | None:
        kode = codes.normalise(read_text(value))
        if not kode:
            self.err.add(sheet, number, col, _("Kode wajib diisi."))
            return None
        found = self.nomen.get(kode)
        if found is None or found.tingkat != tingkat:
            self.err.add(
                sheet,
                number,
                col,
                _("Kode %(kode)s tidak ada dalam nomenklatur tahun %(tahun)d.")
                % {"kode": kode, "tahun": self.ta.tahun},
            )
            return None
        return kode

    def duplicate(self, key: tuple, sheet: str, number: int) -> bool:
        if key in self.seen:
            self.err.add(
                sheet,
                number,
                "",
                _("Baris ganda: %(k)s sudah ada di lembar ini.")
                % {"k": " / ".join(str(k) for k in key[2:])},
            )
            return True
        self.seen.add(key)
        return False

    def missing_parent(self, sheet, number, col, kode, opd: Opd | None = None) -> None:
        """The parent row of this row is not usable: outside the OPD's bidang urusan, in the
        file but with errors of its own (said once, at its row), or not in the file."""
        if opd is not None:
            place = self.faulty.get((opd.pk, kode))
            outside = bidang_urusan_error(kode, opd)
            if place is not None:
                message = _("Induk %(k)s (lembar %(s)s baris %(n)d) berisi kesalahan.") % {
                    "k": kode,
                    "s": place[0],
                    "n": place[1],
                }
                self.err.add(sheet, number, col, message)
                return
            if outside:
                self.err.add(sheet, number, col, outside)
                return
        self.err.add(sheet, number, col, _("Induk %(k)s tidak ada di berkas ini.") % {"k": kode})

    def mark_faulty(self, opd: Opd | None, kode: str | None, sheet: str, number: int) -> None:
        if opd is not None and kode and (opd.pk, kode) not in self.place:
            self.faulty.setdefault((opd.pk, kode), (sheet, number))

    # the sheets ----------------------------------------------------------------------
    def program(self, number: int, raw: tuple) -> None:
        v, out, opd = self.row(PROGRAM, number, raw)
        kode = self.code(PROGRAM, number, "B", v["Kode Program"], "program")
        out.kode = kode or read_text(v["Kode Program"])
        if opd is None or kode is None or self.duplicate((PROGRAM, opd.pk, kode), PROGRAM, number):
            out.outcome = GALAT
            return
        outside = bidang_urusan_error(kode, opd)
        if outside:
            self.err.add(PROGRAM, number, "B", outside)
            self.mark_faulty(opd, kode, PROGRAM, number)
            out.outcome = GALAT
            return
        self.programs[(opd.pk, kode)] = {"kode": kode, "kegiatan": [], "indikator": []}
        self.place[(opd.pk, kode)] = (PROGRAM, number)
        if out.outcome != GALAT:
            out.outcome = TETAP if kode in self.existing[opd.pk].programs else BARU

    def kegiatan_row(self, number: int, raw: tuple) -> None:
        v, out, opd = self.row(KEGIATAN, number, raw)
        kode = self.code(KEGIATAN, number, "B", v["Kode Kegiatan"], "kegiatan")
        out.kode = kode or read_text(v["Kode Kegiatan"])
        if (
            opd is None
            or kode is None
            or self.duplicate((KEGIATAN, opd.pk, kode), KEGIATAN, number)
        ):
            out.outcome = GALAT
            return
        parent = self.programs.get((opd.pk, codes.parent(kode)))
        if parent is None:
            self.missing_parent(KEGIATAN, number, "B", codes.parent(kode), opd)
            self.mark_faulty(opd, kode, KEGIATAN, number)
            out.outcome = GALAT
            return
        spec = {"kode": kode, "sub_kegiatan": [], "indikator": []}
        parent["kegiatan"].append(spec)
        self.kegiatan[(opd.pk, kode)] = spec
        self.place[(opd.pk, kode)] = (KEGIATAN, number)
        if out.outcome != GALAT:
            out.outcome = TETAP if kode in self.existing[opd.pk].kegiatan else BARU

    def sub(self, number: int, raw: tuple) -> None:
        v, out, opd = self.row(SUB, number, raw)
        kode = self.code(SUB, number, "B", v["Kode Sub Kegiatan"], "sub_kegiatan")
        out.kode = kode or read_text(v["Kode Sub Kegiatan"])
        if opd is None or kode is None or self.duplicate((SUB, opd.pk, kode), SUB, number):
            out.outcome = GALAT
            return
        before = len(self.err)
        e = self.err
        spec = {
            "kode": kode,
            "pagu_murni": e.check(
                SUB, number, "D", read_number, v["Pagu Murni"], label="Pagu Murni"
            ),
            "pagu_perubahan": e.check(
                SUB, number, "E", read_optional_number, v["Pagu Perubahan"], label="Pagu Perubahan"
            ),
            "sumber_dana": self._lookup(number, "F", v["Sumber Dana"], self.sumber),
            "kecamatan": self._lookup(number, "G", v["Kode Kecamatan"], self.wilayah),
            "desa": self._lookup(number, "H", v["Kode Desa"], self.wilayah),
            "latitude": e.check(
                SUB, number, "I", read_optional_number, v["Lintang"], label="Lintang"
            ),
            "longitude": e.check(SUB, number, "J", read_optional_number, v["Bujur"], label="Bujur"),
            "pptk_nama": read_text(v["Nama PPTK"]),
            "pptk_nip": normalise_nip(read_text(v["NIP PPTK"])),
            "rencana": {},
            "indikator": [],
        }
        self._sub_rules(number, spec, v)
        parent = self.kegiatan.get((opd.pk, codes.parent(kode)))
        if parent is None:
            self.missing_parent(SUB, number, "B", codes.parent(kode), opd)
        if len(self.err) > before or parent is None or out.outcome == GALAT:
            self.mark_faulty(opd, kode, SUB, number)
            out.outcome = GALAT
            return
        parent["sub_kegiatan"].append(spec)
        self.subs[(opd.pk, kode)] = spec
        self.place[(opd.pk, kode)] = (SUB, number)
        stored = self.existing[opd.pk].subs.get(kode)
        if out.outcome != GALAT:
            fields = {k: spec[k] for k in spec if k not in {"kode", "rencana", "indikator"}}
            out.outcome = BARU if stored is None else DIUBAH if _diff(stored, fields) else TETAP

    def _sub_rules(self, number: int, spec: dict, v: dict) -> None:
        """The single-row rules of a sub kegiatan (validation.check_sub_kegiatan and the model's
        ranges), each at its cell and named by its column, so they come with the other cell
        errors in the first round; the services' check stays as the last safety net. A cell
        that could not be read (its error already listed) is not judged again here."""
        for col, name, label in (
            ("D", "pagu_murni", "Pagu Murni"),
            ("E", "pagu_perubahan", "Pagu Perubahan"),
        ):
            if spec[name] is not None and spec[name] < 0:
                self._named(number, col, label, _("Pagu tidak boleh negatif."))
        for col, name, label, bound in (
            ("I", "latitude", "Lintang", 90),
            ("J", "longitude", "Bujur", 180),
        ):
            value = spec[name]
            if value is not None and not -bound <= value <= bound:
                message = _("nilai harus di antara %(a)d dan %(b)d.") % {"a": -bound, "b": bound}
                self._named(number, col, label, message)
        unread = {  # given, but refused by its reader or lookup
            name
            for name, header in (
                ("latitude", "Lintang"),
                ("longitude", "Bujur"),
                ("kecamatan", "Kode Kecamatan"),
            )
            if spec[name] is None and not is_empty(v[header])
        }
        if not unread & {"latitude", "longitude"} and (spec["latitude"] is None) != (
            spec["longitude"] is None
        ):
            col = "J" if spec["longitude"] is None else "I"
            self._named(
                number, col, COLUMNS[SUB][ord(col) - 65], _("Isi lintang dan bujur bersama-sama.")
            )
        kec, desa = spec["kecamatan"], spec["desa"]
        if kec is not None and kec.tingkat != TingkatWilayah.KECAMATAN:
            self._named(number, "G", "Kode Kecamatan", _("Pilih kecamatan dari pemda ini."))
        if (
            desa is not None
            and "kecamatan" not in unread
            and (
                desa.tingkat != TingkatWilayah.DESA_KELURAHAN
                or desa.induk_id != getattr(kec, "pk", None)
            )
        ):
            message = _("Desa/kelurahan harus berada di kecamatan yang dipilih.")
            self._named(number, "H", "Kode Desa", message)
        try:
            validate_nip(spec["pptk_nip"])
        except ValidationError as exc:
            for message in error_messages(exc):
                self._named(number, "L", "NIP PPTK", message)

    def _named(self, number: int, col: str, label: str, message: str) -> None:
        self.err.add(SUB, number, col, f"{label}: {message}")

    def _lookup(self, number, col, value, table):
        if is_empty(value):
            return None
        kode = read_text(value)
        if kode not in table:
            self.err.add(SUB, number, col, _("Kode '%(k)s' tidak dikenal.") % {"k": kode})
            return None
        return table[kode]

    def indikator(self, number: int, raw: tuple) -> None:
        v, out, opd = self.row(INDIKATOR, number, raw)
        e, before = self.err, len(self.err)
        level = TINGKAT.get(read_text(v["Tingkat"]))
        if level is None:
            e.add(INDIKATOR, number, "B", _("Tingkat harus Program, Kegiatan atau Sub Kegiatan."))
        induk_kode = codes.normalise(read_text(v["Kode Induk"]))
        nama = read_text(v["Nama Indikator"])
        out.kode = f"{induk_kode} {nama}"[:80]
        if not nama:
            e.add(INDIKATOR, number, "D", _("Nama indikator wajib diisi."))
        spec = {
            "nama": nama,
            "satuan": read_text(v["Satuan"]),
            "rumus": e.check(
                INDIKATOR, number, "F", read_int, v["Rumus"], label="Rumus", low=1, high=4
            ),
            "target_tahunan": e.check(
                INDIKATOR, number, "G", read_number, v["Target Tahunan"], label="Target Tahunan"
            ),
        }
        for i, (name, col) in enumerate(
            zip(("target_tw1", "target_tw2", "target_tw3", "target_tw4"), "HIJK", strict=True)
        ):
            header = COLUMNS[INDIKATOR][7 + i]
            spec[name] = e.check(
                INDIKATOR, number, col, read_optional_number, v[header], label=header
            )
        table = {"program": self.programs, "kegiatan": self.kegiatan, "sub_kegiatan": self.subs}
        induk = table[level].get((opd.pk, induk_kode)) if (opd and level) else None
        if opd and level and induk is None:
            self.missing_parent(INDIKATOR, number, "C", induk_kode, opd)
        if opd and level:
            self.duplicate((INDIKATOR, opd.pk, level, induk_kode, nama), INDIKATOR, number)
        if len(e) > before or induk is None:
            out.outcome = GALAT
            return
        induk["indikator"].append(spec)
        self.indikator_specs[(opd.pk, level, induk_kode, nama)] = spec
        stored = self.existing[opd.pk].indikator.get((level, induk_kode, nama))
        if stored is None:
            out.outcome = BARU
        else:
            values = {k: spec[k] for k in spec if k != "nama"}
            out.outcome = DIUBAH if _diff(stored, values) else TETAP

    def rencana(self, number: int, raw: tuple) -> None:
        v, out, opd = self.row(RENCANA, number, raw)
        e, before = self.err, len(self.err)
        kode = codes.normalise(read_text(v["Kode Sub Kegiatan"]))
        tahap = read_text(v["Versi"]).lower()
        out.kode = f"{kode} {tahap}"
        if tahap not in TAHAP_VALUES:
            e.add(RENCANA, number, "C", _("Versi harus murni atau perubahan."))
        sub = self.subs.get((opd.pk, kode)) if opd else None
        if opd and sub is None:
            self.missing_parent(RENCANA, number, "B", kode, opd)
        if opd:
            self.duplicate((RENCANA, opd.pk, kode, tahap), RENCANA, number)
        rows, read_from = [], len(e)  # the errors of the 12 months' cells from here
        for m in range(12):
            kas = e.check(
                RENCANA, number, column_letter(4 + m), read_number, v[KAS[m]], label=KAS[m]
            )
            fisik = e.check(
                RENCANA, number, column_letter(16 + m), read_number, v[FISIK[m]], label=FISIK[m]
            )
            rows.append((kas, fisik))
        if len(e) == before and sub is not None:
            pagu = sub["pagu_perubahan"] if tahap == TahapAnggaran.PERUBAHAN else sub["pagu_murni"]
            if pagu is None:
                e.add(
                    RENCANA, number, "C", _("Isi pagu perubahan sebelum rencana versi perubahan.")
                )
            else:
                for what, month, message in rencana_problems(pagu=pagu, rows=rows):
                    e.add(RENCANA, number, _rencana_column(what, month), message)
        elif len(e) == read_from and opd and (opd.pk, kode) in self.faulty:
            # the sub kegiatan row has errors: the rules that do not need its pagu, in this round
            for what, month, message in rencana_problems(pagu=None, rows=rows):
                e.add(RENCANA, number, _rencana_column(what, month), message)
        if len(e) > before or sub is None:
            out.outcome = GALAT
            return
        sub["rencana"][tahap] = rows
        stored_sub = self.existing[opd.pk].subs.get(kode)
        stored = self.existing[opd.pk].rencana.get((stored_sub.pk, tahap)) if stored_sub else None
        out.outcome = BARU if stored is None else TETAP if stored == rows else DIUBAH

    def sumber_row(self, number: int, raw: tuple) -> None:
        """One funding source of a sub kegiatan and version; the totals are checked once every
        row is read (`sumber_totals`)."""
        v, out, opd = self.row(SUMBER, number, raw)
        e, before = self.err, len(self.err)
        kode = codes.normalise(read_text(v["Kode Sub Kegiatan"]))
        tahap = read_text(v["Versi"]).lower()
        sumber_kode = read_text(v["Kode Sumber Dana"])
        out.kode = f"{kode} {tahap} {sumber_kode}"
        if tahap not in TAHAP_VALUES:
            e.add(SUMBER, number, "C", _("Versi harus murni atau perubahan."))
        sumber = self.sumber.get(sumber_kode)
        if sumber is None:
            e.add(
                SUMBER,
                number,
                "D",
                _("Kode sumber dana '%(k)s' tidak dikenal.") % {"k": sumber_kode},
            )
        jumlah = e.check(SUMBER, number, "E", read_number, v["Jumlah (Rp)"], label="Jumlah (Rp)")
        if jumlah is not None and jumlah < 0:
            e.add(SUMBER, number, "E", _("Jumlah sumber dana tidak boleh negatif."))
        sub = self.subs.get((opd.pk, kode)) if opd else None
        if opd and sub is None:
            self.missing_parent(SUMBER, number, "B", kode)
        key = (SUMBER, opd.pk if opd else None, kode, tahap, sumber_kode)
        if opd and key in self.seen:
            e.add(
                SUMBER,
                number,
                "D",
                _("Sumber dana %(s)s sudah dicatat untuk %(k)s versi %(v)s.")
                % {"s": sumber_kode, "k": kode, "v": tahap},
            )
        self.seen.add(key)
        if len(e) > before or sub is None:
            out.outcome = GALAT
            return
        sub.setdefault("sumber", {}).setdefault(tahap, []).append((sumber, jumlah))
        self.sumber_place.setdefault((opd.pk, kode, tahap), []).append(out)

    def sumber_totals(self) -> None:
        """Each version's sources add up to its pagu; the main source named on the Sub Kegiatan
        sheet is one of the largest of the version in force; outcomes against the stored split."""
        for (opd_id, kode, tahap), outs in self.sumber_place.items():
            sub = self.subs[(opd_id, kode)]
            rows = sub["sumber"][tahap]
            first = outs[0].row
            pagu = sub["pagu_perubahan"] if tahap == TahapAnggaran.PERUBAHAN else sub["pagu_murni"]
            total = sum((j for _s, j in rows), Decimal(0))
            message = None
            if pagu is None:
                message = _("Isi pagu perubahan sebelum sumber dana versi perubahan.")
            elif total != pagu:
                message = _(
                    "Sumber dana %(k)s versi %(v)s berjumlah Rp %(t)s, tidak sama dengan pagunya "
                    "(Rp %(p)s)."
                ) % {"k": kode, "v": tahap, "t": format_rupiah(total), "p": format_rupiah(pagu)}
            if message:
                self.err.add(SUMBER, first, "E", message)
                for o in outs:
                    o.outcome = GALAT
                continue
            stored_sub = self.existing[opd_id].subs.get(kode)
            stored = (
                self.existing[opd_id].sumber.get((stored_sub.pk, tahap)) if stored_sub else None
            )
            same = stored == sorted((s.pk, j) for s, j in rows)
            for o in outs:
                o.outcome = BARU if stored is None else TETAP if same else DIUBAH
        outcomes = {(o.sheet, o.row): o for o in self.result.rows if o.sheet == SUB}
        for (opd_id, kode), sub in self.subs.items():
            split = sub.get("sumber") or {}
            rows = split.get(self.ta.tahap)
            main = sub["sumber_dana"]
            if split and main is None:  # derived as `plan_import` does: the outcome follows
                sub["sumber_dana"] = main_source(split, self.ta.tahap)
                stored = self.existing[opd_id].subs.get(kode)
                out = outcomes[self.place[(opd_id, kode)]]
                if stored is not None and out.outcome != GALAT:
                    fields = {k: sub[k] for k in sub if k not in SPEC_ONLY}
                    out.outcome = DIUBAH if _diff(stored, fields) else TETAP
            if not rows or main is None:
                continue
            largest = max(j for _s, j in rows)
            if all(s.pk != main.pk or j != largest for s, j in rows):
                self.err.add(
                    SUB,
                    self.place[(opd_id, kode)][1],
                    "F",
                    _(
                        "Sumber dana utama %(s)s bukan sumber berjumlah terbesar versi %(v)s di "
                        "lembar Sumber Dana; kosongkan kolom ini atau perbaiki rinciannya."
                    )
                    % {"s": main.kode, "v": self.ta.tahap},
                )


def _rencana_column(what: str, month: int | None) -> str:
    """The cell of a cash-plan rule: that month's Kas or Fisik column, the Kas columns for
    their sum."""
    if what == "kas" and month:
        return column_letter(3 + month)
    if what == "fisik" and month:
        return column_letter(15 + month)
    return f"{column_letter(4)}–{column_letter(15)}"


def _read(
    content: bytes, filename: str, ta: TahunAnggaran, allowed: list[Opd], progress=None
) -> _Reader:
    limits = Limits.from_settings()
    sheets = {}
    for sheet in _sheets(content, filename, limits):
        rows = list(sheet.rows)
        sheets[sheet.title] = Sheet(sheet.title, sheet.merged, iter(rows), len(rows))
    reader = _Reader(ta, allowed)
    heads = {}
    for name in COLUMNS:
        if name in sheets:
            first = next(sheets[name].rows, None)
            heads[name] = first[1] if first else ()
    problems = _template_errors(sheets, heads)
    if problems:
        for p in problems:
            reader.err.add("", None, "", p)
        return reader
    for name in OPTIONAL_SHEETS - set(sheets):  # an older template: the sheet is simply absent
        sheets[name] = Sheet(name, [], iter(()))
    for name in COLUMNS:
        for ref in sheets[name].merged:
            start = ref.split(":")[0]
            letters = start.rstrip("0123456789")
            reader.err.add(
                name,
                int(start[len(letters) :]),
                letters,
                _("Sel digabung (%(r)s); pisahkan sel sebelum mengunggah.") % {"r": ref},
            )
    handlers = {
        PROGRAM: reader.program,
        KEGIATAN: reader.kegiatan_row,
        SUB: reader.sub,
        INDIKATOR: reader.indikator,
        RENCANA: reader.rencana,
        SUMBER: reader.sumber_row,
        PERIODE: reader.renstra.periode,
        SASARAN: reader.renstra.sasaran,
        SASARAN_PROGRAM: reader.renstra.sasaran_program,
        TARGET: reader.renstra.target,
        REALISASI: reader.renstra.realisasi,
    }
    total = sum(sheets[name].size for name in COLUMNS) + 1  # the services' check: one more step
    done = 0
    for name, handler in handlers.items():
        for number, raw in sheets[name].rows:
            handler(number, raw)
            done += 1
            if progress and done % 200 == 0:
                progress(done, total)
    if progress:
        progress(done, total)
    reader.sumber_totals()
    for (opd_id, _k), spec in reader.programs.items():
        reader.result.trees.setdefault(opd_id, []).append(spec)
    return reader


# the model field of a services' message -> its column in the template
FIELD_COLUMNS = {
    PROGRAM: {"kode": "B", "nomenklatur": "B"},
    KEGIATAN: {"kode": "B", "nomenklatur": "B", "program": "B"},
    SUB: {
        "kode": "B",
        "nomenklatur": "B",
        "kegiatan": "B",
        "pagu_murni": "D",
        "pagu_perubahan": "E",
        "sumber_dana": "F",
        "kecamatan": "G",
        "desa": "H",
        "latitude": "I",
        "longitude": "J",
        "pptk_nama": "K",
        "pptk_nip": "L",
    },
}


class _DryRunRollbackError(Exception):
    pass


def _services_check(reader: _Reader, *, actor) -> None:
    """Run `plan_import` for every OPD in a savepoint that is always rolled back: the rules of
    the services themselves (NIP, target rules, budgets), placed on the row of their code."""
    ta = reader.ta
    with references_checked_once():
        _services_check_opds(reader, ta, actor=actor)


def _import_opd(reader: _Reader, ta: TahunAnggaran, opd_id: int, *, actor) -> None:
    """The plan tree of one OPD, then its Renstra sheets (which name the plan's indicators)."""
    opd = Opd.objects.get(pk=opd_id)
    tree = reader.result.trees.get(opd_id)
    if tree is not None:
        plan_import(actor=actor, tahun_anggaran=ta, opd=opd, programs=tree)
    spec = reader.renstra.specs.get(opd_id)
    if spec is not None:
        try:
            renstra_import(actor=actor, tahun_anggaran=ta, opd=opd, spec=spec)
        except ValidationError as exc:
            raise ValidationError(
                [f"Renstra {opd.kode}: {m}" for m in error_messages(exc)]
            ) from exc


def _opd_ids(reader: _Reader) -> list[int]:
    return list(dict.fromkeys([*reader.result.trees, *reader.renstra.specs]))


def _services_check_opds(reader: _Reader, ta: TahunAnggaran, *, actor) -> None:
    for opd_id in _opd_ids(reader):
        try:
            with transaction.atomic():
                _import_opd(reader, ta, opd_id, actor=actor)
                raise _DryRunRollbackError
        except _DryRunRollbackError:
            pass
        except ValidationError as exc:
            messages = error_messages(exc)
            fields = getattr(exc, "fields", None) or [""] * len(messages)
            for message, name in zip(messages, fields, strict=False):
                kode, _sep, rest = message.partition(": ")
                sheet, row = reader.place.get((opd_id, kode), ("", None))
                column = FIELD_COLUMNS.get(sheet, {}).get(name, "") if row else ""
                reader.err.add(sheet, row, column, rest if row else message)
                for r in reader.result.rows:
                    if r.sheet == sheet and r.row == row:
                        r.outcome = GALAT


def plan_file_dry_run(
    *, actor, content: bytes, filename: str, tahun_anggaran: TahunAnggaran, progress=None
) -> PlanFileResult:
    """Every row's outcome and every error of the file; nothing is written."""
    allowed = importable_opds(actor, tahun_anggaran.pemda_id)
    reader = _read(content, filename, tahun_anggaran, allowed, progress)
    if reader.result.foreign:  # trying another OPD's rows is recorded even in a dry run
        _audit_refusal(actor, tahun_anggaran, reader.result.foreign, dry_run=True)
    if not reader.err:
        _services_check(reader, actor=actor)
    return reader.result


def _audit_refusal(actor, ta: TahunAnggaran, foreign: set[str], *, dry_run: bool = False) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="plan.import_refused",
            object_type="planning.tahunanggaran",
            object_id=str(ta.pk),
            object_repr=str(ta),
            pemda_id=ta.pemda_id,
            changes={"_summary": {"opd_lain": sorted(foreign), "uji_coba": dry_run}},
        )


def plan_file_import(
    *, actor, content: bytes, filename: str, tahun_anggaran: TahunAnggaran, progress=None
) -> PlanFileResult:
    """The real import: the dry run's checks, then every OPD's tree in one transaction. Any
    error and nothing is written (ValidationError with the errors by place); rows of an OPD
    outside the importer's scope are refused and the refusal is audited."""
    allowed = importable_opds(actor, tahun_anggaran.pemda_id)
    reader = _read(content, filename, tahun_anggaran, allowed, progress)
    if reader.result.foreign:
        _audit_refusal(actor, tahun_anggaran, reader.result.foreign)
    if reader.err:
        raise reader.err.as_validation_error()
    with transaction.atomic(), handoff.coalesced(), references_checked_once():
        for opd_id in _opd_ids(reader):  # one roll-up refresh for the file
            _import_opd(reader, tahun_anggaran, opd_id, actor=actor)
    return reader.result
