"""Writes of monitoring data: reporting periods, monthly realisation, indicator values."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pantau.audit.services import audit_record, save_audited, snapshot
from pantau.core import handoff
from pantau.core.errors import error_messages
from pantau.core.numbers import int_param, to_decimal
from pantau.monitoring import selectors, topics
from pantau.monitoring.choices import StatusRealisasi as S
from pantau.monitoring.evidence import (
    Upload,
    distance_m,
    process_upload,
    remove,
    store,
    upload_name,
    warning_entry,
)
from pantau.monitoring.models import (
    Bukti,
    KunciPengiriman,
    PembukaanPeriode,
    PeriodeLaporan,
    Realisasi,
    RealisasiIndikator,
    RiwayatStatus,
    default_batas_waktu,
)
from pantau.monitoring.rules import (
    check_nilai_indikator,
    check_realisasi,
    check_realisasi_fields,
    warnings_realisasi,
)
from pantau.monitoring.workflow import (
    EDITABLE,
    TRANSITIONS,
    PeriodeState,
    allowed_transitions,
    can_edit,
    periode_state,
    role_for,
    today_in,
)
from pantau.organisations.choices import Role
from pantau.organisations.models import Pemda
from pantau.planning.choices import Rumus
from pantau.planning.models import Indikator, SubKegiatan, TahunAnggaran
from pantau.planning.services import tahun_anggaran_create


@transaction.atomic
def tahun_anggaran_open(*, actor, pemda: Pemda, tahun: int) -> TahunAnggaran:
    """Create a fiscal year with its twelve monthly reporting periods and their cut-offs."""
    pemda = Pemda.objects.get(pk=pemda.pk)  # the current cut-off setting, not a stale copy
    ta = tahun_anggaran_create(actor=actor, pemda=pemda, tahun=tahun)
    for bulan in range(1, 13):
        periode = PeriodeLaporan(
            pemda=pemda,
            tahun_anggaran=ta,
            bulan=bulan,
            batas_waktu=default_batas_waktu(tahun, bulan, pemda.hari_batas_laporan),
        )
        save_audited(actor=actor, obj=periode, action="periode.create")
    return ta


def _kumulatif_lain(sub: SubKegiatan, exclude_id: int | None) -> Decimal:
    qs = Realisasi.objects.filter(sub_kegiatan=sub)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    return qs.aggregate(total=Sum("keuangan"))["total"] or Decimal(0)


def _fisik_sebelumnya(sub: SubKegiatan, bulan: int) -> Decimal | None:
    return (
        Realisasi.objects.filter(sub_kegiatan=sub, periode__bulan__lt=bulan)
        .order_by("-periode__bulan")
        .values_list("fisik", flat=True)
        .first()
    )


def _reopened_until(periode: PeriodeLaporan, opd_id: int):
    return (
        PembukaanPeriode.objects.filter(periode=periode, opd_id=opd_id)
        .order_by("-berlaku_sampai")
        .values_list("berlaku_sampai", flat=True)
        .first()
    )


def _check_open(periode: PeriodeLaporan, sub: SubKegiatan, existing: Realisasi | None) -> None:
    """Entry needs an open period, except for a report that was returned for correction."""
    if existing is not None and existing.status == S.DIKEMBALIKAN:
        return
    state = periode_state(periode, sub.opd, reopened_until=_reopened_until(periode, sub.opd_id))
    if state == PeriodeState.BELUM_DIBUKA:
        raise ValidationError(_("Periode %(p)s belum dibuka.") % {"p": periode})
    if state == PeriodeState.DITUTUP:
        raise ValidationError(
            _("Periode %(p)s sudah ditutup sejak %(d)s. Minta admin membuka kembali periode ini.")
            % {"p": periode, "d": date_format(periode.batas_waktu, "j F Y")}
        )


def evaluate_rules(obj: Realisasi, sub: SubKegiatan) -> tuple[dict[str, list[str]], list[dict]]:
    """Errors (by field) and warnings of a report, from the current database state (entry and
    verification)."""
    kumulatif_lain = _kumulatif_lain(sub, obj.pk)
    errors = check_realisasi_fields(
        pagu=sub.pagu, keuangan=obj.keuangan, fisik=obj.fisik, kumulatif_lain=kumulatif_lain
    )
    # The gap is judged at the end of this report's month: later months do not count.
    earlier = Realisasi.objects.filter(
        sub_kegiatan=sub, periode__bulan__lt=obj.periode.bulan
    ).aggregate(t=Sum("keuangan"))["t"] or Decimal(0)
    warnings = warnings_realisasi(
        pagu=sub.pagu,
        kumulatif=earlier + obj.keuangan,
        fisik=obj.fisik,
        fisik_sebelumnya=_fisik_sebelumnya(sub, obj.periode.bulan),
        gap=sub.opd.pemda.selisih_fisik_keuangan_maks,
    )
    return errors, warnings


def _figures(keuangan, fisik) -> tuple[Decimal, Decimal]:
    """The two figures of a report as Decimals; both are read before either is refused."""
    errors: dict[str, list[str]] = {}
    values = []
    for name, value, label in (
        ("keuangan", keuangan, _("Realisasi keuangan")),
        ("fisik", fisik, _("Realisasi fisik")),
    ):
        try:
            values.append(to_decimal(value, label=label))
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
    return values[0], values[1]


@transaction.atomic
def realisasi_save(
    *,
    actor,
    sub_kegiatan: SubKegiatan,
    periode: PeriodeLaporan,
    keuangan,
    fisik,
    kendala: str = "",
    tindak_lanjut: str = "",
    penjelasan: str = "",
    check_period: bool = True,
) -> Realisasi:
    """Create or update the draft monthly report of a sub kegiatan for a period.

    Errors refuse the save; warnings are stored on the report and need a written explanation
    before it can be submitted. Only the OPD's operator may write (a system actor may too).
    """
    sub = (
        SubKegiatan.objects.select_for_update(of=("self",))
        .select_related("tahun_anggaran", "opd__pemda")
        .get(pk=sub_kegiatan.pk)
    )
    if actor is not None and not can_edit(actor, sub.opd):
        raise PermissionDenied(_("Hanya operator OPD ini yang dapat mengisi laporannya."))
    if periode.tahun_anggaran_id != sub.tahun_anggaran_id:
        raise ValidationError(_("Periode ini bukan milik tahun anggaran sub kegiatan tersebut."))
    keuangan, fisik = _figures(keuangan, fisik)
    obj = (
        Realisasi.objects.select_for_update(of=("self",))
        .filter(sub_kegiatan=sub, periode=periode)
        .first()
    )
    if obj is not None and obj.status not in EDITABLE:
        raise ValidationError(
            _("Laporan berstatus %(s)s tidak dapat diubah.") % {"s": obj.get_status_display()}
        )
    if check_period:
        _check_open(periode, sub, obj)
    before = snapshot(obj) if obj else None
    if obj is None:
        obj = Realisasi(pemda_id=sub.pemda_id, opd_id=sub.opd_id, sub_kegiatan=sub, periode=periode)
    obj.keuangan, obj.fisik = keuangan, fisik
    obj.kendala, obj.tindak_lanjut = kendala.strip(), tindak_lanjut.strip()
    obj.penjelasan = penjelasan.strip()
    errors, obj.peringatan = evaluate_rules(obj, sub)
    if errors:
        raise ValidationError(errors)
    action = "realisasi.create" if before is None else "realisasi.update"
    save_audited(actor=actor, obj=obj, action=action, before=before)
    # A draft counts on no basis (issue 9): the roll-ups move when it is submitted.
    return obj


@transaction.atomic
def realisasi_transition(*, actor, realisasi: Realisasi, name: str, catatan: str = "") -> Realisasi:
    """Apply a workflow step (submit, approve, return_opd, verify, return_bappeda).

    Allowed only to the step's role in the report's OPD and pemda; the rules are checked again
    on submit and verify; every step is written to the trail and the audit log.
    """
    obj = _step(actor=actor, realisasi=realisasi, name=name, catatan=catatan)
    handoff.emit(topics.REPORTS_CHANGED, sub_ids=[obj.sub_kegiatan_id])
    handoff.emit(topics.TRANSITION_DONE, realisasi=obj, name=name, actor=actor, catatan=catatan)
    return obj


def _step(*, actor, realisasi: Realisasi, name: str, catatan: str) -> Realisasi:
    """One workflow step, checked and written with its trail and audit event (no hand-off: the
    caller announces it, one report or a whole bulk run at once)."""
    obj = (
        Realisasi.objects.select_for_update(of=("self",))
        .select_related("sub_kegiatan__tahun_anggaran", "opd__pemda", "periode__tahun_anggaran")
        .get(pk=realisasi.pk)
    )
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise ValidationError(_("Langkah alur kerja tidak dikenal."))
    if transition not in allowed_transitions(actor, obj):
        if role_for(actor, obj.opd) == transition.role:
            raise ValidationError(
                _("Langkah “%(t)s” tidak dapat dilakukan: laporan ini berstatus %(s)s.")
                % {"s": obj.get_status_display(), "t": transition.label}
            )
        raise PermissionDenied(_("Anda tidak berhak melakukan langkah ini pada laporan ini."))
    catatan = catatan.strip()
    if transition.needs_note and not catatan:
        raise ValidationError(_("Tuliskan catatan: mengapa laporan ini dikembalikan."))
    if name in {"submit", "correct"}:
        # a returned report may still be resubmitted; a correction needs an open period
        _check_open(obj.periode, obj.sub_kegiatan, obj if name == "submit" else None)
    if name in {"submit", "verify"}:
        errors, obj.peringatan = evaluate_rules(obj, obj.sub_kegiatan)
        if errors:
            raise ValidationError(errors)
        if obj.peringatan and not obj.penjelasan:
            raise ValidationError(
                [_("Laporan ini punya peringatan; tuliskan penjelasan sebelum diajukan.")]
                + [w["pesan"] for w in obj.peringatan]
            )
    before = snapshot(obj)
    dari = obj.status
    obj.status = transition.target
    if name == "submit" and obj.diajukan_pada is None:
        obj.diajukan_pada = timezone.now()
    if name == "correct":
        obj.versi += 1
    if name == "verify":
        _freeze_official(obj)
    save_audited(actor=actor, obj=obj, action=f"realisasi.{name}", before=before)
    RiwayatStatus.objects.create(
        pemda_id=obj.pemda_id,
        realisasi=obj,
        dari=dari,
        ke=obj.status,
        aktor=actor,
        aktor_label=actor.get_username(),
        catatan=catatan,
    )
    return obj


def _freeze_indicator_values(ta: TahunAnggaran) -> None:
    """Indicator values of months whose report has a verified version and that have none yet
    become verified values (one UPDATE)."""
    official = Realisasi.objects.filter(
        keuangan_resmi__isnull=False,
        sub_kegiatan_id=OuterRef("indikator__sub_kegiatan_id"),
        periode_id=OuterRef("periode_id"),
    )
    RealisasiIndikator.objects.filter(
        Exists(official), periode__tahun_anggaran=ta, nilai_resmi__isnull=True
    ).update(nilai_resmi=F("nilai"))


def _freeze_official(obj: Realisasi) -> None:
    """Verification: the figures on screen become the official version, and so do the values of
    the sub kegiatan's indicators for the month."""
    obj.keuangan_resmi, obj.fisik_resmi = obj.keuangan, obj.fisik
    obj.diverifikasi_pada, obj.versi_resmi = timezone.now(), obj.versi
    RealisasiIndikator.objects.filter(
        indikator__sub_kegiatan_id=obj.sub_kegiatan_id, periode_id=obj.periode_id
    ).update(nilai_resmi=F("nilai"))


