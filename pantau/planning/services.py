"""Writes of the plan: nomenclature, fiscal years, plan tree, budgets, monthly plans, indicators.

Every function is atomic and records audit events in the same transaction.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from pantau.audit.services import audit_record, save_audited, snapshot
from pantau.core import handoff
from pantau.core.numbers import format_rupiah, to_decimal
from pantau.organisations.codes import normalise_nip
from pantau.organisations.models import Opd, Pemda
from pantau.planning import codes, topics
from pantau.planning.choices import JenisIndikator, TahapAnggaran
from pantau.planning.guard import plan_write_guard
from pantau.planning.models import (
    HUNDRED,
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

# ---------------------------------------------------------------- reference data


@dataclass
class NomenklaturLoadResult:
    tahun: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)


def _read_nomenklatur(path: Path) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    errors: list[str] = []
    with Path(path).open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        if not {"kode", "nomenklatur", "tingkat"} <= set(reader.fieldnames or []):
            raise ValidationError(
                _("Berkas nomenklatur harus memuat kolom kode, nomenklatur, tingkat.")
            )
        for number, row in enumerate(reader, start=2):
            kode = codes.normalise(row["kode"] or "")
            tingkat = (row["tingkat"] or "").strip()
            nama = " ".join((row["nomenklatur"] or "").split())
            if tingkat not in codes.PATTERNS:
                errors.append(
                    _("Baris %(n)d: tingkat '%(t)s' tidak dikenal.") % {"n": number, "t": tingkat}
                )
                continue
            try:
                codes.validate(kode, tingkat)
            except ValidationError as exc:
                errors.append(_("Baris %(n)d: %(m)s") % {"n": number, "m": exc.messages[0]})
                continue
            if not nama:
                errors.append(_("Baris %(n)d: nama kosong.") % {"n": number})
            rows.append((kode, tingkat, nama))
    if errors:
        raise ValidationError(errors[:50])
    return rows


@transaction.atomic
def nomenklatur_load(*, actor, path: Path, tahun: int, sumber: str = "") -> NomenklaturLoadResult:
    """Load the nomenclature of one fiscal year from a CSV (kode, nomenklatur, tingkat).

    Codes are normalised (`1.01.01.02.01` -> `1.01.01.2.01`) and validated; one invalid row
    and nothing is written. Re-loading updates changed names and keeps everything else.
    """
    rows = _read_nomenklatur(path)
    result = NomenklaturLoadResult(tahun=tahun)
    known = {kode for kode, _t, _n in rows}
    for kode, _t, _n in rows:
        parent = codes.parent(kode)
        if parent and parent not in known:
            result.warnings.append(
                _("%(k)s: induk %(p)s tidak ada di berkas.") % {"k": kode, "p": parent}
            )
    existing = {n.kode: n for n in Nomenklatur.objects.filter(tahun=tahun)}
    new: list[Nomenklatur] = []
    changed: list[Nomenklatur] = []
    for kode, tingkat, nama in rows:
        obj = existing.get(kode)
        if obj is None:
            new.append(
                Nomenklatur(tahun=tahun, kode=kode, tingkat=tingkat, nama=nama, sumber=sumber)
            )
        elif obj.nama != nama or obj.tingkat != tingkat:
            obj.nama, obj.tingkat = nama, tingkat
            changed.append(obj)
        else:
            result.unchanged += 1
    Nomenklatur.objects.bulk_create(new, batch_size=1000)
    Nomenklatur.objects.bulk_update(changed, ["nama", "tingkat"], batch_size=1000)
    result.created, result.updated = len(new), len(changed)
    audit_record(
        actor=actor,
        action="nomenklatur.load",
        object_type="planning.nomenklatur",
        object_id=str(tahun),
        object_repr=f"Nomenklatur {tahun}",
        changes={
            "_summary": {
                "sumber": sumber,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "updated_codes": [o.kode for o in changed][:200],
            }
        },
    )
    return result


@transaction.atomic
def sumber_dana_create(*, actor, kode: str, nama: str) -> SumberDana:
    return save_audited(
        actor=actor, obj=SumberDana(kode=kode, nama=nama), action="sumber_dana.create"
    )


# ---------------------------------------------------------------- fiscal years


@transaction.atomic
def tahun_anggaran_create(*, actor, pemda: Pemda, tahun: int) -> TahunAnggaran:
    ta = TahunAnggaran(pemda=pemda, tahun=tahun)
    return save_audited(actor=actor, obj=ta, action="tahun_anggaran.create")


@transaction.atomic
def tahun_anggaran_set_tahap(
    *, actor, tahun_anggaran: TahunAnggaran, tahap: str, tanggal=None
) -> TahunAnggaran:
    """Switch the budget version in force (murni -> perubahan after the APBD-P is enacted).

    An enacted APBD-P is always accepted: sub kegiatan whose realisation already exceeds their
    new pagu are flagged for correction in the roll-ups (`melebihi_pagu`, listed on the
    dashboard) and named in the audit event; the rest of the pemda carries on. Months before
    the enactment keep the murni pagu and cash plan (`evaluation.rollup.tahap_pada`). Both are
    the answers of the layers above to the hand-off `planning.tahap_changed`."""
    ta = TahunAnggaran.objects.select_for_update(of=("self",)).get(pk=tahun_anggaran.pk)
    if tahap == TahapAnggaran.PERUBAHAN and tanggal is None:
        raise ValidationError(_("Tanggal penetapan APBD perubahan wajib diisi."))
    if tahap == TahapAnggaran.PERUBAHAN and tanggal.year != ta.tahun:
        raise ValidationError(
            _("Tanggal penetapan APBD perubahan harus jatuh pada tahun anggaran %(t)s.")
            % {"t": ta.tahun}
        )
    before = snapshot(ta)
    ta.tahap = tahap
    ta.tanggal_perubahan = tanggal if tahap == TahapAnggaran.PERUBAHAN else None
    save_audited(actor=actor, obj=ta, action="tahun_anggaran.set_tahap", before=before)
    handoff.emit(topics.TAHAP_CHANGED, actor=actor, tahun_anggaran=ta)
    return ta


# ---------------------------------------------------------------- plan tree


def _nomenklatur_for(kode: str, tingkat: str, tahun: int) -> Nomenklatur:
    kode = codes.normalise(kode)
    codes.validate(kode, tingkat)
    nomen = Nomenklatur.objects.filter(tahun=tahun, kode=kode, tingkat=tingkat).first()
    if nomen is None:
        raise ValidationError(
            _("Kode %(kode)s tidak ada dalam nomenklatur tahun %(tahun)d.")
            % {"kode": kode, "tahun": tahun}
        )
    return nomen


def _check_same_pemda(*objs) -> None:
    pemdas = {o.pemda_id for o in objs}
    if len(pemdas) > 1:
        raise ValidationError(_("Data yang dirujuk berasal dari pemda yang berbeda."))


@transaction.atomic
def program_create(*, actor, tahun_anggaran: TahunAnggaran, opd: Opd, kode: str) -> Program:
    _check_same_pemda(tahun_anggaran, opd)
    plan_write_guard(opd_id=opd.pk, tahun_anggaran_id=tahun_anggaran.pk)
    nomen = _nomenklatur_for(kode, "program", tahun_anggaran.tahun)
    program = Program(
        pemda_id=opd.pemda_id,
        tahun_anggaran=tahun_anggaran,
        opd=opd,
        nomenklatur=nomen,
        kode=nomen.kode,
        nama=nomen.nama,
    )
    return save_audited(actor=actor, obj=program, action="program.create")


@transaction.atomic
def kegiatan_create(*, actor, program: Program, kode: str) -> Kegiatan:
    plan_write_guard(opd_id=program.opd_id, tahun_anggaran_id=program.tahun_anggaran_id)
    kode = codes.normalise(kode)
    codes.validate_child(kode, "kegiatan", program.kode)
    nomen = _nomenklatur_for(kode, "kegiatan", program.tahun_anggaran.tahun)
    kegiatan = Kegiatan(
        pemda_id=program.pemda_id,
        program=program,
        nomenklatur=nomen,
        kode=nomen.kode,
        nama=nomen.nama,
    )
    return save_audited(actor=actor, obj=kegiatan, action="kegiatan.create")


SUB_KEGIATAN_FIELDS = {
    "pagu_murni",
    "pagu_perubahan",
    "sumber_dana",
    "kecamatan",
    "desa",
    "latitude",
    "longitude",
    "pptk_nama",
    "pptk_nip",
}
MONEY_FIELDS = {"pagu_murni", "pagu_perubahan"}


def _apply_sub_fields(sub: SubKegiatan, fields: dict) -> None:
    unknown = set(fields) - SUB_KEGIATAN_FIELDS
    if unknown:
        raise ValidationError(_("Kolom tidak dikenal: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    for name, value in fields.items():
        if name in MONEY_FIELDS and value is not None:
            value = to_decimal(value, label=str(SubKegiatan._meta.get_field(name).verbose_name))
        if name in {"latitude", "longitude"} and value is not None:
            value = to_decimal(value, label=name)
        if name == "pptk_nip" and value:
            value = normalise_nip(value)  # as grouped on paper: its 18 digits
        setattr(sub, name, value)


@transaction.atomic
def sub_kegiatan_create(
    *, actor, kegiatan: Kegiatan, kode: str, pagu_murni, **fields
) -> SubKegiatan:
    program = kegiatan.program
    plan_write_guard(opd_id=program.opd_id, tahun_anggaran_id=program.tahun_anggaran_id)
    kode = codes.normalise(kode)
    codes.validate_child(kode, "sub_kegiatan", kegiatan.kode)
    nomen = _nomenklatur_for(kode, "sub_kegiatan", program.tahun_anggaran.tahun)
    sub = SubKegiatan(
        pemda_id=kegiatan.pemda_id,
        kegiatan=kegiatan,
        opd_id=program.opd_id,
        tahun_anggaran=program.tahun_anggaran,
        nomenklatur=nomen,
        kode=nomen.kode,
        nama=nomen.nama,
    )
    _apply_sub_fields(sub, {"pagu_murni": pagu_murni, **fields})
    save_audited(actor=actor, obj=sub, action="sub_kegiatan.create")
    handoff.emit(topics.SUB_KEGIATAN_CHANGED, sub_ids=[sub.pk])
    return sub


@transaction.atomic
def sub_kegiatan_update(
    *,
    actor,
    sub_kegiatan: SubKegiatan,
    rencana: dict[str, list] | None = None,
    sumber: dict[str, list] | None = None,
    **fields,
) -> SubKegiatan:
    """Change a sub kegiatan; a changed pagu may come with its new monthly plans (`rencana`,
    version -> 12 rows) and funding sources (`sumber`, version -> [(SumberDana, jumlah)]).
    Afterwards the budget must still hold together: realisation within the pagu in force and
    every stored plan and set of funding sources summing to its version's pagu."""
    sub = (
        SubKegiatan.objects.select_for_update(of=("self",))
        .select_related("kegiatan__program", "tahun_anggaran")
        .get(pk=sub_kegiatan.pk)
    )
    plan_write_guard(opd_id=sub.opd_id, tahun_anggaran_id=sub.tahun_anggaran_id)
    before = snapshot(sub)
    _apply_sub_fields(sub, fields)
    save_audited(actor=actor, obj=sub, action="sub_kegiatan.update", before=before)
    for tahap, rows in (rencana or {}).items():
        rencana_set(actor=actor, sub_kegiatan=sub, tahap=tahap, rows=rows)
    for tahap, rows in (sumber or {}).items():
        sumber_dana_rinci_set(actor=actor, sub_kegiatan=sub, tahap=tahap, rows=rows)
    sub.refresh_from_db()
    errors = budget_consistency_errors(sub)
    if errors:
        raise ValidationError(errors)
    handoff.emit(topics.SUB_KEGIATAN_CHANGED, sub_ids=[sub.pk])
    return sub


