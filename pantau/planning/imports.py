"""Bulk import of an OPD's yearly plan (the shape of a DPA export): all rows or none.

Every row passes the same rules as the single-row services (the models' clean() and
`check_rencana`); the rows are then written with bulk inserts and one audit event that
summarises the import.

A sub kegiatan's `sumber` (version -> [(SumberDana, jumlah)]) passes the rule of
`sumber_dana_rinci_set` (`sumber_dana_rinci_check`, `sumber_dana_main`: shared, not copied) and
is written in bulk, only for the versions whose stored split differs; an empty main source
(`sumber_dana`) is the largest of the split of the version in force.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from types import SimpleNamespace

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from pantau.audit.services import audit_record
from pantau.core import handoff
from pantau.core.bulk import insert_objects, insert_rows
from pantau.core.errors import error_messages
from pantau.core.numbers import to_decimal
from pantau.organisations.models import Opd
from pantau.planning import codes, topics
from pantau.planning.choices import TAHAP_VALUES, JenisIndikator, TahapAnggaran, TingkatNomenklatur
from pantau.planning.guard import plan_write_guard
from pantau.planning.models import (
    Indikator,
    Kegiatan,
    Nomenklatur,
    Program,
    RencanaBulanan,
    SubKegiatan,
    SumberDana,
    SumberDanaSubKegiatan,
    TahunAnggaran,
)
from pantau.planning.services import (
    INDIKATOR_TARGETS,
    SUB_KEGIATAN_FIELDS,
    budget_consistency_errors,
    check_rencana,
    sumber_dana_main,
    sumber_dana_rinci_check,
)

FK_FIELDS = {"sumber_dana", "kecamatan", "desa"}
SKIP = ["pemda", "opd", "tahun_anggaran", "program", "kegiatan", "sub_kegiatan", "nomenklatur"]


@dataclass
class PlanImportResult:
    programs: int = 0
    kegiatan: int = 0
    sub_kegiatan: int = 0
    rencana: int = 0
    indikator: int = 0
    updated: int = 0  # changed sub kegiatan, cash plans (per version) and indicators
    unchanged: int = 0  # sub kegiatan and indicators found exactly as in the tree


_shared_references: ContextVar[dict | None] = ContextVar("shared_references", default=None)


@contextmanager
def references_checked_once():
    """Inside the block, every `plan_import` shares one answer per reference value (sumber dana,
    kecamatan, desa): a file's OPDs repeat the same few values, and nothing inside one file's
    import writes those tables, so the answer for a value is the same for every OPD."""
    if _shared_references.get() is not None:  # nested: the outer block's answers
        yield
        return
    token = _shared_references.set({})
    try:
        yield
    finally:
        _shared_references.reset(token)


class _Collector:
    def __init__(self) -> None:
        self.errors: list[str] = []
        # index in `errors` -> the model field the message is about (a file maps it to its column)
        self.field_of: dict[int, str] = {}
        shared = _shared_references.get()
        self._references: dict[tuple, tuple[str, ...]] = {} if shared is None else shared

    def check(self, where: str, obj) -> None:
        """`clean_fields()` then `clean()`, as `full_clean` runs them (without the keys the
        import sets itself). The references a file repeats (sumber dana, kecamatan, desa) are
        checked once per value: the field's own `clean()` (exists, within `limit_choices_to`)
        does not depend on the row, so its answer for a value is the answer for every row."""
        refs = [f for f in obj._meta.concrete_fields if f.name in FK_FIELDS]
        messages: list[tuple[str, str]] = []  # (field, message)
        try:
            obj.clean_fields(exclude=[*SKIP, *(f.name for f in refs)])
        except ValidationError as exc:  # Django's own messages do not name the field: prefix it
            for name, errors in exc.message_dict.items():
                label = capfirst(obj._meta.get_field(name).verbose_name)
                messages += [(name, f"{label}: {m}") for m in errors]
        for f in refs:
            raw = getattr(obj, f.attname)
            if f.blank and raw in f.empty_values:
                continue
            key = (f.model._meta.label, f.name, raw)
            if key not in self._references:
                try:
                    f.clean(raw, obj)
                    self._references[key] = ()
                except ValidationError as exc:
                    self._references[key] = tuple(error_messages(exc))
            messages += [(f.name, m) for m in self._references[key]]
        if not messages:
            try:
                obj.clean()
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    messages += [(n, m) for n, ms in exc.message_dict.items() for m in ms]
                else:
                    messages += [("", m) for m in exc.messages]
        for name, message in messages:
            if name and name != NON_FIELD_ERRORS:
                self.field_of[len(self.errors)] = name
            self.errors.append(f"{where}: {message}")

    def error(self, limit: int = 100) -> ValidationError:
        """The collected errors as one ValidationError; its `fields` lists, message by message,
        the model field each is about ("" when none)."""
        exc = ValidationError(self.errors[:limit])
        shown = min(limit, len(self.errors))
        exc.fields = [self.field_of.get(i, "") for i in range(shown)]  # type: ignore[attr-defined]
        return exc


def _indikator(spec: dict, *, induk_field: str, induk, opd: Opd, ta: TahunAnggaran) -> Indikator:
    ind = Indikator(
        pemda_id=opd.pemda_id,
        opd=opd,
        tahun_anggaran=ta,
        jenis=JenisIndikator.OUTCOME if induk_field == "program" else JenisIndikator.OUTPUT,
        nama=spec["nama"],
        satuan=spec["satuan"],
        rumus=spec["rumus"],
        **{induk_field: induk},
    )
    for name in INDIKATOR_TARGETS:
        value = spec.get(name)
        setattr(ind, name, None if value is None else to_decimal(value, label=name))
    return ind


@dataclass
class _Existing:
    """The OPD's stored plan of the year, by code: what an import matches its rows against."""

    programs: dict
    kegiatan: dict
    subs: dict
    rencana: dict  # (sub id, tahap) -> [(kas, fisik)] * 12
    indikator: dict  # (level, induk kode, nama) -> Indikator
    sumber: dict = field(default_factory=dict)  # (sub id, tahap) -> sorted [(sumber id, jumlah)]

    @classmethod
    def load(cls, ta: TahunAnggaran, opd: Opd) -> _Existing:
        programs = {p.kode: p for p in Program.objects.filter(tahun_anggaran=ta, opd=opd)}
        if not programs:  # kegiatan, sub kegiatan and indicators all hang below a program
            return cls(programs={}, kegiatan={}, subs={}, rencana={}, indikator={})
        subs = {
            s.kode: s
            for s in SubKegiatan.objects.filter(tahun_anggaran=ta, opd=opd).select_related(
                "kegiatan", "tahun_anggaran"
            )
        }
        rencana: dict = {}
        for r in RencanaBulanan.objects.filter(sub_kegiatan__in=subs.values()).order_by(
            "sub_kegiatan_id", "tahap", "bulan"
        ):
            rencana.setdefault((r.sub_kegiatan_id, r.tahap), []).append(
                (r.anggaran_kas, r.target_fisik)
            )
        indikator = {}
        for ind in Indikator.objects.filter(tahun_anggaran=ta, opd=opd).select_related(
            "program", "kegiatan", "sub_kegiatan"
        ):
            level = (
                "program" if ind.program_id else "kegiatan" if ind.kegiatan_id else "sub_kegiatan"
            )
            indikator.setdefault((level, ind.induk.kode, ind.nama), ind)
        sumber: dict = {}
        for r in SumberDanaSubKegiatan.objects.filter(sub_kegiatan__in=subs.values()).order_by(
            "sub_kegiatan_id", "tahap", "sumber_dana_id"
        ):
            sumber.setdefault((r.sub_kegiatan_id, r.tahap), []).append((r.sumber_dana_id, r.jumlah))
        return cls(
            programs=programs,
            kegiatan={
                k.kode: k
                for k in Kegiatan.objects.filter(program__tahun_anggaran=ta, program__opd=opd)
            },
            subs=subs,
            rencana=rencana,
            indikator=indikator,
            sumber=sumber,
        )