@transaction.atomic
def periode_reopen(
    *, actor, periode: PeriodeLaporan, opd, alasan: str, hari: int = 7
) -> PembukaanPeriode:
    """Admin reopens a closed period for one OPD, so that its operator can enter what is
    missing and correct verified reports. Nothing changes status: verified reports stay verified
    and counted; a correction is a new version (`realisasi_transition(name="correct")`). The
    OPD's operators and head are notified."""
    if role_for(actor, opd) != Role.ADMIN or periode.pemda_id != opd.pemda_id:
        raise PermissionDenied(_("Hanya admin pemda ini yang dapat membuka kembali periode."))
    alasan = alasan.strip()
    if len(alasan) < 10:
        raise ValidationError(_("Tuliskan alasan pembukaan kembali (minimal 10 karakter)."))
    if not 1 <= hari <= 31:
        raise ValidationError(_("Lama pembukaan harus 1 sampai 31 hari."))
    until = today_in(opd.pemda) + dt.timedelta(days=hari)
    opening = PembukaanPeriode(
        pemda_id=opd.pemda_id,
        opd=opd,
        periode=periode,
        alasan=alasan,
        berlaku_sampai=until,
        aktor=actor,
    )
    save_audited(actor=actor, obj=opening, action="periode.reopen")
    audit_record(
        actor=actor,
        action="periode.reopen_scope",
        obj=opening,
        changes={"_summary": selectors.reopen_scope(periode=periode, opd=opd)},
    )
    handoff.emit(topics.PERIOD_REOPENED, opening=opening)
    return opening


