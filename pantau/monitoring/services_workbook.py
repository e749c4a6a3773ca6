"""The realisation workbook import (decision 0022): a dry run that lists each row's outcome and
every error by sheet, row and column, and the real import, all-or-nothing and idempotent.

Both take the uploaded bytes and share one planner, so the dry run shows exactly what the import
will do. Rows become draft reports (new → `baru`, changed draft → `diubah`, identical → `tetap`,
figures left empty → `kosong`); a report already submitted, approved or verified is refused
unless the row is identical to it. The rules are those of `realisasi_save` and
`realisasi_indikator_save` (pagu cumulative over the year, fisik 0–100, open period, indicator
formula rules), checked in memory over the whole year with a fixed number of queries, whatever
the size of the file. Rows of an OPD the actor may not fill are refused and the attempt is
audited (the refusal event is the only thing written).

`progress(done, total)` is called while rows are checked and written (for the job page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from pantau.audit.services import audit_bulk, audit_record
from pantau.core import handoff
from pantau.core.numbers import format_rupiah
from pantau.core.spreadsheets import Limits
from pantau.core.tabular import CellError
from pantau.monitoring import topics
from pantau.monitoring.choices import StatusRealisasi as S
from pantau.monitoring.models import (
    BULAN,
    PembukaanPeriode,
    PeriodeLaporan,
    Realisasi,
    RealisasiIndikator,
)
from pantau.monitoring.rules import warnings_realisasi
from pantau.monitoring.services import _indicator_errors
from pantau.monitoring.workbook import SHEET_INDIKATOR, SHEET_REALISASI, Parsed, Row, read_upload
from pantau.monitoring.workflow import EDITABLE, PeriodeState, can_edit, periode_state
from pantau.organisations.models import Opd
from pantau.planning.models import Indikator, SubKegiatan, TahunAnggaran

Progress = Callable[[int, int], None] | None
REAL_FIELDS = ("keuangan", "fisik", "kendala", "tindak_lanjut")
STEP = 500


@dataclass(frozen=True)
class Outcome:
    sheet: str
    row: int
    kode: str
    bulan: int | None
    hasil: str  # baru, diubah, tetap, kosong, galat
    pesan: str = ""


@dataclass
class WorkbookResult:
    """What a dry run found, or what an import did (`applied`)."""

    outcomes: list[Outcome] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    applied: bool = False
    refused_opd: list[str] = field(default_factory=list)  # other OPDs' codes in the file
    empty_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        out = {"baru": 0, "diubah": 0, "tetap": 0, "kosong": 0, "galat": 0}
        for o in self.outcomes:
            out[o.hasil] += 1
        return out

    def as_dict(self) -> dict:
        return {
            "applied": self.applied,
            "counts": self.counts(),
            "errors": [e.as_dict() for e in self.errors],
            "rows": [o.__dict__ for o in self.outcomes],
        }


@dataclass
class _Plan:
    result: WorkbookResult
    new: list = field(default_factory=list)
    changed: list = field(default_factory=list)  # (object, before {field: value})
    new_ind: list = field(default_factory=list)
    changed_ind: list = field(default_factory=list)


def _tick(progress: Progress, done: int, total: int) -> None:
    if progress is not None and (done % STEP == 0 or done == total):
        progress(done, total)


def _fits(value: Decimal, digits: int, places: int) -> bool:
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int):
        return False
    whole = len(value.quantize(Decimal(1)).as_tuple().digits) if value else 0
    return -exponent <= places and whole <= digits - places


def _year_of(series: dict) -> tuple[Decimal, dict, dict]:
    """A sub kegiatan's year after the import (month -> report): the total, and for each month
    the money of the months before it and the physical progress of the latest month before it."""
    total, money, fisik = Decimal(0), {}, {}
    last = None
    for month in sorted(series):
        money[month], fisik[month] = total, last
        total += series[month].keuangan
        last = series[month].fisik
    return total, money, fisik


_DEFAULTS: dict = {}


def _new_draft(sub, periode) -> SimpleNamespace:
    """A new report as the values of its columns (written by `_insert`): building 10,000 model
    instances was a third of a large import (B3)."""
    if not _DEFAULTS:
        _DEFAULTS.update(
            {
                f.attname: f.get_default()
                for f in Realisasi._meta.concrete_fields
                if not f.primary_key
            }
        )
    return SimpleNamespace(
        **{
            **_DEFAULTS,
            "pemda_id": sub.pemda_id,
            "opd_id": sub.opd_id,
            "sub_kegiatan_id": sub.pk,
            "periode_id": periode.pk,
            "status": S.DRAFT,
            "peringatan": [],
        },
        periode=periode,
    )


class _Planner:
    """Checks every row against the plan, the periods and the reports already stored."""

    def __init__(self, parsed: Parsed, *, actor, ta: TahunAnggaran, opd, check_period: bool):
        self.parsed, self.actor, self.ta, self.opd = parsed, actor, ta, opd
        self.check_period = check_period
        self.errors = parsed.errors
        self.plan = _Plan(WorkbookResult(empty_rows=parsed.empty_rows))
        self.bad_rows: set[tuple[str, int]] = {(e.sheet, e.row) for e in self.errors.errors}

    def col(self, row: Row, key: str) -> str:
        return self.parsed.column(row.sheet, key)

    def error(self, row: Row, column: str, message) -> None:
        self.errors.add(row.sheet, row.number, column, message)
        self.bad_rows.add((row.sheet, row.number))

    # -- loading, a fixed number of queries ---------------------------------------------------

    def load(self, lock: bool) -> None:
        ta = self.ta
        pemda = ta.pemda
        self.opds = {o.kode: o for o in Opd.objects.filter(pemda_id=ta.pemda_id)}
        by_id = {}
        for o in self.opds.values():
            o.pemda = pemda  # cached: no query per row
            by_id[o.pk] = o
        rows = [r for r in self.parsed.rows if not r.blank]
        codes = {r.opd for r in self.parsed.rows}
        wanted = [self.opds[c].pk for c in codes if c in self.opds]
        subs = SubKegiatan.objects.filter(tahun_anggaran=ta, opd_id__in=wanted)
        if lock:  # a concurrent save cannot push a total above its pagu meanwhile
            subs = subs.select_for_update(of=("self",))
        self.subs = {(s.opd_id, s.kode): s for s in subs}
        for s in self.subs.values():
            s.opd = by_id[s.opd_id]
        self.periods = {p.bulan: p for p in PeriodeLaporan.objects.filter(tahun_anggaran=ta)}
        sub_ids = [s.pk for s in self.subs.values()]
        bulan_of = {p.pk: p.bulan for p in self.periods.values()}
        self.reports = {
            (r.sub_kegiatan_id, bulan_of[r.periode_id]): r
            for r in Realisasi.objects.filter(sub_kegiatan_id__in=sub_ids)
        }
        self.reopened = {
            (p["periode_id"], p["opd_id"]): p["until"]
            for p in PembukaanPeriode.objects.filter(periode__tahun_anggaran=ta)
            .values("periode_id", "opd_id")
            .annotate(until=Max("berlaku_sampai"))
        }
        self.indicators: dict[tuple[int, str], list[Indikator]] = {}
        if any(r.sheet == SHEET_INDIKATOR for r in rows):
            for ind in Indikator.objects.filter(sub_kegiatan_id__in=sub_ids):
                key = (ind.sub_kegiatan_id, " ".join(ind.nama.lower().split()))
                self.indicators.setdefault(key, []).append(ind)
            self.values = {
                (v.indikator_id, v.periode.bulan): v
                for v in RealisasiIndikator.objects.filter(
                    indikator_id__in=[i.pk for lst in self.indicators.values() for i in lst]
                ).select_related("periode", "indikator")
            }

    # -- one row: where it belongs --------------------------------------------------------------

    def resolve(self, row: Row):
        """(sub kegiatan, periode) of a row, or None with the reason recorded."""
        opd = self.opds.get(row.opd)
        if row.opd and opd is None:
            self.error(
                row,
                self.col(row, "opd"),
                _("Kode OPD %(k)s tidak dikenal di pemda ini.") % {"k": row.opd},
            )
            return None
        if opd is None:
            return None
        if (self.opd is not None and opd.pk != self.opd.pk) or (
            self.actor is not None and not can_edit(self.actor, opd)
        ):
            if row.opd not in self.plan.result.refused_opd:
                self.plan.result.refused_opd.append(row.opd)
            self.error(
                row,
                self.col(row, "opd"),
                _("Baris ini milik OPD lain (%(k)s): Anda hanya dapat mengimpor laporan OPD Anda.")
                % {"k": row.opd},
            )
            return None
        sub = self.subs.get((opd.pk, row.kode))
        if row.kode and sub is None:
            self.error(
                row,
                self.col(row, "kode"),
                _("Kode sub kegiatan %(k)s tidak ada dalam rencana %(opd)s tahun %(t)s.")
                % {"k": row.kode, "opd": opd.nama, "t": self.ta.tahun},
            )
        periode = self.periods.get(row.bulan) if row.bulan else None
        if row.bulan and periode is None:
            self.error(
                row,
                self.col(row, "bulan"),
                _("Bulan %(b)s tidak ada dalam periode laporan tahun %(t)s.")
                % {"b": row.bulan, "t": self.ta.tahun},
            )
        if sub is None or periode is None:
            return None
        return sub, periode

    def period_open(self, row: Row, sub, periode, existing) -> bool:
        if not self.check_period or (existing is not None and existing.status == S.DIKEMBALIKAN):
            return True
        state = periode_state(
            periode, sub.opd, reopened_until=self.reopened.get((periode.pk, sub.opd_id))
        )
        if state == PeriodeState.BELUM_DIBUKA:
            self.error(
                row, self.col(row, "bulan"), _("Periode %(p)s belum dibuka.") % {"p": periode}
            )
            return False
        if state == PeriodeState.DITUTUP:
            self.error(
                row,
                self.col(row, "bulan"),
                _("Periode %(p)s sudah ditutup. Minta admin membuka kembali periode ini.")
                % {"p": periode},
            )
            return False
        return True

    # -- the sheets ---------------------------------------------------------------------------

    def realisasi(self, progress: Progress) -> None:
        rows = [r for r in self.parsed.rows if r.sheet == SHEET_REALISASI]
        seen: dict[tuple[int, int], int] = {}
        final: dict[int, dict] = {}  # sub -> month -> report (or new draft) after the import
        for (sub_id, bulan), report in self.reports.items():
            final.setdefault(sub_id, {})[bulan] = report
        touched: list[tuple] = []  # (row, sub, report or new draft, hasil, before)
        for n, row in enumerate(rows, start=1):
            _tick(progress, n, len(rows) * 2)
            if row.blank:
                self.plan.result.outcomes.append(
                    Outcome(row.sheet, row.number, row.kode, row.bulan, "kosong")
                )
                continue
            where = self.resolve(row)
            if where is None or (row.sheet, row.number) in self.bad_rows:
                continue
            sub, periode = where
            key = (sub.pk, periode.bulan)
            if key in seen:
                self.error(
                    row,
                    self.col(row, "kode"),
                    _("Baris ganda: sub kegiatan %(k)s bulan %(b)s sudah ada di baris %(n)s.")
                    % {"k": sub.kode, "b": periode.bulan, "n": seen[key]},
                )
                continue
            seen[key] = row.number
            v = row.values
            problems = self._figure_problems(v)
            for key_, message in problems:
                self.error(row, self.col(row, key_), message)
            if problems:
                continue
            existing = self.reports.get(key)
            if existing is not None and all(getattr(existing, f) == v[f] for f in REAL_FIELDS):
                self.plan.result.outcomes.append(
                    Outcome(row.sheet, row.number, sub.kode, periode.bulan, "tetap")
                )
                continue
            if existing is not None and existing.status not in EDITABLE:
                self.error(
                    row,
                    self.col(row, "keuangan"),
                    _(
                        "Laporan %(k)s bulan %(b)s berstatus %(s)s: hanya draf yang dapat diubah "
                        "lewat impor."
                    )
                    % {
                        "k": sub.kode,
                        "b": BULAN[periode.bulan - 1],
                        "s": existing.get_status_display(),
                    },
                )
                continue
            if not self.period_open(row, sub, periode, existing):
                continue
            if existing is None:
                obj = _new_draft(sub, periode)
                before = None
            else:
                obj = existing
                obj.periode = periode  # the one already fetched
                before = {f: getattr(existing, f) for f in (*REAL_FIELDS, "peringatan")}
            for f in REAL_FIELDS:
                setattr(obj, f, v[f])
            final.setdefault(sub.pk, {})[periode.bulan] = obj
            touched.append((row, sub, obj, "baru" if existing is None else "diubah", before))
        self._year_rules(touched, final, progress, len(rows))

    def _figure_problems(self, v: dict) -> list[tuple[str, str]]:
        out = []
        keuangan, fisik = v.get("keuangan"), v.get("fisik")
        if keuangan is not None and (keuangan < 0 or not _fits(keuangan, 18, 2)):
            out.append(
                (
                    "keuangan",
                    _(
                        "Realisasi keuangan harus angka tidak negatif dengan paling banyak 2 desimal."
                    ),
                )
            )
        if fisik is not None and (not Decimal(0) <= fisik <= 100 or not _fits(fisik, 6, 2)):
            out.append(
                (
                    "fisik",
                    _(
                        "Realisasi fisik harus di antara 0 dan 100 persen, dengan paling banyak 2 desimal."
                    ),
                )
            )
        return out

    def _year_rules(self, touched, final, progress: Progress, total: int) -> None:
        """The cumulative pagu rule and the warnings, over each sub kegiatan's whole year as it
        will be after the import."""
        gap = self.ta.pemda.selisih_fisik_keuangan_maks
        years: dict[int, tuple[Decimal, dict[int, Decimal], dict[int, Decimal | None]]] = {}
        for n, (row, sub, obj, hasil, before) in enumerate(touched, start=1):
            _tick(progress, total + n * total // max(len(touched), 1), total * 2)
            if sub.pk not in years:
                years[sub.pk] = _year_of(final[sub.pk])
            year, earlier_money, earlier_fisik = years[sub.pk]
            pagu = sub.pagu_for(self.ta.tahap)
            if year > pagu:
                self.error(
                    row,
                    self.col(row, "keuangan"),
                    _(
                        "Realisasi keuangan kumulatif (Rp %(total)s) melebihi pagu yang berlaku "
                        "(Rp %(pagu)s)."
                    )
                    % {"total": format_rupiah(year), "pagu": format_rupiah(pagu)},
                )
                continue
            bulan = obj.periode.bulan
            obj.peringatan = warnings_realisasi(
                pagu=pagu,
                kumulatif=earlier_money[bulan] + obj.keuangan,
                fisik=obj.fisik,
                fisik_sebelumnya=earlier_fisik[bulan],
                gap=gap,
            )
            if hasil == "baru":
                self.plan.new.append(obj)
            else:
                self.plan.changed.append((obj, before, sub.kode))
            self.plan.result.outcomes.append(Outcome(row.sheet, row.number, sub.kode, bulan, hasil))

    def indikator(self) -> None:
        rows = [r for r in self.parsed.rows if r.sheet == SHEET_INDIKATOR]
        seen: dict[tuple[int, int], int] = {}
        series: dict[int, dict[int, Decimal]] = {}
        for (ind_id, bulan), value in getattr(self, "values", {}).items():
            series.setdefault(ind_id, {})[bulan] = value.nilai
        for row in rows:
            if row.blank:
                self.plan.result.outcomes.append(
                    Outcome(row.sheet, row.number, row.kode, row.bulan, "kosong")
                )
                continue
            where = self.resolve(row)
            if where is None or (row.sheet, row.number) in self.bad_rows:
                continue
            sub, periode = where
            name = row.values.get("indikator", "")
            found = self.indicators.get((sub.pk, " ".join(name.lower().split())), [])
            if len(found) != 1:
                message = (
                    _("Indikator '%(n)s' tidak ada pada sub kegiatan %(k)s.")
                    if not found
                    else _("Indikator '%(n)s' ganda pada sub kegiatan %(k)s; ubah di rencana.")
                )
                self.error(row, self.col(row, "indikator"), message % {"n": name, "k": sub.kode})
                continue
            ind = found[0]
            key = (ind.pk, periode.bulan)
            if key in seen:
                self.error(
                    row,
                    self.col(row, "indikator"),
                    _("Baris ganda: indikator ini bulan %(b)s sudah ada di baris %(n)s.")
                    % {"b": periode.bulan, "n": seen[key]},
                )
                continue
            seen[key] = row.number
            nilai, catatan = row.values["nilai"], row.values.get("catatan", "")
            existing = self.values.get(key)
            if existing is not None and existing.nilai == nilai and existing.catatan == catatan:
                self.plan.result.outcomes.append(
                    Outcome(row.sheet, row.number, sub.kode, periode.bulan, "tetap")
                )
                continue
            report = self.reports.get((sub.pk, periode.bulan))
            if report is not None and report.status not in EDITABLE:
                self.error(
                    row,
                    self.col(row, "nilai"),
                    _(
                        "Laporan %(k)s bulan %(b)s berstatus %(s)s: nilai indikatornya tidak dapat diubah."
                    )
                    % {
                        "k": sub.kode,
                        "b": BULAN[periode.bulan - 1],
                        "s": report.get_status_display(),
                    },
                )
                continue
            known = {m: v for m, v in series.get(ind.pk, {}).items() if m != periode.bulan}
            problems = _indicator_errors(ind, periode.bulan, nilai, known)
            if not _fits(nilai, 18, 4):
                problems.append(_("Nilai indikator paling banyak 4 desimal."))
            for message in problems:
                self.error(row, self.col(row, "nilai"), message)
            if problems:
                continue
            series.setdefault(ind.pk, {})[periode.bulan] = nilai
            if existing is None:
                self.plan.new_ind.append(
                    RealisasiIndikator(
                        pemda_id=ind.pemda_id,
                        opd_id=ind.opd_id,
                        indikator=ind,
                        periode=periode,
                        nilai=nilai,
                        catatan=catatan,
                    )
                )
                hasil = "baru"
            else:
                before = {"nilai": existing.nilai, "catatan": existing.catatan}
                existing.nilai, existing.catatan = nilai, catatan
                self.plan.changed_ind.append((existing, before))
                hasil = "diubah"
            self.plan.result.outcomes.append(
                Outcome(row.sheet, row.number, sub.kode, periode.bulan, hasil)
            )


def _plan(content, filename, *, actor, tahun_anggaran, opd, check_period, progress, lock):
    if actor is not None and opd is not None and not can_edit(actor, opd):
        raise PermissionDenied(_("Hanya operator OPD ini yang dapat mengimpor laporannya."))
    parsed = read_upload(content, filename, Limits.from_settings())
    planner = _Planner(parsed, actor=actor, ta=tahun_anggaran, opd=opd, check_period=check_period)
    if not parsed.errors or parsed.rows:
        planner.load(lock)
        planner.realisasi(progress)
        planner.indikator()
    plan = planner.plan
    bad = {(e.sheet, e.row) for e in parsed.errors.errors if e.row}
    plan.result.outcomes.extend(
        Outcome(r.sheet, r.number, r.kode, r.bulan, "galat")
        for r in parsed.rows
        if (r.sheet, r.number) in bad
    )
    plan.result.outcomes.sort(key=lambda o: (o.sheet != SHEET_REALISASI, o.row))
    plan.result.errors = sorted(
        parsed.errors.errors, key=lambda e: (e.sheet != SHEET_REALISASI, e.row or 0, e.column)
    )
    if plan.result.refused_opd:
        _audit_refusal(actor, tahun_anggaran, opd, filename, plan.result)
    return plan


def _audit_refusal(actor, ta, opd, filename, result: WorkbookResult) -> None:
    """The attempt to import another OPD's rows, kept even though nothing else is written."""
    audit_record(
        actor=actor,
        action="realisasi.import_ditolak",
        obj=ta,
        pemda_id=ta.pemda_id,
        opd_id=opd.pk if opd is not None else None,
        changes={
            "_summary": {
                "berkas": str(filename)[:200],
                "opd_lain": result.refused_opd,
                "alasan": "baris milik OPD lain",
            }
        },
    )