@dataclass
class _Plan:
    """What one import writes: new objects, changed ones with their audit changes."""

    programs: list = field(default_factory=list)
    kegiatan: list = field(default_factory=list)
    subs: list = field(default_factory=list)
    rencana: list = field(default_factory=list)
    indikator: list = field(default_factory=list)
    changed_subs: list = field(default_factory=list)  # (sub, changes)
    changed_rencana: list = field(default_factory=list)  # (sub, tahap, rows)
    changed_indikator: list = field(default_factory=list)  # (indikator, changes)
    sumber: list = field(default_factory=list)  # (sub, SumberDanaSubKegiatan) to insert
    sumber_versions: list = field(default_factory=list)  # (sub, tahap, rows) that changed
    main_changed: list = field(default_factory=list)  # subs whose main source the split moved
    unchanged: int = 0


def _diff(obj, values: dict) -> dict:
    """{field: [old, new]} of the fields `values` would change on `obj` (foreign keys by id)."""
    changes = {}
    for name, value in values.items():
        if name in FK_FIELDS:
            old, new = getattr(obj, f"{name}_id"), value.pk if value is not None else None
        else:
            old, new = getattr(obj, name), value
        if old != new:
            changes[name] = [None if old is None else str(old), None if new is None else str(new)]
    return changes


