from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from pantau.evaluation.choices import Dasar
from pantau.evaluation.periods import bulan_dipilih, label_angka
from pantau.evaluation.progress import total
from pantau.evaluation.selectors_opd import opd_progress
from pantau.monitoring.models import BULAN
from pantau.monitoring.queues import queue_counts
from pantau.organisations.selectors import (
    memberships_for_user,
    opd_list_for_user,
    pemda_list_for_user,
)
from pantau.planning.selectors import tahun_anggaran_pick


@login_required
def home(request):
    """A signed-in user's overview: the year's verified progress of each pemda they read, their
    memberships and OPDs (served at `core:home` by `config.start`)."""
    summaries = []
    for pemda in pemda_list_for_user(user=request.user):
        ta = tahun_anggaran_pick(user=request.user, pemda=pemda, tahun=None)
        if ta is None:
            summaries.append({"pemda": pemda, "ta": None})
            continue
        bulan, kalender = bulan_dipilih(ta)
        per_opd = opd_progress(user=request.user, tahun_anggaran=ta, bulan=bulan)
        summaries.append(
            {
                "pemda": pemda,
                "ta": ta,
                "bulan": bulan,
                "nama_bulan": BULAN[bulan - 1],
                "label": label_angka(
                    dasar=Dasar.TERVERIFIKASI,
                    bulan=bulan,
                    tahun=ta.tahun,
                    berjalan=kalender.berjalan(bulan),
                ),
                "progress": total(per_opd.values()),
                "jumlah_opd": len(per_opd),
            }
        )
    context = {
        "memberships": memberships_for_user(user=request.user),
        "summaries": summaries,
        "opds": opd_list_for_user(user=request.user)[:6],
        **queue_counts(user=request.user),
    }
    return render(request, "evaluation/home.html", context)