@transaction.atomic
def realisasi_workbook_dry_run(
    content: bytes,
    filename: str,
    *,
    actor,
    tahun_anggaran: TahunAnggaran,
    opd=None,
    progress: Progress = None,
    check_period: bool = True,
) -> WorkbookResult:
    """Each row's outcome and every error, without writing anything (except the audit event of
    an attempt to import another OPD's rows)."""
    return _plan(
        content,
        filename,
        actor=actor,
        tahun_anggaran=tahun_anggaran,
        opd=opd,
        check_period=check_period,
        progress=progress,
        lock=False,
    ).result


@transaction.atomic
def realisasi_workbook_import(
    content: bytes,
    filename: str,
    *,
    actor,
    tahun_anggaran: TahunAnggaran,
    opd=None,
    progress: Progress = None,
    check_period: bool = True,
) -> WorkbookResult:
    """The import: when the file has any error nothing is written (`applied` False, the errors
    listed); otherwise new and changed rows are saved as drafts, with one audit event for the
    import and one per changed report or value. The same file again changes nothing."""
    plan = _plan(
        content,
        filename,
        actor=actor,
        tahun_anggaran=tahun_anggaran,
        opd=opd,
        check_period=check_period,
        progress=progress,
        lock=True,
    )
    result = plan.result
    if result.errors:
        return result
    changes = plan.new or plan.changed or plan.new_ind or plan.changed_ind
    if changes:
        ind_ids = _write(actor, tahun_anggaran, plan, filename)
        # Reports are written as drafts, which count on no basis (as in `realisasi_save`): the
        # roll-ups move when they are submitted. Indicator values count at once.
        if ind_ids:
            handoff.emit(topics.INDICATOR_VALUES_CHANGED, indikator_ids=ind_ids)
    result.applied = True
    if progress is not None:
        progress(1, 1)
    return result


