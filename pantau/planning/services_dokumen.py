"""Plan versions and their approval (decision 0020): draft -> diajukan (head of OPD) ->
divalidasi (Bappeda) -> dikunci (the DPA; Bappeda or admin), with a return and a note at each
step; a pergeseran or APBD-P is a new version opened from the locked one, holding its changes
as proposed content until it is locked, when the ordinary services apply them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pantau.audit.services import audit_record
from pantau.core import handoff
from pantau.core.numbers import format_rupiah, to_decimal
from pantau.organisations.access import scope_for
from pantau.organisations.choices import Role
from pantau.organisations.models import Opd
from pantau.planning import topics
from pantau.planning.choices import JenisDokumen, StatusDokumen, TahapAnggaran
from pantau.planning.guard import applying, latest_dokumen
from pantau.planning.models import (
    DokumenRencana,
    SubKegiatan,
    SumberDana,
    SumberDanaSubKegiatan,
    TahunAnggaran,
)
from pantau.planning.plan_content import plan_content, proposed_content
from pantau.planning.selectors import today_in
from pantau.planning.services import (
    check_rencana,
    sub_kegiatan_update,
    tahun_anggaran_set_tahap,
)

S = StatusDokumen
EDITORS = frozenset({Role.OPERATOR_OPD, Role.KEPALA_OPD, Role.ADMIN})


@dataclass(frozen=True)
class Langkah:
    name: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    label: str


LANGKAH = {
    t.name: t
    for t in (
        Langkah(
            "ajukan",
            frozenset({S.DRAFT}),
            S.DIAJUKAN,
            frozenset({Role.KEPALA_OPD}),
            gettext_lazy("Ajukan ke Bappeda"),
        ),
        Langkah(
            "validasi",
            frozenset({S.DIAJUKAN}),
            S.DIVALIDASI,
            frozenset({Role.VERIFIKATOR}),
            gettext_lazy("Validasi"),
        ),
        Langkah(
            "kunci",
            frozenset({S.DIVALIDASI}),
            S.DIKUNCI,
            frozenset({Role.VERIFIKATOR, Role.ADMIN}),
            gettext_lazy("Kunci sebagai DPA"),
        ),
        Langkah(
            "kembalikan",
            frozenset({S.DIAJUKAN, S.DIVALIDASI}),
            S.DRAFT,
            frozenset({Role.VERIFIKATOR, Role.ADMIN}),
            gettext_lazy("Kembalikan dengan catatan"),
        ),
    )
}


def role_for(user, opd: Opd) -> str | None:
    """The user's role towards this OPD: an OPD role only counts in the user's own OPD."""
    scope = scope_for(user)
    role = scope.role_in(opd.pemda_id)
    if role in {Role.OPERATOR_OPD, Role.KEPALA_OPD} and opd.pk not in scope.opd_ids:
        return None
    return role


def _require(actor, opd: Opd, roles: frozenset[str]) -> None:
    """actor None is the system (commands, the demo); a person needs one of the roles."""
    if actor is not None and role_for(actor, opd) not in roles:
        raise PermissionDenied(_("Anda tidak berwenang mengambil langkah ini."))


def allowed_langkah(user, dokumen: DokumenRencana) -> list[Langkah]:
    role = role_for(user, dokumen.opd)
    return [
        t
        for t in LANGKAH.values()
        if role in t.roles
        and dokumen.status in t.sources
        and dokumen
        == latest_dokumen(opd_id=dokumen.opd_id, tahun_anggaran_id=dokumen.tahun_anggaran_id)
    ]


def can_edit_plan(user, opd: Opd) -> bool:
    return role_for(user, opd) in EDITORS


def _audit(actor, doc: DokumenRencana, action: str, changes: dict) -> None:
    audit_record(actor=actor, action=f"dokumen_rencana.{action}", obj=doc, changes=changes)


@transaction.atomic
def dokumen_create(*, actor, tahun_anggaran: TahunAnggaran, opd: Opd) -> DokumenRencana:
    """Version 1 (DPA murni, draft) of an OPD's plan: from now on the plan follows its versions."""
    if opd.pemda_id != tahun_anggaran.pemda_id:
        raise ValidationError(_("OPD dan tahun anggaran berasal dari pemda yang berbeda."))
    _require(actor, opd, EDITORS)
    if latest_dokumen(opd_id=opd.pk, tahun_anggaran_id=tahun_anggaran.pk, lock=True):
        raise ValidationError(_("Rencana OPD ini untuk tahun tersebut sudah punya dokumen."))
    doc = DokumenRencana(
        pemda_id=opd.pemda_id,
        tahun_anggaran=tahun_anggaran,
        opd=opd,
        versi=1,
        jenis=JenisDokumen.MURNI,
    )
    doc.full_clean()
    doc.save()
    _audit(actor, doc, "create", {"versi": 1, "jenis": doc.jenis})
    return doc


