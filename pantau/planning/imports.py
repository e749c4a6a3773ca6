"""Bulk import of an OPD's yearly plan (the shape of a DPA export): all rows or none.

Every row passes the same rules as the single-row services (the models' clean() and
`check_rencana`); the rows are then written with bulk inserts and one audit event that
summarises the import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pantau.audit.services import audit_record
from pantau.core import handoff
from pantau.core.errors import error_messages
from pantau.core.numbers import to_decimal
from pantau.organisations.models import Opd
from pantau.planning import codes, topics
from pantau.planning.choices import JenisIndikator, TahapAnggaran, TingkatNomenklatur
from pantau.planning.guard import plan_write_guard
from pantau.planning.models import (
    Indikator,
    Kegiatan,
    Nomenklatur,
    Program,
    RencanaBulanan,
    SubKegiatan,
    TahunAnggaran,
)
from pantau.planning.services import (
    INDIKATOR_TARGETS,
    SUB_KEGIATAN_FIELDS,
    budget_consistency_errors,
    check_rencana,
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


class _Collector:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def check(self, where: str, obj) -> None:
        try:
            obj.clean_fields(exclude=SKIP)
            obj.clean()
        except ValidationError as exc:
            self.errors.extend(f"{where}: {m}" for m in error_messages(exc))


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

    @classmethod
    def load(cls, ta: TahunAnggaran, opd: Opd) -> _Existing:
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
        return cls(
            programs={p.kode: p for p in Program.objects.filter(tahun_anggaran=ta, opd=opd)},
            kegiatan={
                k.kode: k
                for k in Kegiatan.objects.filter(program__tahun_anggaran=ta, program__opd=opd)
            },
            subs=subs,
            rencana=rencana,
            indikator=indikator,
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
    nomen = {n.kode: n for n in Nomenklatur.objects.filter(tahun=year)}
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
        raise ValidationError(col.errors[:100])
    _write(out.programs, out.kegiatan, out.subs, out.rencana, out.indikator)
    result = _write_changes(actor, out)
    errors = [  # the rule of sub_kegiatan_update (decision 0020): realised, cash plans, sources
        f"{sub.kode}: {m}" for sub, _c in out.changed_subs for m in budget_consistency_errors(sub)
    ]
    if errors:  # realised beyond a lowered pagu, sources not adding up: all is undone
        raise ValidationError(errors[:100])
    touched = {s.pk for s in out.subs} | {s.pk for s, _c in out.changed_subs}
    touched |= {s.pk for s, _t, _r in out.changed_rencana}
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


def _sub_row(col, out: _Plan, have: _Existing, s_spec, s_ref, kegiatan, opd, ta) -> None:
    fields = {k: v for k, v in s_spec.items() if k not in {"kode", "rencana", "indikator"}}
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
        RencanaBulanan.objects.bulk_create(rows)
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


def _rencana(col: _Collector, sub: SubKegiatan, tahap: str, rows) -> list[RencanaBulanan]:
    """The 12 plan rows of one version, checked like `rencana_set` does."""
    if tahap not in TahapAnggaran.values:
        col.errors.append(
            f"{sub.kode}: " + _("Versi anggaran '%(t)s' tidak dikenal.") % {"t": tahap}
        )
        return []
    if tahap == TahapAnggaran.PERUBAHAN and sub.pagu_perubahan is None:
        col.errors.append(
            f"{sub.kode}: " + _("Isi pagu perubahan sebelum rencana versi perubahan.")
        )
        return []
    try:
        parsed = [
            (to_decimal(k, label=_("anggaran kas")), to_decimal(f, label=_("target fisik")))
            for k, f in rows
        ]
    except ValidationError as exc:
        col.errors.extend(f"{sub.kode}: {m}" for m in error_messages(exc))
        return []
    col.errors.extend(
        f"{sub.kode}: {m}" for m in check_rencana(pagu=sub.pagu_for(tahap), rows=parsed)
    )
    out = [
        RencanaBulanan(
            pemda_id=sub.pemda_id,
            sub_kegiatan=sub,
            tahap=tahap,
            bulan=m,
            anggaran_kas=kas,
            target_fisik=fisik,
        )
        for m, (kas, fisik) in enumerate(parsed, start=1)
    ]
    for row in out:
        col.check(sub.kode, row)  # decimal places
    return out


def _write(programs, kegiatan, subs, rencana, indikator) -> None:
    Program.objects.bulk_create(programs, batch_size=500)
    for k in kegiatan:
        k.program_id = k.program.pk
    Kegiatan.objects.bulk_create(kegiatan, batch_size=500)
    for s in subs:
        s.kegiatan_id = s.kegiatan.pk
    SubKegiatan.objects.bulk_create(subs, batch_size=500)
    for r in rencana:
        r.sub_kegiatan_id = r.sub_kegiatan.pk
    RencanaBulanan.objects.bulk_create(rencana, batch_size=1000)
    for ind in indikator:
        ind.program_id = ind.program.pk if ind.program else None
        ind.kegiatan_id = ind.kegiatan.pk if ind.kegiatan else None
        ind.sub_kegiatan_id = ind.sub_kegiatan.pk if ind.sub_kegiatan else None
    Indikator.objects.bulk_create(indikator, batch_size=1000)


__all__ = ["PlanImportResult", "TahapAnggaran", "plan_import"]
