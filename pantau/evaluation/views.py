from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from pantau.core.canonical import canonical_url, set_canonical
from pantau.core.dbrouter import replica_readable
from pantau.core.numbers import int_param
from pantau.evaluation import kelompok as program_group
from pantau.evaluation.choices import Dasar
from pantau.evaluation.periods import Kalender, label_angka, periode_choices, periode_parse
from pantau.evaluation.selectors import (
    dashboard_allowed,
    dashboard_for,
    ketepatan_opd,
    peta,
    rincian_for,
    rincian_halaman,
)
from pantau.monitoring.models import BULAN
from pantau.organisations.selectors import pemda_list_for_user
from pantau.planning.selectors import tahun_anggaran_list, tahun_anggaran_pick


def _pemda_and_period(request):
    """The pemda the user leads, its chosen year, the chosen period (month, quarter, year), the
    basis of the figures (verified unless "as reported" was asked for) and the year's reporting
    calendar. The default month is the last one whose reports are due (its cut-off passed), the
    same on every page: comparing this month's plan with last month's reports would make every
    sub kegiatan look late."""
    pemda = next(
        (p for p in pemda_list_for_user(user=request.user) if dashboard_allowed(request.user, p)),
        None,
    )
    if pemda is None:
        raise Http404
    ta = tahun_anggaran_pick(user=request.user, pemda=pemda, tahun=request.GET.get("tahun"))
    dasar = Dasar.parse(request.GET.get("dasar"))
    if ta is None:
        return pemda, None, None, dasar, None
    kalender = Kalender.of(ta)
    # `bulan` is the older parameter name of a month period; links from other pages use it.
    chosen = request.GET.get("periode") or request.GET.get("bulan")
    return pemda, ta, periode_parse(chosen, bulan_terakhir=kalender.bulan_baku), dasar, kalender


@replica_readable
@login_required
def dasbor(request):
    pemda, ta, period, dasar, kalender = _pemda_and_period(request)
    if ta is None:
        return render(request, "evaluation/dasbor.html", {"pemda": pemda, "board": None})
    bulan = period.bulan_akhir
    years = list(tahun_anggaran_list(user=request.user, pemda=pemda))
    last_year = next((y for y in years if y.tahun == ta.tahun - 1), None)
    kelompok = program_group.kelompok_parse(request.GET.get("program"))
    periode, ketepatan = ketepatan_opd(user=request.user, tahun_anggaran=ta, kelompok=kelompok)
    board = dashboard_for(
        user=request.user,
        tahun_anggaran=ta,
        bulan=bulan,
        ketepatan=ketepatan,
        tahun_lalu=last_year,
        bulan_awal=period.bulan_awal,
        dasar=dasar,
        kalender=kalender,
        kelompok=kelompok,
    )
    lalu = board.kurva_lalu
    context = {
        "pemda": pemda,
        "board": board,
        "years": years,
        "periode": period,
        "periode_pilihan": periode_choices(),
        "program_pilihan": program_group.PILIHAN,
        "kelompok_label": program_group.label(kelompok),
        "q": _query(ta, period, dasar, kelompok),
        "q_tanpa_dasar": _query(ta, period, Dasar.TERVERIFIKASI, kelompok),
        "dasar": dasar,
        "nama_bulan": BULAN[bulan - 1],
        "tahun_lalu": last_year,
        "periode_ketepatan": periode,
        "dibuat": timezone.now(),
        "peta": (
            layers := peta(
                user=request.user, tahun_anggaran=ta, bulan=bulan, dasar=dasar, kelompok=kelompok
            )
        ),
        "peta_json": {
            "pulau": layers["pulau"],
            "titik": layers["titik"],
            "tiles": settings.PANTAU_MAP_TILES_URL,
            "atribusi": settings.PANTAU_MAP_ATTRIBUTION,
        },
        "chart": {
            "bulan": [str(BULAN[m - 1])[:3] for m in board.kurva["bulan"]],
            **{k: v for k, v in board.kurva.items() if k != "bulan"},
            # the achievement categories only: indicators not (yet) assessable are counted in
            # the list under the chart (their bar, often the longest, flattened the others)
            "distribusi": [
                [s.label_singkat, s.jumlah, s.kategori.warna]
                for s in board.distribusi
                if s.kategori
            ],
            # year over year: month-by-month figures of both years on one axis (Jan–Dec)
            "tahun": ta.tahun,
            "tahun_lalu": last_year.tahun if last_year else None,
            "yoy": _by_month(board.kurva, lalu),
        },
    }
    canonical = canonical_url("evaluation:dasbor", tahun=ta.tahun, periode=period.kode)
    return set_canonical(render(request, "evaluation/dasbor.html", context), canonical)


def _by_month(now: dict, before: dict) -> dict:
    """Align two years' monthly series on January–December (None where a year has no row)."""
    out = {"bulan": [str(BULAN[m - 1])[:3] for m in range(1, 13)]}
    for prefix, series in (("ini", now), ("lalu", before)):
        months = series.get("bulan", [])
        for key in ("keuangan", "fisik"):
            values = dict(zip(months, series.get(key, []), strict=True))
            out[f"{key}_{prefix}"] = [values.get(m) for m in range(1, 13)]
    return out


@replica_readable
@login_required
def rincian(request, jenis: str):
    """The rows behind a dashboard figure: sub kegiatan (all, critical, money without
    progress, not reported) or indicators, with the totals that make the figure."""
    pemda, ta, period, dasar, kalender = _pemda_and_period(request)
    if ta is None:
        raise Http404
    opd = request.GET.get("opd")
    kelompok = program_group.kelompok_parse(request.GET.get("program"))
    data = rincian_for(
        user=request.user,
        tahun_anggaran=ta,
        bulan=period.bulan_akhir,
        jenis=jenis,
        opd_id=int_param(opd),
        kecamatan=(request.GET.get("kecamatan") or "")[:20] or None,
        dasar=dasar,
        kalender=kalender,
        catatan=request.GET.get("catatan"),
        kelompok=kelompok,
    )
    page = rincian_halaman(user=request.user, rincian=data, halaman=request.GET.get("halaman"))
    return render(
        request,
        "evaluation/rincian.html",
        {
            "pemda": pemda,
            "ta": ta,
            "periode": period,
            "rincian": data,
            "page": page,
            "kelompok_label": program_group.label(kelompok),
            "nama_bulan": BULAN[period.bulan_akhir - 1],
            "dasar": dasar,
            "q": _query(ta, period, dasar, kelompok),
            "label": label_angka(
                dasar=dasar,
                bulan=period.bulan_akhir,
                tahun=ta.tahun,
                berjalan=kalender.berjalan(period.bulan_akhir),
            ),
        },
    )


def _query(ta, period, dasar, kelompok: str) -> str:
    """The query string that keeps the page's year, period, basis and programme group in its
    links."""
    q = f"tahun={ta.tahun}&periode={period.kode}"
    if dasar == Dasar.DILAPORKAN:
        q += "&dasar=dilaporkan"
    return q + (f"&program={kelompok}" if kelompok else "")
