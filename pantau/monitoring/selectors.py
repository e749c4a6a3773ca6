"""Reads of monitoring data, scoped to the requesting user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.http import Http404

from pantau.monitoring.choices import StatusRealisasi as S
from pantau.monitoring.models import (
    Bukti,
    PembukaanPeriode,
    PeriodeLaporan,
    Realisasi,
    RiwayatStatus,
)
from pantau.monitoring.workflow import PeriodeState, ketepatan, periode_state, today_in
from pantau.organisations.access import scope_for
from pantau.organisations.models import Opd
from pantau.planning.models import SubKegiatan

SUBMITTED = {S.DIAJUKAN, S.DISETUJUI, S.DIVERIFIKASI}
# Handed in: submitted, or verified earlier and now being corrected (its verified version stands;
# a correction does not make a report that was handed in on time missing).
HANDED_IN = Q(status__in=SUBMITTED) | Q(keuangan_resmi__isnull=False)


def access_sub_kegiatan(user, pk: int) -> SubKegiatan:
    from pantau.organisations.rahasia import rahasia_visible_q

    scope = scope_for(user)
    sub = (
        SubKegiatan.objects.filter(
            Q(pemda_id__in=scope.pemda_ids) | Q(opd_id__in=scope.opd_ids), pk=pk
        )
        .filter(rahasia_visible_q(user))
        .select_related("opd__pemda", "tahun_anggaran", "kegiatan__program", "kecamatan", "desa")
        .first()
    )
    if sub is None:
        raise Http404
    return sub


def access_realisasi(user, pk: int) -> Realisasi:
    """A monthly report the user may read: in scope, and of a sub kegiatan the user may read
    (a `rahasia` one only for its readers). Every action on a report (a workflow step) reads
    it through here, before any state check: the same 404 for a missing report and one the
    user may not read, so that an action neither changes nor reveals a rahasia report."""
    from pantau.organisations.rahasia import rahasia_visible_q

    scope = scope_for(user)
    obj = (
        Realisasi.objects.filter(
            Q(pemda_id__in=scope.pemda_ids) | Q(opd_id__in=scope.opd_ids), pk=pk
        )
        .filter(rahasia_visible_q(user, "sub_kegiatan__"))
        .select_related("opd__pemda", "sub_kegiatan__tahun_anggaran", "periode__tahun_anggaran")
        .first()
    )
    if obj is None:
        raise Http404
    return obj


def bukti_visible_q(user, prefix: str = "") -> Q:
    """The one rule for evidence: a photo or document is readable only when both it and its
    sub kegiatan are (a `rahasia` one, or one of a `rahasia` sub kegiatan, only for their
    readers). Every path that lists, counts, names or serves evidence filters with this;
    `prefix` reaches the evidence from another model (e.g. "bukti__" from a report)."""
    from pantau.organisations.rahasia import rahasia_visible_q

    return rahasia_visible_q(user, prefix) & rahasia_visible_q(
        user, f"{prefix}realisasi__sub_kegiatan__"
    )


def bukti_for_reports(user):
    """The evidence of reports as the user may see it (for a `Prefetch("bukti", ...)`)."""
    return Bukti.objects.filter(bukti_visible_q(user))


def audit_bukti_shown(*, user, reports, where: str) -> None:
    """Record the rahasia evidence a page lists (prefetched with `bukti_for_reports`)."""
    from pantau.organisations.rahasia import audit_rahasia_list

    audit_rahasia_list(user=user, objs=[b for r in reports for b in r.bukti.all()], where=where)


def access_bukti(user, pk: int) -> Bukti:
    """A piece of evidence the user may read (`bukti_visible_q`: it and its sub kegiatan); the
    read of a rahasia one, or of one of a rahasia sub kegiatan, is audited for both."""
    from pantau.organisations.rahasia import audit_rahasia_list

    scope = scope_for(user)
    obj = (
        Bukti.objects.filter(Q(pemda_id__in=scope.pemda_ids) | Q(opd_id__in=scope.opd_ids), pk=pk)
        .filter(bukti_visible_q(user))
        .select_related("realisasi__sub_kegiatan")
        .first()
    )
    if obj is None:
        raise Http404
    audit_rahasia_list(user=user, objs=[obj, obj.realisasi.sub_kegiatan], where="bukti")
    return obj


def bukti_detail(*, user, pk: int) -> Bukti:
    """A piece of evidence for its own page (the same access as `access_bukti`) with its report,
    sub kegiatan, period and uploader fetched."""
    obj = access_bukti(user, pk)
    return (
        Bukti.objects.select_related(
            "realisasi__sub_kegiatan__opd__pemda",
            "realisasi__periode__tahun_anggaran",
            "realisasi__opd",
            "diunggah_oleh",
        )
        .filter(pk=obj.pk)
        .get()
    )


def periode_get(*, sub: SubKegiatan, bulan: int) -> PeriodeLaporan:
    periode = (
        PeriodeLaporan.objects.select_related("tahun_anggaran")
        .filter(tahun_anggaran_id=sub.tahun_anggaran_id, bulan=bulan)
        .first()
    )
    if periode is None:
        raise Http404
    return periode


def reopened_until(*, periode: PeriodeLaporan, opd: Opd) -> dt.date | None:
    return (
        PembukaanPeriode.objects.filter(periode=periode, opd=opd)
        .order_by("-berlaku_sampai")
        .values_list("berlaku_sampai", flat=True)
        .first()
    )


def periode_default(*, opd: Opd, tahun: int | None = None) -> PeriodeLaporan | None:
    """The period an operator works on now: the oldest one still open (last month until its
    cut-off, then this month), in the pemda's time zone; else the latest started one."""
    today = today_in(opd.pemda)
    years = [tahun] if tahun else [today.year - 1, today.year]
    periods = list(
        PeriodeLaporan.objects.filter(pemda_id=opd.pemda_id, tahun_anggaran__tahun__in=years)
        .select_related("tahun_anggaran")
        .order_by("tahun_anggaran__tahun", "bulan")
    )
    states = [(p, periode_state(p, opd, today=today)) for p in periods]
    open_ = [p for p, state in states if state == PeriodeState.TERBUKA]
    if open_:
        return open_[0]
    started = [p for p, state in states if state != PeriodeState.BELUM_DIBUKA]
    if started:
        return started[-1]
    return periods[0] if periods else None