def budget_consistency_errors(sub: SubKegiatan) -> list[str]:
    """Why the sub kegiatan's budget cannot be kept: the layers above answer for what they hold
    (monitoring: realised beyond the pagu), planning for its cash plans."""
    errors = handoff.collect(topics.BUDGET_CHECK, sub_kegiatan=sub)
    checks = (
        (
            RencanaBulanan.objects.filter(sub_kegiatan=sub),
            "anggaran_kas",
            _(
                "Rencana kas versi %(v)s berjumlah Rp %(t)s, tidak sama dengan pagunya (Rp %(p)s); "
                "kirim rencana kas baru bersama perubahan pagu."
            ),
        ),
        (
            SumberDanaSubKegiatan.objects.filter(sub_kegiatan=sub),
            "jumlah",
            _(
                "Sumber dana versi %(v)s berjumlah Rp %(t)s, tidak sama dengan pagunya "
                "(Rp %(p)s); kirim rincian sumber dana baru bersama perubahan pagu."
            ),
        ),
    )
    for rows, amount, message in checks:
        sums = rows.values("tahap").annotate(t=Sum(amount)).values_list("tahap", "t")
        for tahap, total in sums:
            pagu = sub.pagu_for(tahap)
            if total != pagu:
                errors.append(
                    message % {"v": tahap, "t": format_rupiah(total), "p": format_rupiah(pagu)}
                )
    return errors


