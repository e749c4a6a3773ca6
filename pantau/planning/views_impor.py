"""The import page (`/impor/`): template download, upload, dry-run report with errors by sheet,
row and column, "Impor sekarang", and a progress bar refreshed by htmx polling. Views stay thin:
the work runs in the task queue (`planning.tasks`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pantau.audit.services_ekspor import ekspor_record
from pantau.core.errors import error_messages
from pantau.core.numbers import int_param
from pantau.core.spreadsheets import Limits, csv_text, safe_cell
from pantau.core.uploads import refused_message
from pantau.organisations.access import access_opd, scope_for
from pantau.organisations.selectors import opd_list_for_user, pemda_list_for_user
from pantau.planning import selectors
from pantau.planning.jobs import KINDS, access_import_job, import_jobs_for, kinds_for
from pantau.planning.services_impor import import_job_create, import_job_start
from pantau.planning.workbook import plan_csv_zip, plan_workbook
from pantau.planning.workbook_import import importable_opds

PER_PAGE = 50
SHOWN_ROWS = 200


def _pemda(request):
    pemda = pemda_list_for_user(user=request.user).first()
    if pemda is None:
        raise Http404
    return pemda


def _opd(request, pemda):
    """The OPD the upload is for (`?opd=` / the form's `opd`): any OPD in the user's scope of
    this pemda; 404 otherwise (the same answer for missing and not yours)."""
    opd_id = int_param(request.POST.get("opd") or request.GET.get("opd"))
    if not opd_id:
        scope = scope_for(request.user)
        if scope.opd_ids and pemda.pk not in scope.pemda_ids:  # an OPD role: its own OPD
            return opd_list_for_user(user=request.user).filter(pemda=pemda).first()
        return None
    opd = access_opd(request.user, opd_id)
    if opd.pemda_id != pemda.pk:
        raise Http404
    return opd


@login_required
def index(request):
    pemda = _pemda(request)
    opd = _opd(request, pemda)
    years = list(selectors.tahun_anggaran_list(user=request.user, pemda=pemda))
    kinds = kinds_for(request.user, pemda.pk, opd)
    if request.method == "POST":
        refused = refused_message(request)
        upload = request.FILES.get("berkas")
        ta = next((y for y in years if str(y.pk) == request.POST.get("tahun_anggaran")), None)
        kind = request.POST.get("kind", "rencana")
        limit = Limits.from_settings().max_bytes
        if refused:
            messages.error(request, refused)
        elif upload is None or ta is None:
            messages.error(request, _("Pilih tahun anggaran dan berkas."))
        elif upload.size > limit:
            messages.error(
                request, _("Berkas terlalu besar (maksimum %(n)s MB).") % {"n": limit // 2**20}
            )
        else:
            try:
                job = import_job_create(
                    actor=request.user,
                    tahun_anggaran=ta,
                    kind=kind,
                    filename=upload.name,
                    content=upload.read(),
                    opd=opd,
                )
            except ValidationError as exc:
                messages.error(request, " ".join(error_messages(exc)))
            else:
                return redirect("impor:detail", pk=job.pk)
    chosen = request.GET.get("jenis") or request.POST.get("kind")
    context = {
        "years": years,
        "kinds": [(k, v.label, v.help) for k, v in kinds.items()],
        "chosen": chosen if chosen in kinds else next(iter(kinds), ""),
        "opd": opd,
        "jobs": import_jobs_for(user=request.user),
        "can_template": bool(importable_opds(request.user, pemda.pk)),
    }
    return render(request, "planning/impor_index.html", context)


@login_required
def templat(request):
    """The plan workbook of the OPDs the user may import (blank sheets when there is no plan
    yet): the template and the export in one."""
    pemda = _pemda(request)
    ta = selectors.tahun_anggaran_pick(
        user=request.user, pemda=pemda, tahun=request.GET.get("tahun")
    )
    opds = importable_opds(request.user, pemda.pk)
    if ta is None or not opds:
        raise Http404
    if request.GET.get("format") == "csv":
        body, mime, ext = plan_csv_zip(tahun_anggaran=ta, opds=opds), "application/zip", "zip"
    else:
        body = plan_workbook(tahun_anggaran=ta, opds=opds)
        mime, ext = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
    _audit_rahasia_in_plan(request.user, ta, opds)
    ekspor_record(
        actor=request.user,
        daftar="impor:templat",
        format=ext,
        saringan={"tahun": ta.tahun, "opd": ",".join(sorted(o.kode for o in opds))},
        jumlah_baris=selectors.sub_kegiatan_count(tahun_anggaran=ta, opds=opds),
        pemda_id=pemda.pk,
        opd_id=opds[0].pk if len(opds) == 1 else None,
    )
    response = HttpResponse(body, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="rencana-{ta.tahun}.{ext}"'
    return response


def _audit_rahasia_in_plan(user, ta, opds) -> None:
    """The plan file holds every sub kegiatan and indicator of these OPDs (the user may read
    them all: their own OPD, or the admin): each rahasia one is a recorded read, as on the
    pages (docs/domain.md §16.3)."""
    from pantau.organisations.rahasia import audit_rahasia_list
    from pantau.planning.models import Indikator, SubKegiatan

    for model in (SubKegiatan, Indikator):
        secret = list(model.objects.filter(tahun_anggaran=ta, opd__in=opds, klasifikasi="rahasia"))
        audit_rahasia_list(user=user, objs=secret, where="buku kerja rencana")


OUTCOMES = {
    "baru": gettext_lazy("baru"),
    "diubah": gettext_lazy("diubah"),
    "tetap": gettext_lazy("tetap"),
    "galat": gettext_lazy("galat"),
    "kosong": gettext_lazy("kosong"),
}


def _report(request, job):
    errors = (job.hasil or {}).get("errors", [])
    page = Paginator(errors, PER_PAGE).get_page(request.GET.get("hal"))
    return {
        "job": job,
        "kind": KINDS.get(job.kind),
        "page": page,
        "rows": [
            {**r, "hasil": OUTCOMES.get(r.get("outcome"), r.get("outcome"))}
            for r in (job.hasil or {}).get("rows", [])[:SHOWN_ROWS]
        ],
        "rows_total": len((job.hasil or {}).get("rows", [])),
        "counts": job.hasil.get("counts"),
        "pesan": job.pesan.splitlines(),
        "own_job": job.user_id == request.user.pk,
    }


@login_required
def detail(request, pk: int):
    job = access_import_job(request.user, pk)
    context = _report(request, job)
    if request.headers.get("HX-Request"):
        return render(request, "planning/partials/_impor_status.html", context)
    return render(request, "planning/impor_detail.html", context)


@login_required
@require_POST
def jalankan(request, pk: int):
    job = access_import_job(request.user, pk)
    if job.mode == job.Mode.IMPOR:  # a second click (or a reload): the import runs once
        messages.info(request, _("Impor berkas ini sudah dijalankan."))
        return redirect("impor:detail", pk=job.pk)
    try:
        import_job_start(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(error_messages(exc)))
    return redirect("impor:detail", pk=job.pk)


@login_required
def galat_csv(request, pk: int):
    job = access_import_job(request.user, pk)
    rows = [[_("Lembar"), _("Baris"), _("Kolom"), _("Pesan")]] + [
        [safe_cell(e["sheet"]), e["row"] or "", safe_cell(e["column"]), safe_cell(e["message"])]
        for e in (job.hasil or {}).get("errors", [])
    ]
    response = HttpResponse(csv_text(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="galat-impor-{job.pk}.csv"'
    return response