@transaction.atomic
def plan_import(
    *, actor, tahun_anggaran: TahunAnggaran, opd: Opd, programs: list[dict]
) -> PlanImportResult:
    """Import a plan tree for one OPD and year, matched by code against what is stored: new rows
    are created, changed rows updated (with their audit), unchanged rows left untouched, rows
    not in the tree kept. Nothing is written when any row is invalid; the same tree twice
    changes nothing the second time."""
    if opd.pemda_id != tahun_anggaran.pemda_id:
        raise ValidationError(_("OPD dan tahun anggaran berasal dari pemda yang berbeda."))
    plan_write_guard(opd_id=opd.pk, tahun_anggaran_id=tahun_anggaran.pk)  # decision 0020
    ta, year = tahun_anggaran, tahun_anggaran.tahun
    nomen = {n.kode: n for n in Nomenklatur.objects.filter(tahun=year, kode__in=_codes(programs))}
    have = _Existing.load(ta, opd)
    col = _Collector()
    out = _Plan()
    seen: dict[str, set[str]] = {"program": set(), "kegiatan": set(), "sub_kegiatan": set()}

    def ref(kode: str, tingkat: str, where: str) -> Nomenklatur | None:
        kode = codes.normalise(kode)
        found = nomen.get(kode)
        if found is None or found.tingkat != tingkat:
            col.errors.append(
                f"{where}: "
                + _("Kode %(kode)s tidak ada dalam nomenklatur tahun %(tahun)d.")
                % {"kode": kode, "tahun": year}
            )
            return None
        if found.kode in seen[tingkat]:
            col.errors.append(
                _("%(t)s %(k)s ganda dalam berkas.")
                % {"t": TingkatNomenklatur(tingkat).label, "k": found.kode}
            )
            return None
        seen[tingkat].add(found.kode)
        return found

    for p_spec in programs:
        p_ref = ref(p_spec["kode"], "program", p_spec["kode"])
        if p_ref is None:
            continue
        program = have.programs.get(p_ref.kode)
        if program is None:
            program = Program(
                pemda_id=opd.pemda_id,
                tahun_anggaran=ta,
                opd=opd,
                nomenklatur=p_ref,
                kode=p_ref.kode,
                nama=p_ref.nama,
            )
            col.check(program.kode, program)
            out.programs.append(program)
        _indikator_rows(col, out, have, p_spec, "program", program, opd, ta)
        for k_spec in p_spec.get("kegiatan", []):
            k_ref = ref(k_spec["kode"], "kegiatan", k_spec["kode"])
            if k_ref is None:
                continue
            kegiatan = have.kegiatan.get(k_ref.kode)
            if kegiatan is None or kegiatan.program_id != program.pk:
                kegiatan = Kegiatan(
                    pemda_id=opd.pemda_id,
                    program=program,
                    nomenklatur=k_ref,
                    kode=k_ref.kode,
                    nama=k_ref.nama,
                )
                col.check(kegiatan.kode, kegiatan)
                out.kegiatan.append(kegiatan)
            _indikator_rows(col, out, have, k_spec, "kegiatan", kegiatan, opd, ta)
            for s_spec in k_spec.get("sub_kegiatan", []):
                s_ref = ref(s_spec["kode"], "sub_kegiatan", s_spec["kode"])
                if s_ref is not None:
                    _sub_row(col, out, have, s_spec, s_ref, kegiatan, opd, ta)
    if col.errors:
        raise col.error()
    _write(out.programs, out.kegiatan, out.subs, out.rencana, out.indikator)
    result = _write_changes(actor, out)
    _write_sumber(actor, out, have)
    errors = [  # the rule of sub_kegiatan_update (decision 0020): realised, cash plans, sources
        f"{sub.kode}: {m}" for sub, _c in out.changed_subs for m in budget_consistency_errors(sub)
    ]
    if errors:  # realised beyond a lowered pagu, sources not adding up: all is undone
        raise ValidationError(errors[:100])
    touched = {s.pk for s in out.subs} | {s.pk for s, _c in out.changed_subs}
    touched |= {s.pk for s, _t, _r in out.changed_rencana}
    touched |= {s.pk for s, _t, _r in out.sumber_versions}
    if touched:
        handoff.emit(topics.SUB_KEGIATAN_CHANGED, sub_ids=sorted(touched))
    indikator = [i.pk for i in out.indikator] + [i.pk for i, _c in out.changed_indikator]
    if indikator:
        handoff.emit(topics.INDIKATOR_CHANGED, indikator_ids=indikator)
    pagu = sum((s.pagu_murni for s in out.subs), Decimal(0))
    audit_record(
        actor=actor,
        action="plan.import",
        obj=opd,
        pemda_id=opd.pemda_id,
        opd_id=opd.id,
        changes={"_summary": {"tahun": year, "pagu_murni": str(pagu), **result.__dict__}},
    )
    return result