def _write(actor, ta: TahunAnggaran, plan: _Plan, filename: str) -> set[int]:
    """Bulk writes and their audit events; the ids of the indicators whose values changed."""
    now = timezone.now()
    _insert(Realisasi, plan.new, now)
    changed = [obj for obj, _b, _k in plan.changed]
    for obj in changed:
        obj.updated_at = now
    Realisasi.objects.bulk_update(
        changed, [*REAL_FIELDS, "peringatan", "updated_at"], batch_size=1000
    )
    RealisasiIndikator.objects.bulk_create(plan.new_ind, batch_size=1000)
    changed_ind = [obj for obj, _b in plan.changed_ind]
    for obj in changed_ind:
        obj.updated_at = now
    RealisasiIndikator.objects.bulk_update(
        changed_ind, ["nilai", "catatan", "updated_at"], batch_size=1000
    )
    entries = [
        (
            "monitoring.realisasi",
            obj.pk,
            kode,
            obj.pemda_id,
            obj.opd_id,
            _diff(before, obj, [*REAL_FIELDS, "peringatan"]),
        )
        for obj, before, kode in plan.changed
    ]
    audit_bulk(actor=actor, action="realisasi.update", entries=entries)
    entries = [
        (
            "monitoring.realisasiindikator",
            obj.pk,
            obj.indikator.nama,
            obj.pemda_id,
            obj.opd_id,
            _diff(before, obj, ["nilai", "catatan"]),
        )
        for obj, before in plan.changed_ind
    ]
    audit_bulk(actor=actor, action="realisasi_indikator.update", entries=entries)
    counts = plan.result.counts()
    audit_record(
        actor=actor,
        action="realisasi.workbook_import",
        obj=ta,
        changes={
            "_summary": {
                "berkas": str(filename)[:200],
                "baru": len(plan.new),
                "diubah": len(plan.changed),
                "tetap": counts["tetap"],
                "indikator_baru": len(plan.new_ind),
                "indikator_diubah": len(plan.changed_ind),
                "keuangan_baru": str(sum((o.keuangan for o in plan.new), Decimal(0))),
            }
        },
    )
    return {o.indikator_id for o in plan.new_ind} | {o.indikator_id for o in changed_ind}


