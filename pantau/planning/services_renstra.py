"""Writes of an OPD's Renstra data (decision 0038): the Renstra period, its sasaran, which sasaran
each program serves, and each program/kegiatan indicator's Renstra target (K, Rp) with its
realisation in the earlier years of the period. What Formulir E.81 needs beyond the yearly plan.

Every function is atomic and records its audit event in the same transaction; the people who
edit the plan (operator and head of the OPD, the pemda's admin) edit these too.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pantau.audit.services import audit_bulk, audit_record, diff, save_audited, snapshot
from pantau.core.bulk import insert_objects, insert_rows
from pantau.core.numbers import to_decimal
from pantau.organisations.models import Opd
from pantau.planning.models import (
    Indikator,
    PeriodeRenstra,
    Program,
    ProgramSasaran,
    RealisasiRenstra,
    Sasaran,
    TargetRenstra,
)
from pantau.planning.services_dokumen import EDITORS, role_for

K_PLACES = 4  # the indicator's own unit, as its yearly target (Indikator.target_tahunan)
RP_PLACES = 2


def _require(actor, opd: Opd) -> None:
    """actor None is the system (the demo, commands); a person edits as an editor of the plan,
    and a deactivated OPD keeps its Renstra as it was."""
    if actor is not None and role_for(actor, opd) not in EDITORS:
        raise PermissionDenied(_("Anda tidak berwenang mengubah data Renstra OPD ini."))
    if not Opd.objects.filter(pk=opd.pk, aktif=True).exists():
        raise ValidationError(_("Data Renstra ini tidak dapat diubah: OPD-nya sudah tidak aktif."))


def _places(number: Decimal) -> int:
    """How many decimals the number needs (1,50 needs one; never raises on large numbers)."""
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def read_k(value, *, label: str) -> Decimal:
    """A K value (target or realisation in the indicator's unit): ≥ 0, at most 4 decimals."""
    number = to_decimal(value, label=label)
    if number < 0:
        raise ValidationError(_("%(label)s tidak boleh negatif.") % {"label": label})
    if _places(number) > K_PLACES:
        raise ValidationError(
            _("%(label)s: paling banyak 4 angka di belakang koma.") % {"label": label}
        )
    return number


def read_rp(value, *, label: str) -> Decimal | None:
    """An Rp value: empty is "not stated" (None); else ≥ 0 with at most 2 decimals (sen)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = to_decimal(value, label=label)
    if number < 0:
        raise ValidationError(_("%(label)s tidak boleh negatif.") % {"label": label})
    if _places(number) > RP_PLACES:
        raise ValidationError(
            _("%(label)s: rupiah paling banyak 2 angka di belakang koma (sen).") % {"label": label}
        )
    return number


# ---------------------------------------------------------------- the period


def _period_keeps_its_data(periode: PeriodeRenstra, awal: int, akhir: int) -> list[str]:
    """Why the period cannot take these years: targets of plan years, sasaran of programs or
    realisations of years that would fall outside it."""
    errors = []
    years = set(
        TargetRenstra.objects.filter(periode=periode).values_list(
            "indikator__tahun_anggaran__tahun", flat=True
        )
    ) | set(
        ProgramSasaran.objects.filter(sasaran__periode=periode).values_list(
            "program__tahun_anggaran__tahun", flat=True
        )
    )
    outside = sorted(y for y in years if not awal <= y <= akhir)
    if outside:
        errors.append(
            _("Tahun rencana %(t)s sudah memakai periode ini; periode harus tetap mencakupnya.")
            % {"t": ", ".join(str(y) for y in outside)}
        )
    early = RealisasiRenstra.objects.filter(
        indikator__target_renstra__periode=periode, tahun__lt=awal
    ).exists()
    if early:
        errors.append(_("Ada realisasi tahun sebelum tahun awal yang baru; hapus dulu."))
    return errors


@transaction.atomic
def periode_renstra_create(*, actor, opd: Opd, tahun_awal: int, tahun_akhir: int) -> PeriodeRenstra:
    _require(actor, opd)
    periode = PeriodeRenstra(
        pemda_id=opd.pemda_id, opd=opd, tahun_awal=tahun_awal, tahun_akhir=tahun_akhir
    )
    return save_audited(actor=actor, obj=periode, action="periode_renstra.create")


@transaction.atomic
def periode_renstra_update(
    *, actor, periode: PeriodeRenstra, tahun_awal: int, tahun_akhir: int
) -> PeriodeRenstra:
    periode = (
        PeriodeRenstra.objects.select_for_update(of=("self",))
        .select_related("opd")
        .get(pk=periode.pk)
    )
    _require(actor, periode.opd)
    errors = _period_keeps_its_data(periode, tahun_awal, tahun_akhir)
    if errors:
        raise ValidationError(errors)
    before = snapshot(periode)
    periode.tahun_awal, periode.tahun_akhir = tahun_awal, tahun_akhir
    return save_audited(actor=actor, obj=periode, action="periode_renstra.update", before=before)


def periode_for_year(*, opd_id: int, tahun: int) -> PeriodeRenstra | None:
    """The OPD's Renstra period that contains the year (periods never overlap)."""
    return PeriodeRenstra.objects.filter(
        opd_id=opd_id, tahun_awal__lte=tahun, tahun_akhir__gte=tahun
    ).first()


# ---------------------------------------------------------------- sasaran


def _sasaran_fields(kode: str, uraian: str, indikator: str) -> dict:
    fields = {"kode": kode.strip(), "uraian": " ".join(uraian.split()), "indikator": indikator}
    fields["indikator"] = " ".join(indikator.split())
    if not fields["kode"]:
        raise ValidationError(_("Kode sasaran wajib diisi."))
    if not fields["uraian"]:
        raise ValidationError(_("Uraian sasaran wajib diisi."))
    return fields


@transaction.atomic
def sasaran_create(
    *, actor, periode: PeriodeRenstra, kode: str, uraian: str, indikator: str = ""
) -> Sasaran:
    _require(actor, periode.opd)
    sasaran = Sasaran(
        pemda_id=periode.pemda_id, periode=periode, **_sasaran_fields(kode, uraian, indikator)
    )
    return save_audited(actor=actor, obj=sasaran, action="sasaran.create")


@transaction.atomic
def sasaran_update(
    *, actor, sasaran: Sasaran, kode: str, uraian: str, indikator: str = ""
) -> Sasaran:
    sasaran = (
        Sasaran.objects.select_for_update(of=("self",))
        .select_related("periode__opd")
        .get(pk=sasaran.pk)
    )
    _require(actor, sasaran.periode.opd)
    before = snapshot(sasaran)
    for name, value in _sasaran_fields(kode, uraian, indikator).items():
        setattr(sasaran, name, value)
    return save_audited(actor=actor, obj=sasaran, action="sasaran.update", before=before)


@transaction.atomic
def sasaran_set_many(*, actor, periode: PeriodeRenstra, values: dict) -> dict[str, Sasaran]:
    """`sasaran_create` or `sasaran_update` for many sasaran of one period at once (`values`:
    kode -> (uraian, indikator)): the same fields, rules and one audit event per new or changed
    sasaran (none for an unchanged one), the period's sasaran locked and read once, the new ones
    inserted together. Returns every sasaran of the period by kode."""
    _require(actor, periode.opd)
    stored = {
        s.kode: s for s in Sasaran.objects.select_for_update(of=("self",)).filter(periode=periode)
    }
    made, changed = [], []
    for kode, (uraian, indikator) in sorted(values.items()):
        fields = _sasaran_fields(kode, uraian, indikator)
        sasaran = stored.get(fields["kode"])
        if sasaran is None:
            sasaran = Sasaran(pemda_id=periode.pemda_id, periode=periode, **fields)
            # the unique kode by the mapping (stored and given sasaran are keyed by it)
            sasaran.full_clean(validate_unique=False, validate_constraints=False)
            stored[sasaran.kode] = sasaran
            made.append(sasaran)
            continue
        if sasaran.pk is None:  # two codes of the file that are one once trimmed
            raise ValidationError(_("Kode sasaran ini sudah ada di periode Renstra ini."))
        before = snapshot(sasaran)
        for name, value in fields.items():
            setattr(sasaran, name, value)
        changes = diff(before, snapshot(sasaran))
        if changes:
            sasaran.full_clean(validate_unique=False, validate_constraints=False)
            sasaran.save()
            changed.append((sasaran, changes))
    insert_objects(Sasaran, made)
    for action, rows in (
        ("sasaran.create", [(s, diff(None, snapshot(s))) for s in made]),
        ("sasaran.update", changed),
    ):
        if rows:
            audit_bulk(
                actor=actor,
                action=action,
                entries=[
                    (s._meta.label_lower, s.pk, str(s), s.pemda_id, None, changes)
                    for s, changes in rows
                ],
            )
    return stored


@transaction.atomic
def sasaran_delete(*, actor, sasaran: Sasaran) -> None:
    sasaran = (
        Sasaran.objects.select_for_update(of=("self",))
        .select_related("periode__opd")
        .get(pk=sasaran.pk)
    )
    _require(actor, sasaran.periode.opd)
    used = sorted(
        ProgramSasaran.objects.filter(sasaran=sasaran).values_list("program__kode", flat=True)
    )
    if used:
        raise ValidationError(
            _("Sasaran %(s)s masih dilayani program %(p)s; lepaskan dulu dari program itu.")
            % {"s": sasaran.kode, "p": ", ".join(sorted(set(used)))}
        )
    audit_record(actor=actor, action="sasaran.delete", obj=sasaran, changes=snapshot(sasaran))
    sasaran.delete()


@transaction.atomic
def program_sasaran_set(*, actor, program: Program, sasaran: list[Sasaran]) -> list[Sasaran]:
    """Replace the sasaran the program serves (none, one or several) with `sasaran`, each a
    sasaran of the OPD's Renstra period that contains the program's year."""
    program = (
        Program.objects.select_for_update(of=("self",))
        .select_related("opd", "tahun_anggaran")
        .get(pk=program.pk)
    )
    _require(actor, program.opd)
    if len({s.pk for s in sasaran}) != len(sasaran):
        raise ValidationError(_("Setiap sasaran hanya boleh dipilih sekali."))
    periode = periode_for_year(opd_id=program.opd_id, tahun=program.tahun_anggaran.tahun)
    if sasaran and periode is None:
        raise ValidationError(
            _("Tetapkan dulu periode Renstra OPD yang mencakup tahun %(t)s.")
            % {"t": program.tahun_anggaran.tahun}
        )
    links = [ProgramSasaran(pemda_id=program.pemda_id, program=program, sasaran=s) for s in sasaran]
    for link in links:
        link.full_clean(validate_unique=False, validate_constraints=False)
    old = sorted(
        ProgramSasaran.objects.filter(program=program).values_list("sasaran__kode", flat=True)
    )
    new = sorted(s.kode for s in sasaran)
    if old == new:
        return sasaran
    ProgramSasaran.objects.filter(program=program).delete()
    ProgramSasaran.objects.bulk_create(links)
    audit_record(
        actor=actor, action="program_sasaran.set", obj=program, changes={"sasaran": [old, new]}
    )
    return sasaran


# ---------------------------------------------------------------- targets and earlier years


def renstra_indikator_problems(
    *, indikator: Indikator, periode: PeriodeRenstra | None, tahun_realisasi: list[int]
) -> list[str]:
    """The rules of where a Renstra target and its earlier years may be stored, without
    writing: a program or kegiatan indicator, a period containing the plan year, realisation
    years from the period's first year up to the year before the plan year."""
    tahun = indikator.tahun_anggaran.tahun
    if indikator.sub_kegiatan_id:
        return [_("Target Renstra dicatat pada indikator program atau kegiatan.")]
    if periode is None:
        return [_("Tetapkan dulu periode Renstra OPD yang mencakup tahun %(t)s.") % {"t": tahun}]
    errors = []
    for year in sorted(tahun_realisasi):
        if not periode.tahun_awal <= year < tahun:
            errors.append(
                _(
                    "Realisasi tahun %(y)s tidak dapat dicatat: tahun lalu yang dihitung adalah "
                    "%(a)s sampai %(b)s (dalam periode Renstra, sebelum tahun %(t)s)."
                )
                % {"y": year, "a": periode.tahun_awal, "b": tahun - 1, "t": tahun}
                if periode.tahun_awal < tahun
                else _(
                    "Realisasi tahun %(y)s tidak dapat dicatat: %(t)s adalah tahun pertama "
                    "periode Renstra, belum ada tahun lalu di periode ini."
                )
                % {"y": year, "t": tahun}
            )
    return errors


@transaction.atomic
def renstra_indikator_set(
    *,
    actor,
    indikator: Indikator,
    target_k,
    target_rp=None,
    realisasi: dict[int, tuple] | None = None,
) -> TargetRenstra | None:
    """Set the Renstra target of an indicator (K in its unit, Rp) and its realisation in the
    earlier years of the period (`realisasi`: year -> (K, Rp); a year with an empty K is
    removed). An empty target K with no earlier years removes the target. One audit event."""
    ind = (
        Indikator.objects.select_for_update(of=("self",))
        .select_related("opd", "tahun_anggaran")
        .get(pk=indikator.pk)
    )
    _require(actor, ind.opd)
    periode = periode_for_year(opd_id=ind.opd_id, tahun=ind.tahun_anggaran.tahun)
    target, parsed = _parse_indikator(ind, periode, target_k, target_rp, realisasi)
    stored = TargetRenstra.objects.filter(indikator=ind).first()
    old_years = {r.tahun: r for r in RealisasiRenstra.objects.filter(indikator=ind)}
    changes = _indikator_changes(stored, old_years, target, parsed)
    if not changes:
        return stored
    writes = _Writes()
    stored = writes.indikator(ind, periode, stored, old_years, target, parsed)
    writes.run()
    audit_record(actor=actor, action="target_renstra.set", obj=ind, changes=changes)
    return stored


def _parse_indikator(ind: Indikator, periode, target_k, target_rp, realisasi) -> tuple:
    """(target (K, Rp) or None to remove it, {year: (K, Rp)}) of one indicator, or the
    ValidationError of the rules: where a target may be stored, the numbers."""
    realisasi = realisasi or {}
    wanted = {y: v for y, v in realisasi.items() if not (v[0] in (None, "") and v[1] in (None, ""))}
    errors = renstra_indikator_problems(
        indikator=ind, periode=periode, tahun_realisasi=list(wanted)
    )
    if errors:
        raise ValidationError(errors)
    clear = target_k in (None, "") and target_rp in (None, "") and not wanted
    parsed_target = None
    if not clear:
        parsed_target = (
            read_k(target_k, label=_("Target Renstra (K)")),
            read_rp(target_rp, label=_("Target Renstra (Rp)")),
        )
    parsed = {
        y: (
            read_k(k, label=_("Realisasi %(t)s (K)") % {"t": y}),
            read_rp(rp, label=_("Realisasi %(t)s (Rp)") % {"t": y}),
        )
        for y, (k, rp) in sorted(wanted.items())
    }
    return parsed_target, parsed


def _indikator_changes(stored, old_years: dict, target, parsed: dict) -> dict[str, list]:
    """The audit changes of setting (target, parsed) over what is stored; empty: nothing to
    write."""
    changes: dict[str, list] = {}

    def text(v: Decimal) -> str:
        return format(v.normalize(), "f")

    def pair(k, rp):
        return None if k is None else [text(k), None if rp is None else text(rp)]

    old_t = pair(stored.target_k, stored.target_rp) if stored else None
    new_t = pair(*target) if target else None
    if old_t != new_t:
        changes["target"] = [old_t, new_t]
    for year in sorted(set(old_years) | set(parsed)):
        old = old_years.get(year)
        before = pair(old.realisasi_k, old.realisasi_rp) if old else None
        after = pair(*parsed[year]) if year in parsed else None
        if before != after:
            changes[f"realisasi_{year}"] = [before, after]
    return changes


class _Writes:
    """The rows that setting Renstra targets writes, collected and then written together:
    one indicator (the service above) or every indicator of a plan file's OPD (the import) give
    the same rows. New rows are inserted at once; changed ones saved; the removed deleted.
    Every row is checked as `full_clean` would check it: its fields (digits, places) here, the
    references by construction (the locked indicator, its own target, the period of its OPD
    and year), the unique year by the mapping it comes from, the signs by `read_k`/`read_rp`."""

    _REFS = ("pemda", "indikator", "periode")

    def __init__(self) -> None:
        self.new_targets: list[TargetRenstra] = []
        self.new_years: list[RealisasiRenstra] = []
        self.saved: list = []
        self.removed_targets: list[int] = []
        self.removed_years: list[int] = []

    def indikator(self, ind, periode, stored, old_years: dict, target, parsed: dict):
        if target is None:
            self.removed_years += [r.pk for r in old_years.values()]
            if stored:
                self.removed_targets.append(stored.pk)
            return None
        fresh = stored is None
        stored = stored or TargetRenstra(pemda_id=ind.pemda_id, indikator=ind)
        stored.periode, stored.target_k, stored.target_rp = periode, *target
        stored.clean_fields(exclude=self._REFS)
        (self.new_targets if fresh else self.saved).append(stored)
        self.removed_years += [r.pk for y, r in old_years.items() if y not in parsed]
        for year, (k, rp) in parsed.items():
            row = old_years.get(year)
            if row is not None and (row.realisasi_k, row.realisasi_rp) == (k, rp):
                continue
            fresh = row is None
            row = row or RealisasiRenstra(pemda_id=ind.pemda_id, indikator=ind, tahun=year)
            row.realisasi_k, row.realisasi_rp = k, rp
            row.clean_fields(exclude=self._REFS)
            (self.new_years if fresh else self.saved).append(row)
        return stored

    def run(self) -> None:
        if self.removed_years:
            RealisasiRenstra.objects.filter(pk__in=self.removed_years).delete()
        if self.removed_targets:
            TargetRenstra.objects.filter(pk__in=self.removed_targets).delete()
        for obj in self.saved:
            obj.save()
        insert_objects(TargetRenstra, self.new_targets)  # the service returns the target
        insert_rows(RealisasiRenstra, self.new_years)


def renstra_snapshot(indikator: Indikator) -> dict | None:
    """The Renstra target and earlier years of an indicator as audit values, or None: what an
    indicator's deletion removes with it (`services_hapus.indikator_delete` records it)."""
    stored = TargetRenstra.objects.filter(indikator=indikator).first()
    if stored is None:
        return None
    years = RealisasiRenstra.objects.filter(indikator=indikator).order_by("tahun")
    return {
        "target": [
            str(stored.target_k),
            None if stored.target_rp is None else str(stored.target_rp),
        ],
        "realisasi": {
            str(r.tahun): [
                str(r.realisasi_k),
                None if r.realisasi_rp is None else str(r.realisasi_rp),
            ]
            for r in years
        },
    }


# ---------------------------------------------------------------- the plan workbook's Renstra sheets


@transaction.atomic
def renstra_import(*, actor, tahun_anggaran, opd: Opd, spec: dict) -> dict[str, int]:
    """Write the Renstra sheets of a plan file for one OPD (`workbook_renstra.RenstraReader`
    checked them cell by cell) through the services above, after the plan itself: the period
    containing the year, sasaran by code, the sasaran of each listed program, and per listed
    indicator its target and earlier years (years not in the file are kept). The same file
    twice changes nothing; any refusal undoes the whole file."""
    from pantau.planning.models import TahunAnggaran

    ta: TahunAnggaran = tahun_anggaran
    counts = {"sasaran": 0, "program": 0, "indikator": 0}
    periode = periode_for_year(opd_id=opd.pk, tahun=ta.tahun)
    if spec.get("periode"):
        awal, akhir = spec["periode"]
        if periode is None:
            periode = periode_renstra_create(
                actor=actor, opd=opd, tahun_awal=awal, tahun_akhir=akhir
            )
        elif (periode.tahun_awal, periode.tahun_akhir) != (awal, akhir):
            periode = periode_renstra_update(
                actor=actor, periode=periode, tahun_awal=awal, tahun_akhir=akhir
            )
    rest = spec.get("sasaran") or spec.get("program_sasaran") or spec.get("target")
    if periode is None:
        if rest or spec.get("realisasi"):
            raise ValidationError(
                _("Tetapkan dulu periode Renstra OPD yang mencakup tahun %(t)s.") % {"t": ta.tahun}
            )
        return counts
    listed = spec.get("sasaran", {})
    stored = sasaran_set_many(actor=actor, periode=periode, values=listed)
    counts["sasaran"] += len(listed)
    _import_program_sasaran(actor, ta, opd, spec, stored, counts)
    _import_indicators(actor, ta, opd, spec, counts)
    audit_record(
        actor=actor,
        action="renstra.import",
        obj=opd,
        changes={"_summary": {"tahun": ta.tahun, **counts}},
    )
    return counts


def _import_program_sasaran(actor, ta, opd: Opd, spec, sasaran: dict, counts) -> None:
    listed = sorted(spec.get("program_sasaran", {}).items())
    if not listed:
        return
    programs = dict(Program.objects.filter(tahun_anggaran=ta, opd=opd).values_list("kode", "pk"))
    program_sasaran_set_many(
        actor=actor,
        opd=opd,
        tahun_anggaran=ta,
        links={programs[kode]: [sasaran[k] for k in wanted] for kode, wanted in listed},
    )
    counts["program"] += len(listed)


def _import_indicators(actor, ta, opd: Opd, spec: dict, counts: dict) -> None:
    """Every listed indicator's target and earlier years; a target not in the file keeps the
    stored one, earlier years not in the file are kept (`renstra_indikator_set_many`'s
    `merge`)."""
    targets, years = spec.get("target", {}), spec.get("realisasi", {})
    if not targets and not years:
        return
    found = {}
    for pk, program_kode, kegiatan_kode, nama in Indikator.objects.filter(
        tahun_anggaran=ta, opd=opd, sub_kegiatan__isnull=True
    ).values_list("pk", "program__kode", "kegiatan__kode", "nama"):
        key = ("program", program_kode, nama) if program_kode else ("kegiatan", kegiatan_kode, nama)
        found.setdefault(key, pk)
    values = {}
    for key in sorted(set(targets) | set(years)):
        target = targets.get(key) or (None, None)
        values[found[key]] = (target[0], target[1], years.get(key, {}))
    counts["indikator"] += renstra_indikator_set_many(
        actor=actor, opd=opd, tahun_anggaran=ta, values=values, merge=True
    )


# ---------------------------------------------------------------- many at once (imports, the demo)


@transaction.atomic
def program_sasaran_set_many(*, actor, opd: Opd, tahun_anggaran, links: dict) -> int:
    """`program_sasaran_set` for many programs of one OPD and year at once (`links`: program id
    -> its sasaran): the same rules, rows and one audit event per changed program, the
    programs locked and their links read once, the changed links written together; any refusal
    undoes them all. Returns how many programs were set."""
    ta = tahun_anggaran
    _require(actor, opd)
    programs = {
        p.pk: p
        for p in Program.objects.select_for_update(of=("self",)).filter(
            pk__in=list(links), tahun_anggaran=ta, opd=opd
        )
    }
    if len(programs) != len(links):
        raise ValidationError(_("Program ini bukan program OPD dan tahun rencana ini."))
    periode = periode_for_year(opd_id=opd.pk, tahun=ta.tahun)
    old: dict[int, list[str]] = {}
    for program_id, kode in ProgramSasaran.objects.filter(program_id__in=list(links)).values_list(
        "program_id", "sasaran__kode"
    ):
        old.setdefault(program_id, []).append(kode)
    made, changed, entries = [], [], []
    for program_id in sorted(links, key=lambda pk: programs[pk].kode):
        program, chosen = programs[program_id], list(links[program_id])
        program.tahun_anggaran, program.opd = ta, opd
        if len({s.pk for s in chosen}) != len(chosen):
            raise ValidationError(_("Setiap sasaran hanya boleh dipilih sekali."))
        if chosen and periode is None:
            raise ValidationError(
                _("Tetapkan dulu periode Renstra OPD yang mencakup tahun %(t)s.") % {"t": ta.tahun}
            )
        mine = []
        for s in chosen:
            if periode is not None and s.periode_id == periode.pk:
                s.periode = periode  # the same row: its rule below reads it without a query
            link = ProgramSasaran(pemda_id=program.pemda_id, program=program, sasaran=s)
            link.full_clean(validate_unique=False, validate_constraints=False, exclude=_LINK_REFS)
            mine.append(link)
        before, after = sorted(old.get(program.pk, [])), sorted(s.kode for s in chosen)
        if before == after:
            continue
        made += mine
        changed.append(program.pk)
        entries.append(
            (
                program._meta.label_lower,
                program.pk,
                str(program),
                program.pemda_id,
                program.opd_id,
                {"sasaran": [before, after]},
            )
        )
    if changed:
        ProgramSasaran.objects.filter(program_id__in=changed).delete()
        ProgramSasaran.objects.bulk_create(made, batch_size=500)
        audit_bulk(actor=actor, action="program_sasaran.set", entries=entries)
    return len(links)


# the references of a link set many at once: the locked program, the sasaran given (whose
# period and year `ProgramSasaran.clean` still checks)
_LINK_REFS = ("pemda", "program", "sasaran")


@transaction.atomic
def renstra_indikator_set_many(
    *, actor, opd: Opd, tahun_anggaran, values: dict, merge: bool = False
) -> int:
    """`renstra_indikator_set` for many indicators of one OPD and year at once (`values`:
    indicator id -> (target K, target Rp, {year: (K, Rp)})): the same rules, rows and one audit
    event per changed indicator, the indicators locked and read once, the rows written
    together; any refusal undoes them all. Returns how many indicators were set.

    `merge` (a plan file's Renstra sheets): a target given as (None, None) keeps the stored
    one, and the stored years not given are kept."""
    ta = tahun_anggaran
    _require(actor, opd)
    found = {
        ind.pk: ind
        for ind in Indikator.objects.select_for_update(of=("self",))
        .filter(pk__in=list(values), tahun_anggaran=ta, opd=opd)
        .select_related("target_renstra")
        .prefetch_related("realisasi_renstra")
    }
    if len(found) != len(values):
        raise ValidationError(_("Indikator ini bukan indikator OPD dan tahun rencana ini."))
    periode = periode_for_year(opd_id=opd.pk, tahun=ta.tahun)
    writes, entries = _Writes(), []
    for pk in sorted(values):
        ind = found[pk]
        ind.tahun_anggaran = ta
        target_k, target_rp, realisasi = values[pk]
        stored = getattr(ind, "target_renstra", None)
        old_years = {r.tahun: r for r in ind.realisasi_renstra.all()}
        if merge:
            if (target_k, target_rp) == (None, None) and stored is not None:
                target_k, target_rp = stored.target_k, stored.target_rp
            realisasi = {
                **{y: (r.realisasi_k, r.realisasi_rp) for y, r in old_years.items()},
                **realisasi,
            }
        target, parsed = _parse_indikator(ind, periode, target_k, target_rp, realisasi)
        changes = _indikator_changes(stored, old_years, target, parsed)
        if not changes:
            continue
        writes.indikator(ind, periode, stored, old_years, target, parsed)
        entries.append((ind._meta.label_lower, ind.pk, str(ind), ind.pemda_id, ind.opd_id, changes))
    writes.run()
    if entries:
        audit_bulk(actor=actor, action="target_renstra.set", entries=entries)
    return len(values)
