"""The realisation workbook page (decision 0022): download the template or the export; the upload
form posts to the one import-job page (`/impor/`, kind `realisasi`, `monitoring.jobs`), where
the dry run and the import run in the task queue."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pantau.audit.services_ekspor import ekspor_record
from pantau.core.numbers import int_param
from pantau.monitoring.models import BULAN
from pantau.monitoring.selectors_workbook import realisasi_workbook_data
from pantau.monitoring.workbook import build_csv, build_xlsx
from pantau.monitoring.workflow import can_edit
from pantau.organisations.access import access_opd, scope_for
from pantau.organisations.selectors import opd_list_for_user, pemda_list_for_user
from pantau.planning.selectors import tahun_anggaran_pick

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _where(request):
    """(OPD or None for the whole pemda, pemda) of the page: ?opd= (any OPD in the user's
    scope), else the user's own OPD, else the pemda of a pemda-wide role."""
    opd_id = int_param(request.GET.get("opd") or request.POST.get("opd"))
    if opd_id:
        opd = access_opd(request.user, opd_id)
        return opd, opd.pemda
    scope = scope_for(request.user)
    if scope.opd_ids and not scope.pemda_ids:  # an OPD role: its own OPD
        own = opd_list_for_user(user=request.user).first()
        if own is not None:
            return own, own.pemda
    pemda = pemda_list_for_user(user=request.user).filter(id__in=scope.pemda_ids).first()
    if pemda is None:
        raise Http404
    return None, pemda


def _year(request, pemda):
    tahun = int_param(request.GET.get("tahun") or request.POST.get("tahun"), lo=2000, hi=2100)
    ta = tahun_anggaran_pick(user=request.user, pemda=pemda, tahun=tahun)
    if ta is None:
        raise Http404
    return ta


@login_required
def templat(request):
    """The template (`isi=0`, figures empty) or the export (`isi=1`), as XLSX or CSV."""
    opd, pemda = _where(request)
    ta = _year(request, pemda)
    bulan = int_param(request.GET.get("bulan"), lo=1, hi=12)
    filled = request.GET.get("isi") == "1"
    data = realisasi_workbook_data(
        user=request.user, tahun_anggaran=ta, opd=opd, bulan=bulan, filled=filled
    )
    stem = "ekspor-realisasi" if filled else "templat-realisasi"
    name = f"{stem}-{(opd.singkatan or opd.kode) if opd else pemda.kode}-{ta.tahun}"
    if bulan:
        name += f"-{bulan:02d}"
    if request.GET.get("format") == "csv":
        response = HttpResponse(build_csv(data), content_type="text/csv; charset=utf-8")
        name += ".csv"
    else:
        response = HttpResponse(build_xlsx(data), content_type=XLSX)
        name += ".xlsx"
    ekspor_record(
        actor=request.user,
        daftar="monitoring:templat-realisasi",
        format="csv" if name.endswith(".csv") else "xlsx",
        saringan={"tahun": ta.tahun, "bulan": bulan, "isi": int(filled)},
        jumlah_baris=len(data.realisasi) + len(data.indikator),
        pemda_id=pemda.pk,
        opd_id=opd.pk if opd else None,
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def impor(request):
    opd, pemda = _where(request)
    ta = _year(request, pemda)
    context = {
        "opd": opd,
        "pemda": pemda,
        "ta": ta,
        "may_import": opd is not None and can_edit(request.user, opd),
        "months": list(enumerate(BULAN, start=1)),
    }
    return render(request, "monitoring/impor_realisasi.html", context)