@transaction.atomic
def realisasi_indikator_save(
    *, actor, indikator: Indikator, periode: PeriodeLaporan, nilai, catatan: str = ""
) -> RealisasiIndikator:
    ind = (
        Indikator.objects.select_for_update(of=("self",))
        .select_related("opd__pemda")
        .get(pk=indikator.pk)
    )
    if actor is not None and not can_edit(actor, ind.opd):
        raise PermissionDenied(_("Hanya operator OPD ini yang dapat mengisi nilai indikatornya."))
    if periode.tahun_anggaran_id != ind.tahun_anggaran_id:
        raise ValidationError(_("Periode ini bukan milik tahun anggaran indikator tersebut."))
    nilai = to_decimal(nilai, label=_("Nilai indikator"))
    if ind.sub_kegiatan_id:
        report = Realisasi.objects.filter(sub_kegiatan_id=ind.sub_kegiatan_id, periode=periode)
        locked = report.exclude(status__in=EDITABLE).first()
        if locked is not None:
            raise ValidationError(
                _(
                    "Laporan %(p)s sub kegiatan ini berstatus %(s)s: nilai indikatornya tidak "
                    "dapat diubah."
                )
                % {"p": periode, "s": locked.get_status_display()}
            )
    known = dict(
        RealisasiIndikator.objects.filter(indikator=ind)
        .exclude(periode=periode)
        .values_list("periode__bulan", "nilai")
    )
    errors = _indicator_errors(ind, periode.bulan, nilai, known)
    if errors:
        raise ValidationError(errors)
    obj = RealisasiIndikator.objects.filter(indikator=ind, periode=periode).first()
    before = snapshot(obj) if obj else None
    if obj is None:
        obj = RealisasiIndikator(
            pemda_id=ind.pemda_id, opd_id=ind.opd_id, indikator=ind, periode=periode
        )
    obj.nilai, obj.catatan = nilai, catatan.strip()
    action = "realisasi_indikator.create" if before is None else "realisasi_indikator.update"
    save_audited(actor=actor, obj=obj, action=action, before=before)
    handoff.emit(topics.INDICATOR_VALUES_CHANGED, indikator_ids=[ind.pk])
    return obj