@transaction.atomic
def sumber_dana_rinci_set(
    *, actor, sub_kegiatan: SubKegiatan, tahap: str, rows: list[tuple]
) -> list[SumberDanaSubKegiatan]:
    """Replace the funding sources of one budget version of a sub kegiatan: [(SumberDana,
    jumlah)], each source once, adding up to the version's pagu; the largest becomes the main
    source (`SubKegiatan.sumber_dana`). No rows: the version's sources are cleared."""
    sub = (
        SubKegiatan.objects.select_for_update(of=("self",))
        .select_related("tahun_anggaran")
        .get(pk=sub_kegiatan.pk)
    )
    plan_write_guard(opd_id=sub.opd_id, tahun_anggaran_id=sub.tahun_anggaran_id)
    parsed = sumber_dana_rinci_check(sub=sub, tahap=tahap, rows=rows)
    old = {
        r.sumber_dana.kode: str(r.jumlah)
        for r in SumberDanaSubKegiatan.objects.filter(sub_kegiatan=sub, tahap=tahap).select_related(
            "sumber_dana"
        )
    }
    SumberDanaSubKegiatan.objects.filter(sub_kegiatan=sub, tahap=tahap).delete()
    objs = [
        SumberDanaSubKegiatan(
            pemda_id=sub.pemda_id, sub_kegiatan=sub, tahap=tahap, sumber_dana=sd, jumlah=j
        )
        for sd, j in parsed
    ]
    for obj in objs:
        obj.full_clean(exclude=["sub_kegiatan"])
    SumberDanaSubKegiatan.objects.bulk_create(objs)
    new = {sd.kode: str(j) for sd, j in parsed}
    main = sumber_dana_main(
        sub=sub, tahap=tahap, tahap_berlaku=sub.tahun_anggaran.tahap, rows=parsed
    )
    if main is not None:
        SubKegiatan.objects.filter(pk=sub.pk).update(sumber_dana=main)
        new["_utama"] = main.kode
    audit_record(
        actor=actor,
        action="sumber_dana_rinci.set",
        obj=sub,
        changes={"tahap": tahap, "sumber": [old, new]},
    )
    return objs


