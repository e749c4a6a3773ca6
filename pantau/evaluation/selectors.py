"""The leadership dashboard: every figure read from the roll-up tables, scoped to the user."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.http import Http404

from pantau.evaluation.achievement import CATATAN, Capaian, capaian, rata_rata
from pantau.evaluation.capaian import capaian_triwulan, distribusi_capaian
from pantau.evaluation.categories import kategori_for
from pantau.evaluation.choices import Dasar
from pantau.evaluation.kelompok import (
    PENUNJANG,
    SEMUA,
    OpdAngka,
    indikator_q,
    opd_angka,
    program_q,
    progress_of,
    sub_rows,
    sums,
)
from pantau.evaluation.models import RingkasanIndikator, RingkasanOpd, RingkasanSubKegiatan
from pantau.evaluation.progress import Progress, from_opd_row, total
from pantau.evaluation.ranking import Bobot, Skor, peringkat
from pantau.evaluation.terbaca import also, saring_indikator, saring_sub
from pantau.organisations.access import scope_for
from pantau.organisations.choices import Role
from pantau.organisations.models import Opd

DASHBOARD_ROLES = {Role.PIMPINAN, Role.AUDITOR, Role.VERIFIKATOR, Role.ADMIN}


@dataclass
class OpdRow:
    opd: Opd
    progress: Progress
    capaian: Decimal | None
    indikator_terdefinisi: int
    kritis: int
    uang_tanpa_fisik: int
    ketepatan: Decimal | None
    skor: Skor | None = None
    di_atas_rencana_kas: int = 0
    melebihi_pagu: int = 0

    @property
    def serapan_terhadap_rencana(self) -> Decimal | None:
        return self.progress.serapan_terhadap_rencana

    @property
    def fisik_terhadap_rencana(self) -> Decimal | None:
        p = self.progress
        if not p.target_fisik_x_pagu:
            return None
        return p.fisik_x_pagu_rencana * 100 / p.target_fisik_x_pagu

    @property
    def kategori(self):
        return kategori_for(self.capaian)


@dataclass
class Dashboard:
    pemda: object
    tahun_anggaran: object
    bulan: int
    triwulan: int
    total: Progress
    capaian: Decimal | None
    kategori: object
    opd_rows: list[OpdRow]
    indikator_dinilai: int  # indicators whose achievement is defined (in the average)
    indikator_jumlah: int
    bobot: Bobot
    kritis: int
    uang_tanpa_fisik: int
    belum_melapor: int | None  # None: the month is running, nothing is missing yet
    di_atas_rencana_kas: int = 0
    kurva: dict = field(default_factory=dict)
    distribusi: list = field(default_factory=list)
    peringatan: list = field(default_factory=list)
    tahun_lalu: Progress | None = None
    kurva_lalu: dict = field(default_factory=dict)  # last year's monthly figures
    bulan_awal: int = 1
    realisasi_sebelum: Decimal = Decimal(0)  # cumulative Rp just before the period started
    kelompok: str = SEMUA  # programme group shown (kelompok.py): every programme by default
    pagu_semua: Decimal = Decimal(0)  # pagu of every programme, whatever the group shown
    pagu_penunjang: Decimal = Decimal(0)  # of which the support programmes (U.BB.01)
    dasar: str = Dasar.TERVERIFIKASI
    berjalan: bool = False  # the month's reports are not due yet: no alarms, no category
    melebihi_pagu: int = 0

    @property
    def label(self) -> str:
        from pantau.evaluation.periods import label_angka

        return label_angka(
            dasar=self.dasar,
            bulan=self.bulan,
            tahun=self.tahun_anggaran.tahun,
            berjalan=self.berjalan,
        )

    @property
    def persen_penunjang(self) -> Decimal | None:
        return self.pagu_penunjang * 100 / self.pagu_semua if self.pagu_semua else None

    @property
    def realisasi_periode(self) -> Decimal:
        """Rp spent within the period (month, quarter or year)."""
        return self.total.realisasi - self.realisasi_sebelum


def ketepatan_opd(*, user, tahun_anggaran, kelompok: str = SEMUA):
    """Share of each OPD's sub kegiatan reported on time in the year's last closed period:
    (period, {opd id: percent}); (None, {}) before the first cut-off.

    The same rule as the compliance page (first submission on or before the cut-off day, pemda
    time), counted by the database in one grouped query; the denominator is the OPD's number of
    sub kegiatan from the roll-up (of the programme group shown)."""
    import datetime as dt
    import zoneinfo

    from pantau.monitoring.models import Realisasi
    from pantau.monitoring.selectors import HANDED_IN, compliance_period

    pemda = tahun_anggaran.pemda
    if not dashboard_allowed(user, pemda):
        raise Http404
    periode = compliance_period(pemda=pemda, tahun=tahun_anggaran.tahun, bulan=None)
    if periode is None:
        return None, {}
    saring = saring_sub(user, pemda.pk)  # what the user may not read counts nowhere
    cutoff = dt.datetime.combine(
        periode.batas_waktu + dt.timedelta(days=1), dt.time(), zoneinfo.ZoneInfo(pemda.zona_waktu)
    )
    on_time = dict(
        Realisasi.objects.filter(HANDED_IN, periode=periode, diajukan_pada__lt=cutoff)
        .filter(also(program_q(kelompok, "sub_kegiatan__"), saring))
        .values("opd_id")
        .annotate(n=Count("id"))
        .values_list("opd_id", "n")
    )
    one_basis = Dasar.TERVERIFIKASI  # the number of sub kegiatan is the same on both bases
    if kelompok == SEMUA and saring is None:
        totals = RingkasanOpd.objects.filter(
            tahun_anggaran_id=periode.tahun_anggaran_id,
            dasar=one_basis,
            bulan=periode.bulan,
            jumlah_sub__gt=0,
        ).values_list("opd_id", "jumlah_sub")
    else:
        totals = (
            RingkasanSubKegiatan.objects.filter(
                tahun_anggaran_id=periode.tahun_anggaran_id, dasar=one_basis, bulan=periode.bulan
            )
            .filter(also(program_q(kelompok, "sub_kegiatan__"), saring))
            .values("opd_id")
            .annotate(n=Count("id"))
            .values_list("opd_id", "n")
        )
    return periode, {
        opd_id: Decimal(on_time.get(opd_id, 0)) * 100 / jumlah for opd_id, jumlah in totals
    }


def dashboard_allowed(user, pemda) -> bool:
    return scope_for(user).role_in(pemda.pk) in DASHBOARD_ROLES


def dashboard_for(
    *,
    user,
    tahun_anggaran,
    bulan: int,
    ketepatan: dict[int, Decimal | None],
    tahun_lalu=None,
    bulan_awal: int | None = None,
    kelompok: str = SEMUA,
    dasar: str = Dasar.TERVERIFIKASI,
    kalender=None,
) -> Dashboard:
    """All dashboard figures for a pemda's year up to `bulan`, on one basis (verified by
    default); a period starting at `bulan_awal` (a quarter, the year) also gets the money spent
    within it; `kelompok` keeps to one programme group (support programmes or the others), on
    every part of the page. A month whose reports are not due yet is marked as running: no
    "belum melapor" or critical alarms, and achievement only for quarters that have ended and
    are due. Every part of the page reads the same set of OPDs: those that had sub kegiatan in
    the year, active or not. A fixed number of queries, whatever the size of the data."""
    from pantau.evaluation.periods import Kalender

    pemda = tahun_anggaran.pemda
    bulan_awal = bulan_awal or bulan
    if not dashboard_allowed(user, pemda):
        raise Http404
    kalender = kalender or Kalender.of(tahun_anggaran)
    berjalan = kalender.berjalan(bulan)
    triwulan = kalender.triwulan_selesai(bulan)  # 0: no quarter has ended yet
    # every figure leaves out what the user may not read (evaluation.terbaca)
    saring = saring_sub(user, pemda.pk)
    figures = opd_angka(tahun_anggaran, bulan, kelompok, dasar, saring)
    where = also(indikator_q(kelompok), saring_indikator(user, pemda.pk))
    indicators = capaian_triwulan(tahun_anggaran, triwulan, where, dasar) if triwulan else []
    by_opd: dict[int, list[Capaian]] = {}
    for opd_id, result in indicators:
        by_opd.setdefault(opd_id, []).append(result)
    # history survives restructuring: an OPD deactivated since still counts for its year
    opds = {
        o.pk: o
        for o in Opd.objects.filter(pemda=pemda).filter(
            Q(aktif=True) | Q(pk__in=[k for k, f in figures.items() if f.progress.jumlah_sub])
        )
    }
    rows = []
    for opd_id, opd in sorted(opds.items(), key=lambda kv: kv[1].kode):
        db = figures.get(opd_id) or OpdAngka(Progress())
        own = by_opd.get(opd_id, [])
        rows.append(
            OpdRow(
                opd=opd,
                progress=db.progress,
                capaian=rata_rata(own),
                indikator_terdefinisi=sum(1 for c in own if c.terdefinisi),
                kritis=db.kritis,
                uang_tanpa_fisik=db.uang_tanpa_fisik,
                ketepatan=ketepatan.get(opd_id),
                di_atas_rencana_kas=db.di_atas_rencana_kas,
                melebihi_pagu=db.melebihi_pagu,
            )
        )
    bobot = Bobot.of(pemda)
    scores = peringkat(
        [
            Skor(
                r,
                {
                    "capaian": r.capaian,
                    "serapan": r.serapan_terhadap_rencana,
                    "fisik": r.fisik_terhadap_rencana,
                    "ketepatan": r.ketepatan,
                },
            )
            for r in rows
            if r.progress.jumlah_sub
        ],
        bobot,
    )
    for s in scores:
        s.key.skor = s
    ranked = [s.key for s in scores] + [r for r in rows if not r.progress.jumlah_sub]
    pemda_cap = rata_rata([c for _opd, c in indicators])
    grand = total(r.progress for r in rows)
    shares = (
        RingkasanSubKegiatan.objects.filter(tahun_anggaran=tahun_anggaran, dasar=dasar, bulan=bulan)
        .filter(also(Q(), saring))
        .aggregate(
            semua=Sum("pagu"),
            penunjang=Sum("pagu", filter=program_q(PENUNJANG, "sub_kegiatan__")),
        )
    )
    return Dashboard(
        pemda=pemda,
        tahun_anggaran=tahun_anggaran,
        bulan=bulan,
        triwulan=triwulan,
        total=grand,
        capaian=pemda_cap,
        kategori=kategori_for(pemda_cap),
        opd_rows=ranked,
        indikator_dinilai=sum(1 for _opd, c in indicators if c.terdefinisi),
        indikator_jumlah=len(indicators),
        bobot=bobot,
        kritis=sum(r.kritis for r in rows),
        uang_tanpa_fisik=sum(r.uang_tanpa_fisik for r in rows),
        belum_melapor=None if berjalan else grand.jumlah_sub - grand.dilaporkan,
        di_atas_rencana_kas=sum(r.di_atas_rencana_kas for r in rows),
        kurva=_curve(tahun_anggaran, kelompok, dasar, bulan, saring),
        distribusi=distribusi_capaian([c for _opd, c in indicators]) if triwulan else [],
        peringatan=[] if berjalan else _warnings(tahun_anggaran, bulan, user, kelompok, dasar),
        tahun_lalu=_last_year(tahun_lalu, bulan, kelompok, dasar, saring),
        kurva_lalu=_curve(tahun_lalu, kelompok, dasar, saring=saring)
        if tahun_lalu is not None
        else {},
        bulan_awal=bulan_awal,
        realisasi_sebelum=_spent_before(tahun_anggaran, bulan_awal, kelompok, dasar, saring),
        kelompok=kelompok,
        pagu_semua=shares["semua"] or Decimal(0),
        pagu_penunjang=shares["penunjang"] or Decimal(0),
        dasar=dasar,
        berjalan=berjalan,
        melebihi_pagu=sum(r.melebihi_pagu for r in rows),
    )


def _spent_before(ta, bulan_awal: int, kelompok: str, dasar: str, saring=None) -> Decimal:
    """Cumulative realisation at the end of the month before the period (0 for January)."""
    if bulan_awal <= 1:
        return Decimal(0)
    rows = (
        RingkasanOpd.objects.filter(tahun_anggaran=ta, dasar=dasar)
        if kelompok == SEMUA and saring is None
        else sub_rows(ta, kelompok, dasar, saring)
    )
    got = rows.filter(bulan=bulan_awal - 1).aggregate(s=Sum("realisasi"))["s"]
    return got or Decimal(0)


def _curve(ta, kelompok: str, dasar: str, bulan: int = 12, saring=None) -> dict:
    """Monthly pemda figures for the S-curve and absorption charts (one grouped query): the
    plan for the whole year, the realisation only up to `bulan` (never later months drawn
    from carried-forward values)."""
    if kelompok == SEMUA and saring is None:
        months = (
            RingkasanOpd.objects.filter(tahun_anggaran=ta, dasar=dasar)
            .values("bulan")
            .annotate(
                **{
                    f"t_{name}": Sum(name)
                    for name in (
                        "pagu",
                        "realisasi",
                        "pagu_rencana",
                        "rencana_kas",
                        "fisik_x_pagu",
                        "target_fisik_x_pagu",
                    )
                }
            )
        )
    else:
        months = sub_rows(ta, kelompok, dasar, saring).values("bulan").annotate(**sums())
    out = {"bulan": [], "rencana_fisik": [], "fisik": [], "rencana_kas": [], "keuangan": []}
    for m in months.order_by("bulan"):
        p = progress_of(m)
        out["bulan"].append(m["bulan"])
        out["rencana_fisik"].append(_pct(p.target_fisik))
        out["rencana_kas"].append(_pct(p.persen_rencana_kas))
        shown = m["bulan"] <= bulan
        out["fisik"].append(_pct(p.fisik) if shown else None)
        out["keuangan"].append(_pct(p.persen_keuangan) if shown else None)
    return out


def _pct(value: Decimal | None) -> float | None:
    # Chart data only (rounded for display); the figures shown as text stay Decimal.
    return None if value is None else round(float(value), 2)


# Critical lists: the most serious warning first (kritis, then money without physical progress,
# then spending above the cash plan), the largest first within a level, then the larger pagu;
# the code only breaks ties (evaluation.warnings.keparahan).
KEPARAHAN = ("-tingkat_peringatan", "-keparahan", "-pagu", "opd__kode", "sub_kegiatan__kode")


def _warnings(
    ta, bulan: int, user, kelompok: str, dasar: str, limit: int = 20
) -> list[RingkasanSubKegiatan]:
    """The sub kegiatan of the month with a warning, most severe first (rahasia ones only for
    their readers)."""
    from pantau.organisations.rahasia import audit_rahasia_list, rahasia_visible_q

    rows = list(
        RingkasanSubKegiatan.objects.filter(tahun_anggaran=ta, dasar=dasar, bulan=bulan)
        .filter(rahasia_visible_q(user, "sub_kegiatan__"))
        .filter(Q(tingkat_peringatan__gt=0) | Q(melebihi_pagu=True))
        .filter(program_q(kelompok, "sub_kegiatan__"))
        .select_related("sub_kegiatan", "opd")
        .order_by(*KEPARAHAN)[:limit]
    )
    audit_rahasia_list(
        user=user, objs=[r.sub_kegiatan for r in rows], where="dasbor: peringatan dini"
    )
    return rows


def _last_year(ta_lalu, bulan: int, kelompok: str, dasar: str, saring=None) -> Progress | None:
    if ta_lalu is None:
        return None
    if kelompok != SEMUA or saring is not None:
        rows = sub_rows(ta_lalu, kelompok, dasar, saring).filter(bulan=bulan)
        got = progress_of(rows.aggregate(**sums()))
        return got if got.jumlah_sub else None
    rows = RingkasanOpd.objects.filter(tahun_anggaran=ta_lalu, dasar=dasar, bulan=bulan)
    return total(from_opd_row(r) for r in rows) if rows else None


def peta(
    *, user, tahun_anggaran, bulan: int, dasar: str = Dasar.TERVERIFIKASI, kelompok: str = SEMUA
) -> dict:
    """Map layers for the dashboard: the pemda's islands and the located sub kegiatan with their
    status this month, plus a per-kecamatan summary (three queries)."""
    from django.urls import reverse

    from pantau.organisations.rahasia import audit_rahasia_list, rahasia_visible_q
    from pantau.organisations.selectors import pulau_peta
    from pantau.planning.models import SubKegiatan

    pemda = tahun_anggaran.pemda
    if not dashboard_allowed(user, pemda):
        raise Http404
    islands = pulau_peta(pemda=pemda)
    # plain values, one URL pattern: a regency has well over a thousand located sub kegiatan
    url = reverse("monitoring:riwayat", args=[0]).replace("/0/", "/{}/")
    located = list(
        RingkasanSubKegiatan.objects.filter(
            tahun_anggaran=tahun_anggaran,
            dasar=dasar,
            bulan=bulan,
            sub_kegiatan__latitude__isnull=False,
        )
        .filter(rahasia_visible_q(user, "sub_kegiatan__"))
        .filter(program_q(kelompok, "sub_kegiatan__"))
        .values_list(
            "sub_kegiatan_id",
            "sub_kegiatan__nama",
            "opd__singkatan",
            "sub_kegiatan__latitude",
            "sub_kegiatan__longitude",
            "status_fisik",
            "fisik",
            "target_fisik",
            "sub_kegiatan__klasifikasi",
            "opd_id",
        )
    )
    markers = [
        {
            "nama": nama,
            "opd": opd,
            "lat": float(lat),
            "lng": float(lng),
            "status": status,
            "fisik": float(fisik),
            "target": None if target is None else float(target),
            "url": url.format(sub_id),
        }
        for sub_id, nama, opd, lat, lng, status, fisik, target, _k, _o in located
    ]
    audit_rahasia_list(
        user=user,
        model=SubKegiatan,
        objs=[(r[0], r[1], r[8], pemda.pk, r[9]) for r in located],
        where="dasbor: peta",
    )
    per_kecamatan = list(
        RingkasanSubKegiatan.objects.filter(
            tahun_anggaran=tahun_anggaran,
            dasar=dasar,
            bulan=bulan,
            sub_kegiatan__kecamatan__isnull=False,
        )
        .filter(also(program_q(kelompok, "sub_kegiatan__"), saring_sub(user, pemda.pk)))
        .values("sub_kegiatan__kecamatan__kode", "sub_kegiatan__kecamatan__nama")
        .annotate(
            jumlah=Count("id"),
            pagu=Sum("pagu"),
            realisasi=Sum("realisasi"),
            kritis=Count("id", filter=Q(status_fisik="kritis")),
        )
        .order_by("sub_kegiatan__kecamatan__kode")
    )
    return {"pulau": islands, "titik": markers, "kecamatan": per_kecamatan}


RINCIAN_SUB = {
    "sub": Q(),  # every sub kegiatan behind pagu, realisation and physical progress
    "kritis": Q(status_fisik="kritis"),
    "uang": Q(uang_tanpa_fisik=True),
    "kas": Q(di_atas_rencana_kas=True),
    "belum": Q(dilaporkan=False),
    "melebihi": Q(melebihi_pagu=True),
}
RINCIAN_PARAH = {"kritis", "uang", "kas"}  # warning lists: sorted by severity


@dataclass
class Rincian:
    """The rows behind one dashboard figure, with their totals (which equal the figure)."""

    jenis: str
    rows: object  # queryset, paginated by the view
    jumlah: int
    total: Progress | None = None  # sub kegiatan rows
    capaian: Decimal | None = None  # indicator rows: the average shown on the dashboard
    opd: Opd | None = None
    kecamatan: object = None
    catatan: str = ""  # indicator rows: only those undefined for this reason
    kelompok: str = SEMUA  # programme group (kelompok.py)

    @property
    def catatan_label(self) -> str:
        return str(CATATAN[self.catatan]) if self.catatan else ""


def rincian_for(
    *,
    user,
    tahun_anggaran,
    bulan: int,
    jenis: str,
    opd_id=None,
    kecamatan=None,
    catatan=None,
    kelompok: str = SEMUA,
    dasar: str = Dasar.TERVERIFIKASI,
    kalender=None,
) -> Rincian:
    """Rows of the roll-up tables a dashboard figure is computed from, filtered like the figure
    (optionally to one OPD or one kecamatan). Same scope rule as the dashboard."""
    from pantau.organisations.models import Wilayah

    pemda = tahun_anggaran.pemda
    if not dashboard_allowed(user, pemda) or (jenis not in RINCIAN_SUB and jenis != "indikator"):
        raise Http404
    opd = None
    if opd_id is not None:
        opd = Opd.objects.filter(pemda=pemda, pk=opd_id).first()
        if opd is None:
            raise Http404
    kec = None
    if kecamatan:
        kec = Wilayah.objects.filter(pemda=pemda, kode=kecamatan, tingkat="kecamatan").first()
        if kec is None:
            raise Http404
    if jenis == "indikator":
        from pantau.evaluation.periods import Kalender

        triwulan = (kalender or Kalender.of(tahun_anggaran)).triwulan_selesai(bulan)
        where = (Q(opd=opd) if opd else Q()) & indikator_q(kelompok)
        if catatan in CATATAN:  # the indicators that cannot be assessed, for one reason
            where &= Q(catatan=catatan)
        # the figure and the list leave out the rahasia indicators (and those of a rahasia
        # sub kegiatan) for a user who may not read them, as the dashboard does
        where = also(where, saring_indikator(user, pemda.pk))
        results = [c for _opd, c in capaian_triwulan(tahun_anggaran, triwulan, where, dasar)]
        visible = RingkasanIndikator.objects.filter(
            tahun_anggaran=tahun_anggaran, dasar=dasar, triwulan=triwulan
        ).filter(where)
        return Rincian(
            jenis=jenis,
            rows=visible.select_related("indikator__sub_kegiatan", "opd").order_by(
                # the lowest achievement first, those that cannot be assessed after them (the
                # same order on every database)
                "opd__kode",
                F("capaian").asc(nulls_last=True),
                "pk",
            ),
            jumlah=len(results),
            capaian=rata_rata(results),
            opd=opd,
            catatan=catatan if catatan in CATATAN else "",
            kelompok=kelompok,
        )
    qs = (
        RingkasanSubKegiatan.objects.filter(tahun_anggaran=tahun_anggaran, dasar=dasar, bulan=bulan)
        .filter(RINCIAN_SUB[jenis])
        .filter(also(program_q(kelompok, "sub_kegiatan__"), saring_sub(user, pemda.pk)))
    )
    if opd:
        qs = qs.filter(opd=opd)
    if kec:
        qs = qs.filter(sub_kegiatan__kecamatan=kec)
    agg = _sub_totals(qs)  # the figure: over the rows listed, as on the dashboard
    return Rincian(
        jenis=jenis,
        rows=qs.select_related("sub_kegiatan", "opd").order_by(
            *(KEPARAHAN if jenis in RINCIAN_PARAH else ("opd__kode", "sub_kegiatan__kode"))
        ),
        jumlah=agg.jumlah_sub,
        total=agg,
        opd=opd,
        kecamatan=kec,
        kelompok=kelompok,
    )


def rincian_halaman(*, user, rincian: Rincian, halaman):
    """One page (50 rows) of a figure's rows; the rahasia items it shows are audited as read."""
    from django.core.paginator import Paginator

    from pantau.organisations.rahasia import audit_rahasia_list

    page = Paginator(rincian.rows, 50).get_page(halaman)
    if rincian.jenis == "indikator":  # an indicator of a rahasia sub kegiatan reveals the sub
        for row in page:  # full precision for the category, as on the dashboard
            row.hasil = capaian(row.indikator.rumus, row.target, row.realisasi)
            row.kategori = kategori_for(row.hasil.persen)
            row.catatan_label = CATATAN.get(row.hasil.catatan, "")
        shown = [r.indikator for r in page]
        shown += [i.sub_kegiatan for i in shown if i.sub_kegiatan_id]
    else:
        shown = [r.sub_kegiatan for r in page]
    audit_rahasia_list(user=user, objs=shown, where=f"rincian dasbor ({rincian.jenis})")
    return page


def _sub_totals(qs) -> Progress:
    """Σ over sub kegiatan roll-up rows, in SQL, with the same weighting as the OPD roll-up."""
    return progress_of(qs.aggregate(**sums()))