FK_FIELDS = ["pemda", "opd", "sub_kegiatan", "periode", "indikator"]


def _where(number: int, label: str) -> str:
    return f"{number}. {label}"


@transaction.atomic
def realisasi_import(
    *, actor, tahun_anggaran: TahunAnggaran, rows: list[dict], historical: bool = False
) -> int:
    """Bulk-create monthly reports (a workbook import or the demo): all rows or none.

    Each row: sub_kegiatan (object), bulan, keuangan, fisik, optional kendala, tindak_lanjut.
    The same rules as `realisasi_save` apply, with cumulative sums per sub kegiatan, and every
    error is collected before anything is written. Imported reports are drafts; only a
    `historical` load (earlier years taken over from another system) may carry a workflow
    status and first-submission time.
    """
    periods = {p.bulan: p for p in PeriodeLaporan.objects.filter(tahun_anggaran=tahun_anggaran)}
    sub_ids = {r["sub_kegiatan"].pk for r in rows}
    # Lock the sub kegiatan so that a concurrent save cannot push a total above its pagu.
    subs = {
        s.pk: s
        for s in SubKegiatan.objects.select_for_update(of=("self",)).filter(
            pk__in=sub_ids, tahun_anggaran=tahun_anggaran
        )
    }
    taken = set(
        Realisasi.objects.filter(sub_kegiatan_id__in=sub_ids).values_list(
            "sub_kegiatan_id", "periode__bulan"
        )
    )
    totals: dict[int, Decimal] = dict(
        Realisasi.objects.filter(sub_kegiatan_id__in=sub_ids)
        .values("sub_kegiatan_id")
        .annotate(t=Sum("keuangan"))
        .values_list("sub_kegiatan_id", "t")
    )
    errors: list[str] = []
    objs: list[Realisasi] = []
    for number, row in enumerate(rows, start=1):
        sub = subs.get(row["sub_kegiatan"].pk)
        where = _where(number, f"{row['sub_kegiatan'].kode} bulan {row.get('bulan')}")
        periode = periods.get(row.get("bulan"))
        if sub is None or periode is None:
            errors.append(f"{where}: " + _("periode tidak ada di tahun anggaran ini."))
            continue
        if (sub.pk, periode.bulan) in taken:
            errors.append(
                f"{where}: " + _("Realisasi sub kegiatan ini untuk periode ini sudah ada.")
            )
            continue
        taken.add((sub.pk, periode.bulan))
        status = row.get("status", S.DRAFT) if historical else S.DRAFT
        obj = Realisasi(
            pemda_id=sub.pemda_id,
            opd_id=sub.opd_id,
            sub_kegiatan=sub,
            periode=periode,
            kendala=row.get("kendala", ""),
            tindak_lanjut=row.get("tindak_lanjut", ""),
            status=status,
            diajukan_pada=row.get("diajukan_pada") if historical else None,
        )
        try:
            obj.keuangan = to_decimal(row.get("keuangan"), label=_("Realisasi keuangan"))
            obj.fisik = to_decimal(row.get("fisik"), label=_("Realisasi fisik"))
            obj.clean_fields(exclude=FK_FIELDS)  # decimal places, status choices
            if status == S.DIVERIFIKASI:  # a verified history: that version is the official one
                obj.keuangan_resmi, obj.fisik_resmi, obj.versi_resmi = obj.keuangan, obj.fisik, 1
                obj.diverifikasi_pada = row.get("diverifikasi_pada") or obj.diajukan_pada
        except ValidationError as exc:
            errors.extend(f"{where}: {m}" for m in error_messages(exc))
            continue
        before = totals.get(sub.pk, Decimal(0))
        errors.extend(
            f"{where}: {m}"
            for m in check_realisasi(
                pagu=sub.pagu_for(tahun_anggaran.tahap),
                keuangan=obj.keuangan,
                fisik=obj.fisik,
                kumulatif_lain=before,
            )
        )
        totals[sub.pk] = before + obj.keuangan
        objs.append(obj)
    if errors:
        raise ValidationError(errors[:100])
    Realisasi.objects.bulk_create(objs, batch_size=1000)
    if any(o.keuangan_resmi is not None for o in objs):  # their indicator values, verified too
        _freeze_indicator_values(tahun_anggaran)
    handoff.emit(topics.REPORTS_CHANGED, sub_ids={o.sub_kegiatan_id for o in objs})
    audit_record(
        actor=actor,
        action="realisasi.import",
        obj=tahun_anggaran,
        changes={
            "_summary": {
                "rows": len(objs),
                "historical": historical,
                "keuangan": str(sum((o.keuangan for o in objs), Decimal(0))),
            }
        },
    )
    return len(objs)