def _codes(programs: list[dict]) -> set[str]:
    """Every code the tree names, normalised (the nomenclature rows to load, not the year's)."""
    out = set()
    for p in programs:
        out.add(codes.normalise(p["kode"]))
        for k in p.get("kegiatan", []):
            out.add(codes.normalise(k["kode"]))
            out.update(codes.normalise(s["kode"]) for s in k.get("sub_kegiatan", []))
    return out


def main_source(split: dict, tahap_berlaku: str):
    """The main source a split implies: the largest of the version in force (else of the other
    version), the first of equal amounts; None without a split."""
    rows = split.get(tahap_berlaku) or next((r for r in split.values() if r), None)
    return max(rows, key=lambda r: r[1])[0] if rows else None


def _sumber_rows(col: _Collector, out: _Plan, have: _Existing, sub: SubKegiatan, split, ta):
    """The split checked by the service's rule; the versions whose split differs from the stored
    one are kept to write. The main source follows the rule too (the versions applied as the
    service would be called, the one in force last; the named main source first among equals)."""
    checked = {}
    for tahap, rows in split.items():
        main_first = sorted(rows, key=lambda r: r[0].pk != sub.sumber_dana_id)
        try:
            checked[tahap] = sumber_dana_rinci_check(sub=sub, tahap=tahap, rows=main_first)
        except ValidationError as exc:
            col.errors.extend(f"{sub.kode}: {m}" for m in error_messages(exc))
    for tahap in sorted(checked, key=lambda t: t == ta.tahap):
        main = sumber_dana_main(sub=sub, tahap=tahap, tahap_berlaku=ta.tahap, rows=checked[tahap])
        if main is not None and main.pk != sub.sumber_dana_id:
            sub.sumber_dana = main
            out.main_changed.append(sub)
    for tahap, rows in checked.items():
        stored = have.sumber.get((sub.pk, tahap), []) if sub.pk else []
        if sorted((sd.pk, j) for sd, j in rows) != stored:
            for sd, j in rows:
                obj = SumberDanaSubKegiatan(
                    pemda_id=sub.pemda_id, tahap=tahap, sumber_dana=sd, jumlah=j
                )
                col.check(sub.kode, obj)
                out.sumber.append((sub, obj))
            out.sumber_versions.append((sub, tahap, rows))


