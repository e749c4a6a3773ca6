"""The realisation workbook page (decision 0022): download the template or the export, upload a
file for a dry run, confirm the import. Synchronous for now; the lead moves it onto the shared
import-job page (`realisasi_workbook_dry_run` / `realisasi_workbook_import` are its two
functions)."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pantau.core.errors import error_messages
from pantau.core.numbers import int_param
from pantau.core.storage import open_private, remove, store
from pantau.core.uploads import refused_message
from pantau.monitoring.models import BULAN
from pantau.monitoring.selectors_workbook import realisasi_workbook_data
from pantau.monitoring.services_workbook import (
    realisasi_workbook_dry_run,
    realisasi_workbook_import,
)
from pantau.monitoring.workbook import build_csv, build_xlsx
from pantau.monitoring.workflow import can_edit
from pantau.organisations.access import access_opd, scope_for
from pantau.organisations.selectors import opd_list_for_user, pemda_list_for_user
from pantau.planning.selectors import tahun_anggaran_pick

SESSION_KEY = "impor_realisasi"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_ROWS = 300


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
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _forget(request) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if pending:
        remove(pending["name"])


@login_required
def impor(request):
    opd, pemda = _where(request)
    ta = _year(request, pemda)
    context = {
        "opd": opd,
        "pemda": pemda,
        "ta": ta,
        "may_import": opd is not None and can_edit(request.user, opd),
        "months": list(enumerate(BULAN, start=1)),
        "shown": SHOWN_ROWS,
    }
    if request.method != "POST":
        return render(request, "monitoring/impor_realisasi.html", context)
    if not context["may_import"]:
        raise PermissionDenied(_("Hanya operator OPD ini yang dapat mengimpor laporannya."))
    refused = refused_message(request)
    if refused:
        messages.error(request, refused)
        return redirect(f"{reverse('monitoring:impor-realisasi')}?opd={opd.pk}&tahun={ta.tahun}")
    if request.POST.get("langkah") == "impor":
        return _confirm(request, context)
    _forget(request)
    upload = request.FILES.get("berkas")
    if upload is None:
        context["file_errors"] = [_("Pilih berkas XLSX atau CSV yang akan diunggah.")]
        return render(request, "monitoring/impor_realisasi.html", context, status=400)
    content = upload.read()
    try:
        result = realisasi_workbook_dry_run(
            content, upload.name, actor=request.user, tahun_anggaran=ta, opd=opd
        )
    except ValidationError as exc:
        context["file_errors"] = error_messages(exc)
        return render(request, "monitoring/impor_realisasi.html", context, status=400)
    context.update(result=result, counts=result.counts(), filename=upload.name)
    if result.ok:
        token = secrets.token_urlsafe(16)
        request.session[SESSION_KEY] = {
            "name": store(content, suffix=".impor"),
            "token": token,
            "filename": upload.name,
            "opd": opd.pk,
            "ta": ta.pk,
        }
        context["token"] = token
    return render(request, "monitoring/impor_realisasi.html", context)


def _confirm(request, context):
    opd, ta = context["opd"], context["ta"]
    pending = request.session.get(SESSION_KEY)
    if (
        not pending
        or pending["token"] != request.POST.get("token")
        or (pending["opd"], pending["ta"]) != (opd.pk, ta.pk)
    ):
        context["file_errors"] = [_("Uji coba ini sudah kedaluwarsa; unggah berkasnya lagi.")]
        return render(request, "monitoring/impor_realisasi.html", context, status=400)
    content = open_private(pending["name"]).read_bytes()
    try:
        result = realisasi_workbook_import(
            content, pending["filename"], actor=request.user, tahun_anggaran=ta, opd=opd
        )
    except ValidationError as exc:
        context["file_errors"] = error_messages(exc)
        return render(request, "monitoring/impor_realisasi.html", context, status=400)
    finally:
        _forget(request)
    context.update(result=result, counts=result.counts(), filename=pending["filename"])
    if result.applied:
        context["done"] = True
    return render(request, "monitoring/impor_realisasi.html", context)