@transaction.atomic
def realisasi_indikator_import(*, actor, tahun_anggaran: TahunAnggaran, rows: list[dict]) -> int:
    """Bulk-create indicator values: rows of indikator (object), bulan, nilai. All or none.

    The same checks as `realisasi_indikator_save`: the indicator belongs to this fiscal year,
    one value per period, values fit the formula type, and a cumulative percentage never
    decreases, counting the values already stored.
    """
    periods = {p.bulan: p for p in PeriodeLaporan.objects.filter(tahun_anggaran=tahun_anggaran)}
    ind_ids = {r["indikator"].pk for r in rows}
    indicators = {
        i.pk: i
        for i in Indikator.objects.select_for_update(of=("self",)).filter(
            pk__in=ind_ids, tahun_anggaran=tahun_anggaran
        )
    }
    series: dict[int, dict[int, Decimal]] = {}
    for ind_id, bulan, nilai in RealisasiIndikator.objects.filter(
        indikator_id__in=ind_ids
    ).values_list("indikator_id", "periode__bulan", "nilai"):
        series.setdefault(ind_id, {})[bulan] = nilai
    errors: list[str] = []
    objs: list[RealisasiIndikator] = []
    for number, row in enumerate(rows, start=1):
        ind = indicators.get(row["indikator"].pk)
        where = _where(number, f"{row['indikator'].nama[:50]} bulan {row.get('bulan')}")
        periode = periods.get(row.get("bulan"))
        if ind is None or periode is None:
            errors.append(
                f"{where}: " + _("indikator atau periode bukan milik tahun anggaran ini.")
            )
            continue
        known = series.setdefault(ind.pk, {})
        if periode.bulan in known:
            errors.append(f"{where}: " + _("Nilai indikator ini untuk periode ini sudah ada."))
            continue
        try:
            nilai = to_decimal(row.get("nilai"), label=_("Nilai indikator"))
        except ValidationError as exc:
            errors.extend(f"{where}: {m}" for m in error_messages(exc))
            continue
        errors.extend(f"{where}: {m}" for m in _indicator_errors(ind, periode.bulan, nilai, known))
        known[periode.bulan] = nilai
        objs.append(
            RealisasiIndikator(
                pemda_id=ind.pemda_id,
                opd_id=ind.opd_id,
                indikator=ind,
                periode=periode,
                nilai=nilai,
            )
        )
    if errors:
        raise ValidationError(errors[:100])
    official = set(
        Realisasi.objects.filter(
            periode__tahun_anggaran=tahun_anggaran, keuangan_resmi__isnull=False
        ).values_list("sub_kegiatan_id", "periode_id")
    )
    for o in objs:  # values of a month whose report is verified belong to its verified version
        if (o.indikator.sub_kegiatan_id, o.periode_id) in official:
            o.nilai_resmi = o.nilai
    RealisasiIndikator.objects.bulk_create(objs, batch_size=1000)
    handoff.emit(topics.INDICATOR_VALUES_CHANGED, indikator_ids={o.indikator_id for o in objs})
    audit_record(
        actor=actor,
        action="realisasi_indikator.import",
        obj=tahun_anggaran,
        changes={"_summary": {"rows": len(objs)}},
    )
    return len(objs)