@dataclass
class EntryRow:
    sub: SubKegiatan
    report: Realisasi | None
    fisik_sebelumnya: object
    jumlah_bukti: int
    kurang: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.report.status if self.report else "belum"


def entry_rows(*, user, opd: Opd, periode: PeriodeLaporan) -> list[EntryRow]:
    """The OPD's sub kegiatan for a period, with the report, last month's physical progress, the
    number of evidence files and what is still missing. Four queries whatever the size."""
    if not scope_for(user).can_read_opd(opd) or periode.pemda_id != opd.pemda_id:
        raise Http404
    previous = Realisasi.objects.filter(
        sub_kegiatan=OuterRef("pk"), periode__bulan__lt=periode.bulan
    )
    from pantau.organisations.rahasia import audit_rahasia_list, rahasia_visible_q

    subs = (
        SubKegiatan.objects.filter(opd=opd, tahun_anggaran_id=periode.tahun_anggaran_id)
        .filter(rahasia_visible_q(user))
        .select_related("tahun_anggaran")
        .annotate(fisik_lalu=Subquery(previous.order_by("-periode__bulan").values("fisik")[:1]))
        .order_by("kode")
    )
    reports = {
        r.sub_kegiatan_id: r
        for r in Realisasi.objects.filter(opd=opd, periode=periode).annotate(
            n_bukti=Count("bukti", filter=bukti_visible_q(user, "bukti__"))
        )
    }
    subs = list(subs)
    audit_rahasia_list(user=user, objs=subs, where="daftar laporan bulanan")
    rows = []
    for sub in subs:
        report = reports.get(sub.pk)
        row = EntryRow(sub, report, sub.fisik_lalu, report.n_bukti if report else 0)
        if report is None:
            row.kurang.append("laporan")
        else:
            if report.n_bukti == 0:
                row.kurang.append("bukti")
            if report.peringatan and not report.penjelasan:
                row.kurang.append("penjelasan")
        rows.append(row)
    return rows