@transaction.atomic
def dokumen_revisi_open(*, actor, dokumen: DokumenRencana, jenis: str) -> DokumenRencana:
    """A pergeseran or APBD-P: a new draft version opened from the locked latest one."""
    doc = DokumenRencana.objects.select_for_update(of=("self",)).get(pk=dokumen.pk)
    _require(actor, doc.opd, EDITORS)
    if jenis not in {JenisDokumen.PERGESERAN, JenisDokumen.PERUBAHAN}:
        raise ValidationError(_("Versi baru hanya berupa pergeseran atau APBD perubahan."))
    latest = latest_dokumen(opd_id=doc.opd_id, tahun_anggaran_id=doc.tahun_anggaran_id)
    if latest.pk != doc.pk or doc.status != S.DIKUNCI:
        raise ValidationError(_("Versi baru hanya dapat dibuka dari versi terakhir yang dikunci."))
    if jenis == JenisDokumen.PERUBAHAN and (
        DokumenRencana.objects.filter(
            opd_id=doc.opd_id, tahun_anggaran_id=doc.tahun_anggaran_id, jenis=jenis
        ).exists()
    ):
        raise ValidationError(_("APBD perubahan tahun ini sudah ada; gunakan pergeseran."))
    new = DokumenRencana(
        pemda_id=doc.pemda_id,
        tahun_anggaran_id=doc.tahun_anggaran_id,
        opd_id=doc.opd_id,
        versi=doc.versi + 1,
        jenis=jenis,
    )
    new.full_clean()
    new.save()
    _audit(actor, new, "open", {"versi": new.versi, "jenis": jenis, "dari": doc.versi})
    return new


def sumber_rinci_exists(sub: SubKegiatan, tahap: str) -> bool:
    return SumberDanaSubKegiatan.objects.filter(sub_kegiatan=sub, tahap=tahap).exists()


def usulan_tahap(doc: DokumenRencana) -> str:
    """The budget version a revision changes: APBD-P the perubahan one; a pergeseran the one
    in force when it was locked."""
    if doc.jenis == JenisDokumen.PERUBAHAN:
        return TahapAnggaran.PERUBAHAN
    return doc.tahun_anggaran.tahap