def _indicator_errors(
    ind: Indikator, bulan: int, nilai: Decimal, known: dict[int, Decimal]
) -> list[str]:
    """Rules for one value given the other values of the series (month -> value)."""
    earlier = [v for m, v in sorted(known.items()) if m < bulan]
    errors = check_nilai_indikator(
        rumus=ind.rumus, satuan=ind.satuan, nilai=nilai, sebelumnya=earlier[-1] if earlier else None
    )
    later = [v for m, v in sorted(known.items()) if m > bulan]
    if ind.rumus == Rumus.PERSENTASE and later and nilai > later[0]:
        errors.append(
            _("Persentase kumulatif tidak boleh melebihi nilai periode berikutnya (%(next)s).")
            % {"next": later[0]}
        )
    return errors


# ---------------------------------------------------------------- evidence


def _photo_warnings(
    processed, sub: SubKegiatan, periode: PeriodeLaporan
) -> tuple[list[dict], int | None]:
    warnings = list(processed.warnings)
    distance = None
    if processed.latitude is not None and sub.latitude is not None:
        distance = distance_m(processed.latitude, processed.longitude, sub.latitude, sub.longitude)
        limit = sub.opd.pemda.jarak_foto_maks_m
        if distance > limit:
            warnings.append(warning_entry("foto_jauh", jarak_m=distance, batas_m=limit))
    if processed.taken_at is not None:
        start = dt.date(periode.tahun_anggaran.tahun, periode.bulan, 1)
        if processed.taken_at.date() < start:
            warnings.append(
                warning_entry("foto_lama", tanggal=processed.taken_at.date(), periode=periode)
            )
    return warnings, distance


