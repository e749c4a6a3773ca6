from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from pantau.evaluation.selectors import dashboard_allowed, dashboard_for, ketepatan_opd, peta
from pantau.monitoring.models import BULAN
from pantau.monitoring.selectors import compliance_period
from pantau.organisations.selectors import pemda_list_for_user
from pantau.planning.selectors import reporting_month, tahun_anggaran_list, tahun_anggaran_pick


@login_required
def dasbor(request):
    pemda = next(
        (p for p in pemda_list_for_user(user=request.user) if dashboard_allowed(request.user, p)),
        None,
    )
    if pemda is None:
        raise Http404
    ta = tahun_anggaran_pick(user=request.user, pemda=pemda, tahun=request.GET.get("tahun"))
    if ta is None:
        return render(request, "evaluation/dasbor.html", {"pemda": pemda, "board": None})
    # By default the last month whose reports are due (its cut-off passed): comparing this
    # month's plan with last month's reports would make every sub kegiatan look late.
    closed = compliance_period(pemda=pemda, tahun=None, bulan=None)
    default = closed.bulan if closed and closed.tahun_anggaran_id == ta.pk else None
    bulan = reporting_month(tahun_anggaran=ta, bulan=request.GET.get("bulan") or default)
    years = list(tahun_anggaran_list(user=request.user, pemda=pemda))
    last_year = next((y for y in years if y.tahun == ta.tahun - 1), None)
    periode, ketepatan = ketepatan_opd(user=request.user, tahun_anggaran=ta)
    board = dashboard_for(
        user=request.user, tahun_anggaran=ta, bulan=bulan, ketepatan=ketepatan, tahun_lalu=last_year
    )
    context = {
        "pemda": pemda,
        "board": board,
        "years": years,
        "months": list(enumerate(BULAN, start=1)),
        "nama_bulan": BULAN[bulan - 1],
        "periode_ketepatan": periode,
        "dibuat": timezone.now(),
        "peta": (layers := peta(user=request.user, tahun_anggaran=ta, bulan=bulan)),
        "peta_json": {
            "pulau": layers["pulau"],
            "titik": layers["titik"],
            "tiles": settings.PANTAU_MAP_TILES_URL,
            "atribusi": settings.PANTAU_MAP_ATTRIBUTION,
        },
        "chart": {
            "bulan": [str(BULAN[m - 1])[:3] for m in board.kurva["bulan"]],
            **{k: v for k, v in board.kurva.items() if k != "bulan"},
            "distribusi": [
                [str(c.label) if c else "—", n, c.warna if c else "#9e9e9e"]
                for c, n in board.distribusi
            ],
        },
    }
    return render(request, "evaluation/dasbor.html", context)