@transaction.atomic
def dokumen_usulan_set(
    *,
    actor,
    dokumen: DokumenRencana,
    sub_kegiatan: SubKegiatan,
    pagu,
    rows: list[tuple],
    sumber: list[tuple] | None = None,
) -> DokumenRencana:
    """Propose a sub kegiatan's new pagu with its 12 months of cash plan and physical target
    (and its funding sources, [(SumberDana, jumlah)]) in a pergeseran/APBD-P draft; nothing in
    the plan in force changes until the lock."""
    doc = (
        DokumenRencana.objects.select_for_update(of=("self",))
        .select_related("tahun_anggaran", "opd")
        .get(pk=dokumen.pk)
    )
    _require(actor, doc.opd, EDITORS)
    if doc.jenis == JenisDokumen.MURNI or doc.status != S.DRAFT:
        raise ValidationError(_("Usulan hanya dapat diubah pada draf pergeseran atau perubahan."))
    if sub_kegiatan.opd_id != doc.opd_id or sub_kegiatan.tahun_anggaran_id != doc.tahun_anggaran_id:
        raise ValidationError(_("Sub kegiatan ini bukan bagian dari rencana tersebut."))
    pagu = to_decimal(pagu, label=_("pagu"))
    if pagu < 0:
        raise ValidationError(_("Pagu tidak boleh negatif."))
    parsed = [
        (to_decimal(kas, label=_("anggaran kas")), to_decimal(fisik, label=_("target fisik")))
        for kas, fisik in rows
    ]
    errors = check_rencana(pagu=pagu, rows=parsed)
    tahap = usulan_tahap(doc)
    sources = [(sd, to_decimal(j, label=_("jumlah sumber dana"))) for sd, j in sumber or []]
    if sources and sum((j for _sd, j in sources), Decimal(0)) != pagu:
        errors.append(_("Jumlah sumber dana harus sama dengan pagu usulan."))
    if len({sd.pk for sd, _j in sources}) != len(sources):
        errors.append(_("Setiap sumber dana hanya boleh dicatat sekali."))
    if not sources and sumber_rinci_exists(sub_kegiatan, tahap):
        errors.append(_("Sub kegiatan ini punya rincian sumber dana: usulkan juga rinciannya."))
    if errors:
        raise ValidationError(errors)
    key = str(sub_kegiatan.pk)
    before = doc.usulan.get(key)
    entry = {
        "pagu": str(pagu),
        "rencana": [[str(k), str(f)] for k, f in parsed],
        "sumber": [[sd.kode, str(j)] for sd, j in sources] if sources else None,
    }
    doc.usulan = {**doc.usulan, key: entry}
    doc.full_clean()
    doc.save(update_fields=["usulan", "updated_at"])
    _audit(actor, doc, "usulan_set", {"sub_kegiatan": [sub_kegiatan.kode], key: [before, entry]})
    return doc


@transaction.atomic
def dokumen_transition(
    *, actor, dokumen: DokumenRencana, name: str, catatan: str = ""
) -> DokumenRencana:
    """Take one step of a plan version; a return needs a note; locking applies a revision."""
    step = LANGKAH.get(name)
    if step is None:
        raise ValidationError(_("Langkah tidak dikenal."))
    doc = (
        DokumenRencana.objects.select_for_update(of=("self",))
        .select_related("tahun_anggaran", "opd")
        .get(pk=dokumen.pk)
    )
    _require(actor, doc.opd, step.roles)
    latest = latest_dokumen(opd_id=doc.opd_id, tahun_anggaran_id=doc.tahun_anggaran_id)
    if doc.status not in step.sources or latest.pk != doc.pk:
        raise ValidationError(
            _("Langkah ini tidak berlaku untuk versi %(v)s yang berstatus %(s)s.")
            % {"v": doc.versi, "s": doc.get_status_display().lower()}
        )
    catatan = catatan.strip()
    if name == "kembalikan" and not catatan:
        raise ValidationError(_("Tulis catatan: apa yang harus diperbaiki."))
    old = doc.status
    if name in {"ajukan", "kunci"} and (error := pergeseran_total_error(doc)):
        raise ValidationError(error)
    if name == "kunci":
        _apply_and_snapshot(actor, doc)
    doc.status = step.target
    doc.catatan = catatan if name == "kembalikan" else ""
    doc.full_clean()
    doc.save()
    _audit(actor, doc, name, {"status": [old, doc.status], "catatan": catatan})
    handoff.emit(topics.DOKUMEN_TRANSITION, dokumen=doc, name=name, actor=actor, catatan=catatan)
    return doc