@transaction.atomic
def bukti_add(
    *, actor, realisasi: Realisasi, name: str, data: bytes, prepared: Upload | None = None
) -> Bukti:
    """Attach a photo or PDF to a report the actor may edit. Nothing is kept when it fails.
    `prepared`: the same file already processed before the caller's transaction
    (`evidence.prepare_uploads`), so that the photo work does not hold the database's lock."""
    obj = (
        Realisasi.objects.select_for_update(of=("self",))
        .select_related("sub_kegiatan__opd__pemda", "periode__tahun_anggaran")
        .get(pk=realisasi.pk)
    )
    if not can_edit(actor, obj.opd):
        raise PermissionDenied(_("Hanya operator OPD ini yang dapat melampirkan bukti."))
    if obj.status not in EDITABLE:
        raise ValidationError(
            _("Laporan berstatus %(s)s tidak dapat diubah.") % {"s": obj.get_status_display()}
        )
    tz = obj.opd.pemda.zona_waktu
    if prepared is not None and (prepared.name, prepared.data) == (name, data):
        processed = prepared.result(tz)
    else:
        processed = process_upload(name=upload_name(name), data=data, tz=tz)
    name = upload_name(name)
    if Bukti.objects.filter(realisasi=obj, sha256=processed.sha256).exists():
        raise ValidationError(_("Berkas %(n)s sudah dilampirkan pada laporan ini.") % {"n": name})
    warnings, distance = _photo_warnings(processed, obj.sub_kegiatan, obj.periode)
    stored: list[str] = []
    try:
        suffix = (
            ".pdf" if processed.jenis == "dokumen" else "." + processed.content_type.split("/")[1]
        )
        stored.append(store(processed.original, suffix=suffix))
        if processed.jenis == "foto":
            stored.append(store(processed.thumbnail, suffix=".jpg"))
            stored.append(store(processed.public, suffix=".jpg"))
        bukti = Bukti(
            pemda_id=obj.pemda_id,
            opd_id=obj.opd_id,
            realisasi=obj,
            jenis=processed.jenis,
            nama_berkas=name,
            berkas=stored[0],
            thumbnail=stored[1] if len(stored) > 1 else "",
            salinan_publik=stored[2] if len(stored) > 2 else "",
            content_type=processed.content_type,
            ukuran=processed.ukuran,
            sha256=processed.sha256,
            diambil_pada=processed.taken_at,
            latitude=processed.latitude,
            longitude=processed.longitude,
            jarak_m=distance,
            peringatan=warnings,
            diunggah_oleh=actor,
        )
        save_audited(actor=actor, obj=bukti, action="bukti.create")
    except BaseException:
        for name_ in stored:
            remove(name_)
        raise
    return bukti


@transaction.atomic
def bukti_remove(*, actor, bukti: Bukti) -> None:
    obj = (
        Bukti.objects.select_for_update(of=("self",))
        .select_related("realisasi__opd")
        .get(pk=bukti.pk)
    )
    if not can_edit(actor, obj.realisasi.opd) or obj.realisasi.status not in EDITABLE:
        raise PermissionDenied(_("Bukti ini tidak dapat dihapus."))
    files = [obj.berkas, obj.thumbnail, obj.salinan_publik]
    audit_record(
        actor=actor,
        action="bukti.delete",
        obj=obj,
        changes={k: [v, None] for k, v in snapshot(obj).items()},
    )
    obj.delete()
    transaction.on_commit(lambda: [remove(f) for f in files])


# ---------------------------------------------------------------- one submission from the phone


def _save_indicator_values(actor, sub: SubKegiatan, periode: PeriodeLaporan, values: dict) -> None:
    """Indicator values sent with a report ({indikator id: value}); blanks are skipped. Only the
    sub kegiatan's own indicators are accepted. Errors name their field (`indikator-<id>`)."""
    wanted = {
        int_param(k): v for k, v in values.items() if int_param(k) is not None and str(v).strip()
    }
    if not wanted:
        return
    indicators = {i.pk: i for i in Indikator.objects.filter(sub_kegiatan=sub, pk__in=wanted)}
    errors: dict[str, list[str]] = {}
    for pk, value in wanted.items():
        ind = indicators.get(pk)
        if ind is None:
            errors.setdefault(NON_FIELD, []).append(
                _("Indikator tidak dikenal untuk sub kegiatan ini.")
            )
            continue
        try:
            with transaction.atomic():
                realisasi_indikator_save(actor=actor, indikator=ind, periode=periode, nilai=value)
        except ValidationError as exc:
            errors[f"indikator-{pk}"] = error_messages(exc)
    if errors:
        raise ValidationError(errors)


NON_FIELD = "__all__"


def _merge(errors: dict[str, list], exc: ValidationError, field: str = NON_FIELD) -> None:
    """Collect a step's errors by field, so that a form shows every one of them at once."""
    if hasattr(exc, "error_dict"):
        for name, items in exc.message_dict.items():
            errors.setdefault(name, []).extend(items)
    else:
        errors.setdefault(field, []).extend(exc.messages)