def _write_sumber(actor, out: _Plan, have: _Existing) -> None:
    """The changed splits in bulk: the stored rows of those versions deleted in one query, the
    new ones inserted at once, a main source the rule moved updated, one audit event per stored
    sub kegiatan whose split changed (new ones are in the import's summary)."""
    stored = [
        (sub, tahap) for sub, tahap, _r in out.sumber_versions if (sub.pk, tahap) in have.sumber
    ]
    if stored:
        query = Q()
        for sub, tahap in stored:
            query |= Q(sub_kegiatan_id=sub.pk, tahap=tahap)
        SumberDanaSubKegiatan.objects.filter(query).delete()
    for sub, obj in out.sumber:
        obj.sub_kegiatan_id = sub.pk
    insert_rows(SumberDanaSubKegiatan, [obj for _s, obj in out.sumber])
    new_pks = {s.pk for s in out.subs}  # inserted with their main source already
    for sub in {s.pk: s for s in out.main_changed if s.pk not in new_pks}.values():
        SubKegiatan.objects.filter(pk=sub.pk).update(sumber_dana=sub.sumber_dana)
    audited = [v for v in out.sumber_versions if v[0].pk not in new_pks]
    ids = {pk for sub, tahap, _r in audited for pk, _j in have.sumber.get((sub.pk, tahap), [])}
    kode = dict(SumberDana.objects.filter(pk__in=ids).values_list("pk", "kode")) if ids else {}
    for sub, tahap, rows in audited:  # the service's audit: codes and amounts before and after
        old = {kode[pk]: str(j) for pk, j in have.sumber.get((sub.pk, tahap), [])}
        new = {sd.kode: str(j) for sd, j in rows} | {"_utama": sub.sumber_dana.kode}
        audit_record(
            actor=actor,
            action="sumber_dana_rinci.set",
            obj=sub,
            changes={"tahap": tahap, "sumber": [old, new]},
        )


def _sub_row(col, out: _Plan, have: _Existing, s_spec, s_ref, kegiatan, opd, ta) -> None:
    fields = {
        k: v for k, v in s_spec.items() if k not in {"kode", "rencana", "indikator", "sumber"}
    }
    split = s_spec.get("sumber") or {}
    if split and fields.get("sumber_dana") is None:
        fields["sumber_dana"] = main_source(split, ta.tahap)  # no change when derived alike
    unknown = set(fields) - SUB_KEGIATAN_FIELDS
    if unknown:
        col.errors.append(
            f"{s_ref.kode}: " + _("Kolom tidak dikenal: %(f)s.") % {"f": ", ".join(sorted(unknown))}
        )
        return
    try:
        for number in ("pagu_murni", "pagu_perubahan", "latitude", "longitude"):
            if fields.get(number) is not None:
                fields[number] = to_decimal(fields[number], label=number)
    except ValidationError as exc:
        col.errors.extend(f"{s_ref.kode}: {m}" for m in error_messages(exc))
        return
    for text in ("pptk_nama", "pptk_nip"):
        if text in fields and fields[text] is None:
            fields[text] = ""
    sub = have.subs.get(s_ref.kode)
    if sub is not None and sub.kegiatan_id == kegiatan.pk:
        changes = _diff(sub, fields)
        if changes:
            for name, value in fields.items():
                setattr(sub, name, value)
            col.check(sub.kode, sub)
            out.changed_subs.append((sub, changes))
        else:
            out.unchanged += 1
    else:
        sub = SubKegiatan(
            pemda_id=opd.pemda_id,
            kegiatan=kegiatan,
            opd=opd,
            tahun_anggaran=ta,
            nomenklatur=s_ref,
            kode=s_ref.kode,
            nama=s_ref.nama,
            **fields,
        )
        col.check(sub.kode, sub)
        out.subs.append(sub)
    _sumber_rows(col, out, have, sub, split, ta)
    given = s_spec.get("rencana", {})
    for tahap, rows in given.items():
        new = _rencana(col, sub, tahap, rows)
        stored = have.rencana.get((sub.pk, tahap)) if sub.pk else None
        if sub.pk is None:
            out.rencana += new
        elif new and stored != [(r.anggaran_kas, r.target_fisik) for r in new]:
            out.changed_rencana.append((sub, tahap, new))
    if sub.pk:  # a changed pagu must still match the stored cash plans not in the tree
        for (sub_id, tahap), stored in have.rencana.items():
            if sub_id == sub.pk and tahap not in given:
                col.errors.extend(
                    f"{sub.kode}: {m}"
                    for m in check_rencana(pagu=sub.pagu_for(tahap), rows=stored)
                    if tahap != TahapAnggaran.PERUBAHAN or sub.pagu_perubahan is not None
                )
    _indikator_rows(col, out, have, s_spec, "sub_kegiatan", sub, opd, ta)