def sumber_dana_rinci_check(*, sub: SubKegiatan, tahap: str, rows: list[tuple]) -> list[tuple]:
    """The rule of a version's funding sources, without writing: [(SumberDana, Decimal)] or a
    ValidationError (unknown version, no pagu perubahan, a source twice, a negative amount, a
    total other than the version's pagu). Shared by `sumber_dana_rinci_set` and the import."""
    if tahap not in TahapAnggaran.values:
        raise ValidationError(_("Versi anggaran tidak dikenal."))
    if rows and tahap == TahapAnggaran.PERUBAHAN and sub.pagu_perubahan is None:
        raise ValidationError(_("Isi pagu perubahan sebelum sumber dana versi perubahan."))
    parsed = [(sd, to_decimal(j, label=_("jumlah sumber dana"))) for sd, j in rows]
    errors = []
    if len({sd.pk for sd, _j in parsed}) != len(parsed):
        errors.append(_("Setiap sumber dana hanya boleh dicatat sekali."))
    if any(j < 0 for _sd, j in parsed):
        errors.append(_("Jumlah sumber dana tidak boleh negatif."))
    total = sum((j for _sd, j in parsed), Decimal(0))
    if parsed and total != sub.pagu_for(tahap):
        errors.append(
            _("Jumlah sumber dana (Rp %(t)s) harus sama dengan pagu (Rp %(p)s).")
            % {"t": format_rupiah(total), "p": format_rupiah(sub.pagu_for(tahap))}
        )
    if errors:
        raise ValidationError(errors)
    return parsed