def _trail():
    """Workflow steps with the people who took them, their positions and OPDs fetched (shown by
    name and position: organisations.selectors.person_label)."""
    return (
        RiwayatStatus.objects.select_related("aktor")
        .prefetch_related("aktor__memberships__opd")
        .order_by("created_at")
    )


def report_detail(*, user, sub: SubKegiatan, periode: PeriodeLaporan) -> Realisasi | None:
    """The month's report of a sub kegiatan the user may read, with the evidence the user may
    read (`bukti_visible_q`) and the trail."""
    from pantau.organisations.rahasia import may_read_rahasia

    if not scope_for(user).can_read_opd(sub.opd) or not may_read_rahasia(user, sub):
        raise Http404
    return (
        Realisasi.objects.filter(sub_kegiatan=sub, periode=periode)
        .prefetch_related(
            Prefetch("bukti", queryset=bukti_for_reports(user)),
            Prefetch("riwayat", queryset=_trail()),
        )
        .first()
    )


def report_form(*, user, sub: SubKegiatan, periode: PeriodeLaporan) -> Realisasi | None:
    """`report_detail` for the report form page: showing the form of a `rahasia` sub kegiatan
    (or rahasia evidence on it) is recorded as a rahasia read, like every other page."""
    from pantau.organisations.rahasia import audit_rahasia_read

    report = report_detail(user=user, sub=sub, periode=periode)
    audit_rahasia_read(user=user, obj=sub, where="laporan bulanan")
    if report is not None:
        audit_bukti_shown(user=user, reports=[report], where="laporan bulanan: bukti")
    return report


def fisik_sebelumnya(*, sub: SubKegiatan, bulan: int):
    return (
        Realisasi.objects.filter(sub_kegiatan=sub, periode__bulan__lt=bulan)
        .order_by("-periode__bulan")
        .values_list("fisik", flat=True)
        .first()
    )


def history(*, user, sub: SubKegiatan) -> list[Realisasi]:
    """Every monthly report of a sub kegiatan with its trail, the trail's people and evidence
    (five queries).
    A `rahasia` sub kegiatan only for its readers, and the read is audited."""
    from pantau.organisations.rahasia import audit_rahasia_read, may_read_rahasia

    if not scope_for(user).can_read_opd(sub.opd) or not may_read_rahasia(user, sub):
        raise Http404
    audit_rahasia_read(user=user, obj=sub, where="riwayat sub kegiatan")
    reports = list(
        Realisasi.objects.filter(sub_kegiatan=sub)
        .select_related("periode__tahun_anggaran")
        .prefetch_related(
            Prefetch("bukti", queryset=bukti_for_reports(user)),
            Prefetch("riwayat", queryset=_trail()),
        )
        .order_by("periode__bulan")
    )
    audit_bukti_shown(user=user, reports=reports, where="riwayat sub kegiatan: bukti")
    return reports


@dataclass
class ComplianceRow:
    opd: Opd
    jumlah_sub: int = 0
    per_status: dict = field(default_factory=dict)
    tepat_waktu: int = 0
    terlambat: int = 0
    belum: int = 0
    tidak_ada: int = 0

    @property
    def persen_tepat_waktu(self) -> Decimal:
        """The share of the OPD's sub kegiatan reported on time (0 to 100)."""
        if not self.jumlah_sub:
            return Decimal(0)
        return (Decimal(100) * self.tepat_waktu / self.jumlah_sub).quantize(Decimal("0.1"))

    @property
    def keadaan(self) -> str:
        """lengkap (all submitted on time), terlambat (all in, some late), kurang (missing)."""
        if self.jumlah_sub == 0:
            return "tanpa_rencana"
        if self.tidak_ada:
            return "tidak_lengkap"
        if self.belum:
            return "berjalan"
        return "terlambat" if self.terlambat else "tepat_waktu"