def _indikator_rows(col, out: _Plan, have: _Existing, spec, level, induk, opd, ta) -> None:
    for i_spec in spec.get("indikator", []):
        new = _indikator(i_spec, induk_field=level, induk=induk, opd=opd, ta=ta)
        stored = have.indikator.get((level, induk.kode, new.nama)) if induk.pk else None
        if stored is None:
            col.check(new.nama[:60], new)
            out.indikator.append(new)
            continue
        values = {name: getattr(new, name) for name in ("satuan", "rumus", *INDIKATOR_TARGETS)}
        changes = _diff(stored, values)
        if changes:
            for name, value in values.items():
                setattr(stored, name, value)
            col.check(stored.nama[:60], stored)
            out.changed_indikator.append((stored, changes))
        else:
            out.unchanged += 1


def _write_changes(actor, out: _Plan) -> PlanImportResult:
    """Update the changed rows, each with its audit event."""
    for sub, changes in out.changed_subs:
        SubKegiatan.objects.bulk_update([sub], list(changes))
        audit_record(actor=actor, action="sub_kegiatan.update", obj=sub, changes=changes)
    for sub, tahap, rows in out.changed_rencana:
        RencanaBulanan.objects.filter(sub_kegiatan=sub, tahap=tahap).delete()
        insert_rows(RencanaBulanan, rows)
        audit_record(actor=actor, action="rencana.set", obj=sub, changes={"tahap": tahap})
    for ind, changes in out.changed_indikator:
        Indikator.objects.bulk_update([ind], list(changes))
        audit_record(actor=actor, action="indikator.update", obj=ind, changes=changes)
    return PlanImportResult(
        programs=len(out.programs),
        kegiatan=len(out.kegiatan),
        sub_kegiatan=len(out.subs),
        rencana=len(out.rencana),
        indikator=len(out.indikator),
        updated=len(out.changed_subs) + len(out.changed_rencana) + len(out.changed_indikator),
        unchanged=out.unchanged,
    )


def _rencana(col: _Collector, sub: SubKegiatan, tahap: str, rows) -> list[SimpleNamespace]:
    """The 12 plan rows of one version, checked like `rencana_set` does."""
    if tahap not in TAHAP_VALUES:
        col.errors.append(
            f"{sub.kode}: " + _("Versi anggaran '%(t)s' tidak dikenal.") % {"t": tahap}
        )
        return []
    if tahap == TahapAnggaran.PERUBAHAN and sub.pagu_perubahan is None:
        col.errors.append(
            f"{sub.kode}: " + _("Isi pagu perubahan sebelum rencana versi perubahan.")
        )
        return []
    try:  # the labels translated only when a message uses them
        parsed = [
            (to_decimal(k, label=_KAS_LABEL), to_decimal(f, label=_FISIK_LABEL)) for k, f in rows
        ]
    except ValidationError as exc:
        col.errors.extend(f"{sub.kode}: {m}" for m in error_messages(exc))
        return []
    col.errors.extend(
        f"{sub.kode}: {m}" for m in check_rencana(pagu=sub.pagu_for(tahap), rows=parsed)
    )
    out = [  # plain records (`pantau.core.bulk`); the key is set once the sub kegiatan has one
        SimpleNamespace(
            pemda_id=sub.pemda_id,
            sub_kegiatan=sub,
            sub_kegiatan_id=sub.pk,
            tahap=tahap,
            bulan=m,
            anggaran_kas=kas,
            target_fisik=fisik,
        )
        for m, (kas, fisik) in enumerate(parsed, start=1)
    ]
    for kas, fisik in parsed:  # decimal places: what clean_fields() finds on each row
        if _fits_value(kas, _KAS) and _fits_value(fisik, _FISIK):
            continue  # rencana_value_errors' own shortcut, without the round trip through text
        col.errors.extend(f"{sub.kode}: {m}" for m in rencana_value_errors(str(kas), str(fisik)))
    return out