def sumber_dana_main(*, sub: SubKegiatan, tahap: str, tahap_berlaku: str, rows: list[tuple]):
    """The main source a version's checked sources make (the first of the largest amounts), when
    that version is the one in force or the sub kegiatan has none yet; else None (kept)."""
    if rows and (tahap == tahap_berlaku or sub.sumber_dana_id is None):
        return max(rows, key=lambda p: p[1])[0]
    return None


# ---------------------------------------------------------------- monthly plan (anggaran kas, S-curve)


def rencana_problems(
    *, pagu: Decimal | None, rows: list[tuple[Decimal, Decimal]]
) -> list[tuple[str, int | None, str]]:
    """`check_rencana`'s rules with their place: (what, month, message), what being "kas" (the
    cash of that month), "fisik" (the target of that month) or "total" (the 12 months' sum).
    With no pagu (not known yet) the sum is not checked."""
    if len(rows) != 12:
        return [("total", None, _("Rencana bulanan harus berisi tepat 12 bulan."))]
    errors: list[tuple[str, int | None, str]] = []
    total = sum((kas for kas, _f in rows), Decimal(0))
    negative = [m for m, (kas, _f) in enumerate(rows, start=1) if kas < 0]
    if negative:
        errors.append(("kas", negative[0], _("Anggaran kas tidak boleh negatif.")))
    if pagu is not None and total != pagu:
        errors.append(
            (
                "total",
                None,
                _(
                    "Jumlah anggaran kas 12 bulan (Rp %(total)s) harus sama dengan pagu (Rp %(pagu)s)."
                )
                % {"total": format_rupiah(total), "pagu": format_rupiah(pagu)},
            )
        )
    previous = Decimal(0)
    for month, (_kas, fisik) in enumerate(rows, start=1):
        if not Decimal(0) <= fisik <= HUNDRED:
            message = _("Bulan %(m)d: target fisik harus di antara 0 dan 100%%.") % {"m": month}
            errors.append(("fisik", month, message))
        elif fisik < previous:
            message = _("Bulan %(m)d: target fisik kumulatif tidak boleh turun.") % {"m": month}
            errors.append(("fisik", month, message))
        previous = max(previous, fisik)
    return errors


def check_rencana(*, pagu: Decimal, rows: list[tuple[Decimal, Decimal]]) -> list[str]:
    """Rules of a 12-month plan: Σ anggaran kas = pagu; target fisik 0–100, never decreasing."""
    return [message for _what, _month, message in rencana_problems(pagu=pagu, rows=rows)]