@transaction.atomic
def laporan_kirim(
    *,
    actor,
    sub_kegiatan: SubKegiatan,
    periode: PeriodeLaporan,
    kunci: str,
    fields: dict,
    files: list[tuple[str, bytes]] | list[Upload],
    ajukan: bool = False,
) -> tuple[Realisasi, bool]:
    """Save a report with its evidence (and optionally submit it) in one transaction.

    What is submitted is what was sent: the fields are saved first, then submitted. Every
    error of the fields, the files and the indicator values is collected (keyed by field) before
    anything is refused, and nothing is kept when anything fails.

    `kunci` is the idempotency key made on the device: a repeated delivery of the same
    submission returns the first result and changes nothing. Returns (report, was_new).
    """
    kunci = (kunci or "").strip()
    if not 8 <= len(kunci) <= 64:
        raise ValidationError(_("Kunci pengiriman tidak sah."))
    # (name, data, processed before the transaction or None)
    given = [(f.name, f.data, f) if isinstance(f, Upload) else (*f, None) for f in files]
    sidik = _fingerprint(sub_kegiatan, periode, fields, [g[:2] for g in given], ajukan)
    seen = KunciPengiriman.objects.filter(kunci=kunci).first()
    if seen is not None:
        return _replay(seen, actor, sidik), False
    try:
        # The key row first: a concurrent delivery of the same key waits on its unique index
        # (PostgreSQL) or on the write lock (SQLite) and then replays this one's result.
        with transaction.atomic():
            key = KunciPengiriman.objects.create(
                pemda_id=sub_kegiatan.pemda_id,
                kunci=kunci,
                user=actor,
                sub_kegiatan=sub_kegiatan,
                periode=periode,
                sidik=sidik,
            )
    except IntegrityError:
        return _replay(KunciPengiriman.objects.get(kunci=kunci), actor, sidik), False
    added: list[Bukti] = []
    errors: dict[str, list] = {}
    try:
        report = None
        try:
            with transaction.atomic():
                report = realisasi_save(
                    actor=actor,
                    sub_kegiatan=sub_kegiatan,
                    periode=periode,
                    keuangan=fields.get("keuangan"),
                    fisik=fields.get("fisik"),
                    kendala=fields.get("kendala", ""),
                    tindak_lanjut=fields.get("tindak_lanjut", ""),
                    penjelasan=fields.get("penjelasan", ""),
                )
        except ValidationError as exc:
            _merge(errors, exc)
        for name, data, prepared in given:
            try:
                if report is None:  # still say what is wrong with the file itself
                    tz = sub_kegiatan.opd.pemda.zona_waktu
                    if prepared is not None:
                        prepared.result(tz)
                    else:
                        process_upload(name=upload_name(name), data=data, tz=tz)
                else:
                    with transaction.atomic():
                        added.append(
                            bukti_add(
                                actor=actor,
                                realisasi=report,
                                name=name,
                                data=data,
                                prepared=prepared,
                            )
                        )
            except ValidationError as exc:
                _merge(errors, exc, "bukti")
        try:
            _save_indicator_values(actor, sub_kegiatan, periode, fields.get("indikator") or {})
        except ValidationError as exc:
            _merge(errors, exc)
        if errors:
            raise ValidationError(errors)
        if ajukan:
            try:
                report = realisasi_transition(actor=actor, realisasi=report, name="submit")
            except ValidationError as exc:
                # the explanation a warning needs is asked for beside its field
                unexplained = bool(report.peringatan) and not report.penjelasan
                raise ValidationError(
                    {"penjelasan" if unexplained else NON_FIELD: exc.messages}
                ) from None
    except BaseException:
        # The transaction rolls back: remove the files this submission already wrote.
        for bukti in added:
            for name_ in (bukti.berkas, bukti.thumbnail, bukti.salinan_publik):
                remove(name_)
        raise
    key.realisasi = report
    key.hasil = {"status": report.status, "files": len(files)}
    key.save(update_fields=["realisasi", "hasil"])
    return report, True


def _fingerprint(sub, periode, fields: dict, files, ajukan: bool) -> str:
    payload = {
        "sub": sub.pk,
        "periode": periode.pk,
        "ajukan": bool(ajukan),
        "fields": {k: str(v) for k, v in sorted(fields.items())},
        "files": sorted((name, hashlib.sha256(data).hexdigest()) for name, data in files),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _replay(seen: KunciPengiriman, actor, sidik: str) -> Realisasi:
    """The first result of a key delivered again; refused when the key was used for other content."""
    if seen.user_id != actor.pk or seen.sidik != sidik or seen.realisasi is None:
        raise ValidationError(
            _(
                "Kunci pengiriman ini sudah dipakai untuk isi yang lain. Muat ulang formulir, lalu kirim lagi."
            ),
            code="kunci_dipakai",
        )
    return seen.realisasi