_KAS_LABEL, _FISIK_LABEL = gettext_lazy("anggaran kas"), gettext_lazy("target fisik")


def rencana_value_errors(kas: str, fisik: str) -> tuple[str, ...]:
    """The messages `clean_fields()` gives a monthly plan row with these two figures (as text:
    `1.0` and `1.00` differ in decimal places). The row's other fields are set by the import
    itself (`tahap` checked above, `bulan` 1–12, the keys), so these two are what can fail; a
    cash plan repeats the same figures, so each pair is checked once (decided by the same
    fields' validators; the tests compare with `clean_fields` on whole rows). Figures that
    plainly fit both fields (`_fits`) need no field run: a cash plan's amounts are mostly
    distinct, so the cache alone seldom hits."""
    if _fits(kas, _KAS) and _fits(fisik, _FISIK):
        return ()
    return _value_errors(kas, fisik, get_language())


_KAS = RencanaBulanan._meta.get_field("anggaran_kas")
_FISIK = RencanaBulanan._meta.get_field("target_fisik")


def _fits(text: str, f) -> bool:
    """True only when `f.clean()` accepts this figure: finite, at most `decimal_places` places,
    no exponent above zero, at most `max_digits` digits of which at most `max_digits -
    decimal_places` before the point (what `DecimalValidator` counts; the fields have no other
    validator). False means "ask the field", never "invalid"."""
    try:
        value = Decimal(text)
    except ArithmeticError:
        return False
    return _fits_value(value, f)


def _fits_value(value: Decimal, f) -> bool:
    """`_fits` of a Decimal (`Decimal(str(d))` has the same digits and exponent as `d`)."""
    if not value.is_finite():
        return False
    _sign, digits, exponent = value.as_tuple()
    return (
        -f.decimal_places <= exponent <= 0
        and len(digits) <= f.max_digits
        and len(digits) + exponent <= f.max_digits - f.decimal_places
    )


@lru_cache(maxsize=4096)
def _value_errors(kas: str, fisik: str, _language: str) -> tuple[str, ...]:
    """What `clean_fields` runs for each of the two fields: `clean()` (to_python, validate, the
    validators), its messages in field order."""
    out: list[str] = []
    for f, value in ((_KAS, kas), (_FISIK, fisik)):
        try:
            f.clean(Decimal(value), None)
        except ValidationError as exc:
            out.extend(error_messages(exc))
    return tuple(out)


def _write(programs, kegiatan, subs, rencana, indikator) -> None:
    insert_objects(Program, programs)  # checked above; keys read back (RETURNING)
    for k in kegiatan:
        k.program_id = k.program.pk
    insert_objects(Kegiatan, kegiatan)
    for s in subs:
        s.kegiatan_id = s.kegiatan.pk
    insert_objects(SubKegiatan, subs)
    for r in rencana:
        r.sub_kegiatan_id = r.sub_kegiatan.pk
    insert_rows(RencanaBulanan, rencana)  # checked above; no key read back
    for ind in indikator:
        ind.program_id = ind.program.pk if ind.program else None
        ind.kegiatan_id = ind.kegiatan.pk if ind.kegiatan else None
        ind.sub_kegiatan_id = ind.sub_kegiatan.pk if ind.sub_kegiatan else None
    insert_objects(Indikator, indikator)


__all__ = ["PlanImportResult", "TahapAnggaran", "plan_import"]