@transaction.atomic
def rencana_set(
    *, actor, sub_kegiatan: SubKegiatan, tahap: str, rows: list[tuple]
) -> list[RencanaBulanan]:
    """Replace the 12-month plan of one budget version of a sub kegiatan."""
    sub = (
        SubKegiatan.objects.select_for_update(of=("self",))
        .select_related("tahun_anggaran")
        .get(pk=sub_kegiatan.pk)
    )
    plan_write_guard(opd_id=sub.opd_id, tahun_anggaran_id=sub.tahun_anggaran_id)
    if tahap not in TahapAnggaran.values:
        raise ValidationError(_("Versi anggaran tidak dikenal."))
    parsed = [
        (to_decimal(kas, label=_("anggaran kas")), to_decimal(fisik, label=_("target fisik")))
        for kas, fisik in rows
    ]
    pagu = sub.pagu_for(tahap)
    if tahap == TahapAnggaran.PERUBAHAN and sub.pagu_perubahan is None:
        raise ValidationError(_("Isi pagu perubahan sebelum rencana versi perubahan."))
    errors = check_rencana(pagu=pagu, rows=parsed)
    if errors:
        raise ValidationError(errors)
    old = {
        r.bulan: (str(r.anggaran_kas), str(r.target_fisik))
        for r in RencanaBulanan.objects.filter(sub_kegiatan=sub, tahap=tahap)
    }
    RencanaBulanan.objects.filter(sub_kegiatan=sub, tahap=tahap).delete()
    objs = [
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
    RencanaBulanan.objects.bulk_create(objs)
    changes = {
        f"bulan_{m}": [old.get(m), [str(kas), str(fisik)]]
        for m, (kas, fisik) in enumerate(parsed, start=1)
        if old.get(m) != (str(kas), str(fisik))
    }
    audit_record(actor=actor, action="rencana.set", obj=sub, changes={"tahap": tahap, **changes})
    handoff.emit(topics.SUB_KEGIATAN_CHANGED, sub_ids=[sub.pk])
    return objs


# ---------------------------------------------------------------- indicators

INDIKATOR_TARGETS = ("target_tahunan", "target_tw1", "target_tw2", "target_tw3", "target_tw4")


def _set_targets(ind: Indikator, values: dict) -> None:
    for name in INDIKATOR_TARGETS:
        if name in values:
            value = values[name]
            label = str(Indikator._meta.get_field(name).verbose_name)
            setattr(ind, name, None if value in (None, "") else to_decimal(value, label=label))


@transaction.atomic
def indikator_create(
    *,
    actor,
    induk: Program | Kegiatan | SubKegiatan,
    nama: str,
    satuan: str,
    rumus: int,
    target_tahunan,
    target_tw1=None,
    target_tw2=None,
    target_tw3=None,
    target_tw4=None,
) -> Indikator:
    if isinstance(induk, Program):
        opd_id, ta = induk.opd_id, induk.tahun_anggaran
        links = {"program": induk}
    elif isinstance(induk, Kegiatan):
        opd_id, ta = induk.program.opd_id, induk.program.tahun_anggaran
        links = {"kegiatan": induk}
    else:
        opd_id, ta = induk.opd_id, induk.tahun_anggaran
        links = {"sub_kegiatan": induk}
    plan_write_guard(opd_id=opd_id, tahun_anggaran_id=ta.pk)
    jenis = JenisIndikator.OUTCOME if isinstance(induk, Program) else JenisIndikator.OUTPUT
    ind = Indikator(
        pemda_id=induk.pemda_id,
        opd_id=opd_id,
        tahun_anggaran=ta,
        jenis=jenis,
        nama=nama.strip(),
        satuan=satuan.strip(),
        rumus=rumus,
        **links,
    )
    _set_targets(
        ind,
        {
            "target_tahunan": target_tahunan,
            "target_tw1": target_tw1,
            "target_tw2": target_tw2,
            "target_tw3": target_tw3,
            "target_tw4": target_tw4,
        },
    )
    save_audited(actor=actor, obj=ind, action="indikator.create")
    handoff.emit(topics.INDIKATOR_CHANGED, indikator_ids=[ind.pk])
    return ind


@transaction.atomic
def indikator_update(*, actor, indikator: Indikator, **fields) -> Indikator:
    allowed = {"nama", "satuan", "rumus", *INDIKATOR_TARGETS}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(_("Kolom tidak dikenal: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    ind = Indikator.objects.select_for_update(of=("self",)).get(pk=indikator.pk)
    plan_write_guard(opd_id=ind.opd_id, tahun_anggaran_id=ind.tahun_anggaran_id)
    before = snapshot(ind)
    for name in ("nama", "satuan", "rumus"):
        if name in fields:
            setattr(ind, name, fields[name])
    _set_targets(ind, fields)
    save_audited(actor=actor, obj=ind, action="indikator.update", before=before)
    handoff.emit(topics.INDIKATOR_CHANGED, indikator_ids=[ind.pk])
    return ind