def compliance(*, user, periode: PeriodeLaporan) -> list[ComplianceRow]:
    """Every visible OPD's reporting state for a period (Bappeda's view). Three queries."""
    pemda = periode.tahun_anggaran.pemda
    if periode.pemda_id not in scope_for(user).pemda_ids:
        raise Http404
    today = today_in(pemda)
    rows = {
        o.pk: ComplianceRow(o) for o in Opd.objects.filter(pemda=pemda, aktif=True).order_by("kode")
    }
    from pantau.organisations.rahasia import rahasia_visible_q

    # what the user may not read counts nowhere (a count must not reveal a rahasia item)
    counts = (
        SubKegiatan.objects.filter(tahun_anggaran_id=periode.tahun_anggaran_id)
        .filter(rahasia_visible_q(user))
        .values("opd_id")
        .annotate(n=Count("id"))
    )
    for item in counts:
        if item["opd_id"] in rows:
            rows[item["opd_id"]].jumlah_sub = item["n"]
    for opd_id, status, diajukan_pada, resmi in (
        Realisasi.objects.filter(periode=periode)
        .filter(rahasia_visible_q(user, "sub_kegiatan__"))
        .values_list("opd_id", "status", "diajukan_pada", "keuangan_resmi")
    ):
        row = rows.get(opd_id)
        if row is None:
            continue
        row.per_status[status] = row.per_status.get(status, 0) + 1
        handed_in = status in SUBMITTED or resmi is not None
        if handed_in and diajukan_pada is not None:  # first submission decides on time/late
            kind = ketepatan(diajukan_pada, periode, pemda, today=today)
            setattr(row, kind, getattr(row, kind) + 1)
    for row in rows.values():
        submitted = row.tepat_waktu + row.terlambat
        not_in = max(0, row.jumlah_sub - submitted)
        if today <= periode.batas_waktu:
            row.belum = not_in
        else:
            row.tidak_ada = not_in
    return sorted(rows.values(), key=compliance_order)


def compliance_order(row: ComplianceRow) -> tuple:
    """Worst first (the rule printed on the page and in the user guide): OPDs with a plan
    before those without; then the most reports missing after the cut-off; then the most
    submitted late; then the lowest share submitted on time; then the OPD's name."""
    return (
        row.jumlah_sub == 0,
        -row.tidak_ada,
        -row.terlambat,
        row.persen_tepat_waktu,
        row.opd.nama.casefold(),
        row.opd.pk,
    )


def missing_reports_by_opd(*, pemda, today: dt.date):
    """(periode, opd, number of sub kegiatan not yet submitted) for periods whose cut-off falls
    within the reminder window."""
    window_end = today + dt.timedelta(days=pemda.hari_pengingat)
    periods = PeriodeLaporan.objects.filter(
        pemda=pemda, batas_waktu__gte=today, batas_waktu__lte=window_end
    ).select_related("tahun_anggaran")
    out = []
    for periode in periods:
        if dt.date(periode.tahun_anggaran.tahun, periode.bulan, 1) > today:
            continue
        submitted = dict(
            Realisasi.objects.filter(HANDED_IN, periode=periode)
            .values("opd_id")
            .annotate(n=Count("id"))
            .values_list("opd_id", "n")
        )
        totals = (
            SubKegiatan.objects.filter(tahun_anggaran_id=periode.tahun_anggaran_id)
            .values("opd_id")
            .annotate(n=Count("id"))
            .values_list("opd_id", "n")
        )
        opds = {o.pk: o for o in Opd.objects.filter(pemda=pemda, aktif=True)}
        for opd_id, total in totals:
            missing = total - submitted.get(opd_id, 0)
            if missing > 0 and opd_id in opds:
                out.append((periode, opds[opd_id], missing))
    return out


