from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from pantau.evaluation.choices import Dasar
from pantau.evaluation.periods import bulan_dipilih, label_angka
from pantau.evaluation.progress import Progress, total
from pantau.evaluation.selectors_opd import opd_progress, plan_tree_for_opd
from pantau.monitoring.models import BULAN
from pantau.organisations.access import access_opd
from pantau.organisations.choices import JenisOpd
from pantau.organisations.selectors import opd_list_for_user, pemda_list_for_user
from pantau.planning.selectors import tahun_anggaran_list, tahun_anggaran_pick


@login_required
def opd_list(request):
    q = request.GET.get("q", "").strip()[:100]
    jenis = request.GET.get("jenis", "")
    jenis = jenis if jenis in JenisOpd.values else ""
    opds = list(opd_list_for_user(user=request.user, q=q, jenis=jenis))
    dasar = Dasar.parse(request.GET.get("dasar"))
    groups = []
    for pemda in pemda_list_for_user(user=request.user):
        ta = tahun_anggaran_pick(user=request.user, pemda=pemda, tahun=request.GET.get("tahun"))
        bulan, label = None, ""
        if ta is not None:
            bulan, kalender = bulan_dipilih(ta, request.GET.get("bulan"))
            label = label_angka(
                dasar=dasar, bulan=bulan, tahun=ta.tahun, berjalan=kalender.berjalan(bulan)
            )
        progress = (
            opd_progress(user=request.user, tahun_anggaran=ta, bulan=bulan, dasar=dasar)
            if ta
            else {}
        )
        rows = [(opd, progress.get(opd.id, Progress())) for opd in opds if opd.pemda_id == pemda.id]
        groups.append(
            {
                "pemda": pemda,
                "ta": ta,
                "bulan": bulan,
                "nama_bulan": BULAN[bulan - 1] if bulan else "",
                "label": label,
                "years": tahun_anggaran_list(user=request.user, pemda=pemda),
                "rows": rows,
                "total": total(p for _o, p in rows),
            }
        )
    context = {
        "groups": groups,
        "q": q,
        "jenis": jenis,
        "jenis_choices": JenisOpd.choices,
        "months": list(enumerate(BULAN, start=1)),
        "dasar": dasar,
    }
    template = (
        "evaluation/partials/_opd_table.html"
        if request.headers.get("HX-Request")
        else "evaluation/opd_list.html"
    )
    return render(request, template, context)


@login_required
def opd_detail(request, pk: int):
    opd = access_opd(request.user, pk)
    ta = tahun_anggaran_pick(user=request.user, pemda=opd.pemda, tahun=request.GET.get("tahun"))
    dasar = Dasar.parse(request.GET.get("dasar"))
    tree, bulan, label = [], None, ""
    if ta is not None:
        bulan, kalender = bulan_dipilih(ta, request.GET.get("bulan"))
        label = label_angka(
            dasar=dasar, bulan=bulan, tahun=ta.tahun, berjalan=kalender.berjalan(bulan)
        )
        tree = plan_tree_for_opd(
            user=request.user, opd=opd, tahun_anggaran=ta, bulan=bulan, dasar=dasar
        )
    context = {
        "opd": opd,
        "ta": ta,
        "bulan": bulan,
        "nama_bulan": BULAN[bulan - 1] if bulan else "",
        "years": tahun_anggaran_list(user=request.user, pemda=opd.pemda),
        "months": list(enumerate(BULAN, start=1)),
        "tree": tree,
        "total": total(n.progress for n in tree),
        "dasar": dasar,
        "label": label,
    }
    return render(request, "evaluation/opd_detail.html", context)