def _insert(model, objs: list, now) -> None:
    """New rows with COPY (PostgreSQL) or one executemany per thousand (SQLite). `bulk_create`
    spent most of a 10,000-row import preparing each value of each row through its field (B3); here each column's
    converter is chosen once. The objects were checked as `full_clean` would (figures, digits,
    choices are set by the import itself); their primary keys are not read back."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    ops = connection.ops
    converters = []
    stamp = ops.adapt_datetimefield_value(now)
    for f in fields:
        if f.attname in {"created_at", "updated_at"}:
            converters.append(lambda _o, v=stamp: v)
        elif isinstance(f, models.JSONField):
            converters.append(lambda o, f=f: f.get_db_prep_save(getattr(o, f.attname), connection))
        elif isinstance(f, models.DateTimeField):
            converters.append(lambda o, a=f.attname: ops.adapt_datetimefield_value(getattr(o, a)))
        else:  # numbers, text, keys and Decimals go to the driver as they are
            converters.append(lambda o, a=f.attname: getattr(o, a))
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: the fastest way in, same transaction
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for o in objs:
                    copy.write_row([c(o) for c in converters])
            return
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - names from the model # nosec B608
        for start in range(0, len(objs), 1000):
            cursor.executemany(
                sql, [[c(o) for c in converters] for o in objs[start : start + 1000]]
            )


def _diff(before: dict, obj, fields: list[str]) -> dict:
    def j(v):
        return str(v) if isinstance(v, Decimal) else v

    return {
        f: [j(before.get(f)), j(getattr(obj, f))]
        for f in fields
        if before.get(f) != getattr(obj, f)
    }