def years_with_periods(*, pemda) -> list[int]:
    return list(
        PeriodeLaporan.objects.filter(pemda=pemda)
        .values_list("tahun_anggaran__tahun", flat=True)
        .distinct()
        .order_by("-tahun_anggaran__tahun")
    )


def compliance_period(*, pemda, tahun: int | None, bulan: int | None) -> PeriodeLaporan | None:
    """The period of the compliance view: the requested month, else the latest month whose
    cut-off has passed (across years: in early January that is last year's November or
    December), else the first one of the year."""
    base = PeriodeLaporan.objects.filter(pemda=pemda).select_related("tahun_anggaran")
    if tahun is None and not bulan:
        today = today_in(pemda)
        latest = (
            base.filter(batas_waktu__lt=today).order_by("-tahun_anggaran__tahun", "-bulan").first()
        )
        return latest or base.filter(tahun_anggaran__tahun=today.year).order_by("bulan").first()
    if tahun is None:
        tahun = today_in(pemda).year
    qs = base.filter(tahun_anggaran__tahun=tahun)
    if bulan:
        return qs.filter(bulan=bulan).first()
    today = today_in(pemda)
    return (
        qs.filter(batas_waktu__lt=today).order_by("-bulan").first() or qs.order_by("bulan").first()
    )


def periode_by_id(*, pemda, pk: int) -> PeriodeLaporan:
    periode = (
        PeriodeLaporan.objects.select_related("tahun_anggaran").filter(pemda=pemda, pk=pk).first()
    )
    if periode is None:
        raise Http404
    return periode


@dataclass
class IndikatorRow:
    indikator: object
    nilai: object  # this period's value (or what the user typed), None when empty
    sebelumnya: object  # the latest value of an earlier period
    target: object  # the quarter's target, else the annual one


def indikator_rows(
    *, user, sub: SubKegiatan, periode: PeriodeLaporan, posted: dict | None = None
) -> list[IndikatorRow]:
    """The sub kegiatan's indicators with this period's value and the previous one (2 queries).
    A `rahasia` indicator is listed only to its readers, and the listing is audited."""
    from pantau.monitoring.models import RealisasiIndikator
    from pantau.organisations.rahasia import audit_rahasia_list, rahasia_visible_q
    from pantau.planning.models import Indikator

    indicators = list(
        Indikator.objects.filter(sub_kegiatan=sub).filter(rahasia_visible_q(user)).order_by("id")
    )
    audit_rahasia_list(user=user, objs=indicators, where="laporan bulanan: indikator")
    values: dict[int, dict[int, object]] = {}
    for ind_id, bulan, nilai in RealisasiIndikator.objects.filter(
        indikator__in=indicators
    ).values_list("indikator_id", "periode__bulan", "nilai"):
        values.setdefault(ind_id, {})[bulan] = nilai
    rows = []
    for ind in indicators:
        series = values.get(ind.pk, {})
        earlier = [v for m, v in sorted(series.items()) if m < periode.bulan]
        target = ind.targets_triwulan[periode.triwulan - 1] or ind.target_tahunan
        current = (
            (posted or {}).get(str(ind.pk)) if posted is not None else series.get(periode.bulan)
        )
        rows.append(IndikatorRow(ind, current, earlier[-1] if earlier else None, target))
    return rows


def reopen_scope(*, periode: PeriodeLaporan, opd) -> dict[str, int]:
    """What a reopening concerns: the OPD's reports of the period by state (for the
    confirmation screen and the audit event)."""
    counts = dict(
        Realisasi.objects.filter(periode=periode, opd=opd)
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {
        "total": sum(counts.values()),
        "diverifikasi": counts.get(S.DIVERIFIKASI, 0),
        "lain": sum(n for s_, n in counts.items() if s_ != S.DIVERIFIKASI),
    }
