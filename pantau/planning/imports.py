"""Bulk import of an OPD's yearly plan (the shape of a DPA export): all rows or none.

Every row passes the same rules as the single-row services (the models' clean() and
`check_rencana`); the rows are then written with bulk inserts and one audit event that
summarises the import.
"""

from __future__ import annotations

from dataclasses import dataclass
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
from pantau.planning.choices import JenisIndikator, TahapAnggaran
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
from pantau.planning.services import INDIKATOR_TARGETS, SUB_KEGIATAN_FIELDS, check_rencana

SKIP = ["pemda", "opd", "tahun_anggaran", "program", "kegiatan", "sub_kegiatan", "nomenklatur"]


@dataclass
class PlanImportResult:
    programs: int = 0
    kegiatan: int = 0
    sub_kegiatan: int = 0
    rencana: int = 0
    indikator: int = 0


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


@transaction.atomic
def plan_import(
    *, actor, tahun_anggaran: TahunAnggaran, opd: Opd, programs: list[dict]
) -> PlanImportResult:
    """Import a plan tree for one OPD and year. Nothing is written when any row is invalid."""
    if opd.pemda_id != tahun_anggaran.pemda_id:
        raise ValidationError(_("OPD dan tahun anggaran berasal dari pemda yang berbeda."))
    plan_write_guard(opd_id=opd.pk, tahun_anggaran_id=tahun_anggaran.pk)  # decision 0020
    ta, year = tahun_anggaran, tahun_anggaran.tahun
    nomen = {n.kode: n for n in Nomenklatur.objects.filter(tahun=year)}
    existing = set(
        Program.objects.filter(tahun_anggaran=ta, opd=opd).values_list("kode", flat=True)
    )
    col = _Collector()
    seen_kegiatan: set[str] = set()
    seen_subs: set[str] = set()
    out_programs, out_kegiatan, out_subs, out_rencana, out_ind = [], [], [], [], []

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
        return found

    for p_spec in programs:
        p_ref = ref(p_spec["kode"], "program", p_spec["kode"])
        if p_ref is None:
            continue
        if p_ref.kode in existing:
            col.errors.append(_("Program %(k)s sudah ada di rencana OPD ini.") % {"k": p_ref.kode})
        existing.add(p_ref.kode)
        program = Program(
            pemda_id=opd.pemda_id,
            tahun_anggaran=ta,
            opd=opd,
            nomenklatur=p_ref,
            kode=p_ref.kode,
            nama=p_ref.nama,
        )
        col.check(program.kode, program)
        out_programs.append(program)
        out_ind += [
            _indikator(s, induk_field="program", induk=program, opd=opd, ta=ta)
            for s in p_spec.get("indikator", [])
        ]
        for k_spec in p_spec.get("kegiatan", []):
            k_ref = ref(k_spec["kode"], "kegiatan", k_spec["kode"])
            if k_ref is None:
                continue
            if k_ref.kode in seen_kegiatan:
                col.errors.append(_("Kegiatan %(k)s ganda dalam berkas.") % {"k": k_ref.kode})
                continue
            seen_kegiatan.add(k_ref.kode)
            kegiatan = Kegiatan(
                pemda_id=opd.pemda_id,
                program=program,
                nomenklatur=k_ref,
                kode=k_ref.kode,
                nama=k_ref.nama,
            )
            col.check(kegiatan.kode, kegiatan)
            out_kegiatan.append(kegiatan)
            out_ind += [
                _indikator(s, induk_field="kegiatan", induk=kegiatan, opd=opd, ta=ta)
                for s in k_spec.get("indikator", [])
            ]
            for s_spec in k_spec.get("sub_kegiatan", []):
                s_ref = ref(s_spec["kode"], "sub_kegiatan", s_spec["kode"])
                if s_ref is None:
                    continue
                fields = {
                    k: v for k, v in s_spec.items() if k not in {"kode", "rencana", "indikator"}
                }
                unknown = set(fields) - SUB_KEGIATAN_FIELDS
                if unknown:
                    col.errors.append(
                        f"{s_ref.kode}: "
                        + _("Kolom tidak dikenal: %(f)s.") % {"f": ", ".join(sorted(unknown))}
                    )
                    continue
                if s_ref.kode in seen_subs:
                    col.errors.append(
                        _("Sub kegiatan %(k)s ganda dalam berkas.") % {"k": s_ref.kode}
                    )
                    continue
                seen_subs.add(s_ref.kode)
                try:
                    for number in ("pagu_murni", "pagu_perubahan", "latitude", "longitude"):
                        if fields.get(number) is not None:
                            fields[number] = to_decimal(fields[number], label=number)
                except ValidationError as exc:
                    col.errors.extend(f"{s_ref.kode}: {m}" for m in error_messages(exc))
                    continue
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
                out_subs.append(sub)
                for tahap, rows in s_spec.get("rencana", {}).items():
                    out_rencana += _rencana(col, sub, tahap, rows)
                out_ind += [
                    _indikator(s, induk_field="sub_kegiatan", induk=sub, opd=opd, ta=ta)
                    for s in s_spec.get("indikator", [])
                ]
    for ind in out_ind:
        col.check(ind.nama[:60], ind)
    if col.errors:
        raise ValidationError(col.errors[:100])
    _write(out_programs, out_kegiatan, out_subs, out_rencana, out_ind)
    handoff.emit(topics.SUB_KEGIATAN_CHANGED, sub_ids=[s.pk for s in out_subs])
    handoff.emit(topics.INDIKATOR_CHANGED, indikator_ids=[i.pk for i in out_ind])
    result = PlanImportResult(
        len(out_programs), len(out_kegiatan), len(out_subs), len(out_rencana), len(out_ind)
    )
    pagu = sum((s.pagu_murni for s in out_subs), Decimal(0))
    audit_record(
        actor=actor,
        action="plan.import",
        obj=opd,
        pemda_id=opd.pemda_id,
        opd_id=opd.id,
        changes={"_summary": {"tahun": year, "pagu_murni": str(pagu), **result.__dict__}},
    )
    return result


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