def pergeseran_total_error(doc: DokumenRencana) -> str | None:
    """A pergeseran shifts money between the OPD's sub kegiatan without a Perda Perubahan
    (docs/domain.md §5): the OPD's total pagu stays what it was. Only an APBD-P changes it."""
    if doc.jenis != JenisDokumen.PERGESERAN or not doc.usulan:
        return None
    tahap = usulan_tahap(doc)
    subs = SubKegiatan.objects.filter(
        opd_id=doc.opd_id,
        tahun_anggaran_id=doc.tahun_anggaran_id,
        pk__in=list(map(int, doc.usulan)),
    ).in_bulk()
    change = sum(
        (
            Decimal(entry["pagu"]) - subs[int(key)].pagu_for(tahap)
            for key, entry in doc.usulan.items()
            if int(key) in subs
        ),
        Decimal(0),
    )
    if not change:
        return None
    return _(
        "Pergeseran mengubah jumlah pagu OPD sebesar Rp %(d)s: pergeseran hanya memindahkan "
        "anggaran antarsub kegiatan, jumlahnya harus tetap. Perubahan jumlah pagu dibuat dalam "
        "APBD perubahan."
    ) % {"d": format_rupiah(change)}


def _apply_and_snapshot(actor, doc: DokumenRencana) -> None:
    """At locking: a revision's proposal goes through sub_kegiatan_update (every budget rule,
    audit and roll-up refresh); an APBD-P moves the year to its perubahan stage; then the plan
    as it now stands is kept with the version."""
    ta = doc.tahun_anggaran
    if doc.jenis != JenisDokumen.MURNI:
        tahap = usulan_tahap(doc)
        field = "pagu_perubahan" if tahap == TahapAnggaran.PERUBAHAN else "pagu_murni"
        subs = SubKegiatan.objects.filter(
            opd_id=doc.opd_id, tahun_anggaran=ta, pk__in=[int(k) for k in doc.usulan]
        ).in_bulk()
        with applying(opd_id=doc.opd_id, tahun_anggaran_id=ta.pk):
            for key, entry in sorted(doc.usulan.items()):
                sub = subs.get(int(key))
                if sub is None:
                    raise ValidationError(_("Sub kegiatan usulan sudah tidak ada di rencana."))
                sumber = None
                if entry.get("sumber"):
                    masters = {m.kode: m for m in SumberDana.objects.all()}
                    sumber = {tahap: [(masters[k], Decimal(j)) for k, j in entry["sumber"]]}
                sub_kegiatan_update(
                    actor=actor,
                    sub_kegiatan=sub,
                    rencana={tahap: [tuple(r) for r in entry["rencana"]]},
                    sumber=sumber,
                    **{field: Decimal(entry["pagu"])},
                )
        if doc.jenis == JenisDokumen.PERUBAHAN and ta.tahap != TahapAnggaran.PERUBAHAN:
            ta = tahun_anggaran_set_tahap(
                actor=actor,
                tahun_anggaran=ta,
                tahap=TahapAnggaran.PERUBAHAN,
                tanggal=today_in(doc.opd.pemda),
            )
            doc.tahun_anggaran = ta
    doc.isi = plan_content(opd_id=doc.opd_id, tahun_anggaran=ta)
    doc.dikunci_pada = timezone.now()


def dokumen_content_for_diff(doc: DokumenRencana) -> tuple[dict | None, dict]:
    """(previous locked content or None, this version's content) for the difference view."""
    previous = (
        DokumenRencana.objects.filter(
            opd_id=doc.opd_id,
            tahun_anggaran_id=doc.tahun_anggaran_id,
            versi__lt=doc.versi,
            status=S.DIKUNCI,
        )
        .order_by("-versi")
        .first()
    )
    before = previous.isi if previous else None
    if doc.status == S.DIKUNCI and doc.isi is not None:
        return before, doc.isi
    if doc.jenis == JenisDokumen.MURNI or before is None:
        return before, plan_content(opd_id=doc.opd_id, tahun_anggaran=doc.tahun_anggaran)
    return before, proposed_content(before, doc.usulan, tahap=usulan_tahap(doc))
