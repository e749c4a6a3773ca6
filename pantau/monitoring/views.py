"""Monthly monitoring screens: entry list, phone form, desktop grid, workflow, compliance,
history, evidence files, and the period reopening by the admin. Views stay thin."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pantau.core.canonical import canonical_url, set_canonical
from pantau.core.errors import error_messages
from pantau.core.numbers import int_param
from pantau.monitoring import selectors, services
from pantau.monitoring.evidence import open_private
from pantau.monitoring.models import BULAN
from pantau.monitoring.workflow import (
    allowed_transitions,
    can_edit,
    ketepatan,
    periode_state,
    role_for,
    today_in,
)
from pantau.organisations.access import access_opd, scope_for
from pantau.organisations.choices import Role
from pantau.organisations.selectors import opd_list_for_user, pemda_list_for_user

MAX_FILES = 10


def _opd_for(request):
    """The OPD the page is about: ?opd= for pemda-wide roles, else the user's own OPD."""
    opd_id = int_param(request.GET.get("opd") or request.POST.get("opd"))
    if opd_id:
        return access_opd(request.user, opd_id)
    own = opd_list_for_user(user=request.user).first()
    if own is None:
        raise Http404
    return own


@login_required
def daftar(request):
    opd = _opd_for(request)
    tahun = int_param(request.GET.get("tahun"), lo=2000, hi=2100)
    bulan = int_param(request.GET.get("bulan"), lo=1, hi=12)
    periode = selectors.periode_default(opd=opd, tahun=tahun)
    if periode is None:
        return render(request, "monitoring/daftar.html", {"opd": opd, "periode": None})
    if bulan and 1 <= bulan <= 12:
        periode = (
            periode.__class__.objects.select_related("tahun_anggaran")
            .filter(tahun_anggaran_id=periode.tahun_anggaran_id, bulan=bulan)
            .first()
            or periode
        )
    rows = selectors.entry_rows(user=request.user, opd=opd, periode=periode)
    state = periode_state(
        periode, opd, reopened_until=selectors.reopened_until(periode=periode, opd=opd)
    )
    counts = {}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    context = {
        "opd": opd,
        "periode": periode,
        "rows": rows,
        "state": state,
        "counts": counts,
        "can_edit": can_edit(request.user, opd),
        "months": list(enumerate(BULAN, start=1)),
        "opds": opd_list_for_user(user=request.user)
        if role_for(request.user, opd) not in {Role.OPERATOR_OPD, Role.KEPALA_OPD}
        else None,
    }
    canonical = canonical_url(
        "monitoring:daftar", opd=opd.pk, tahun=periode.tahun_anggaran.tahun, bulan=periode.bulan
    )
    return set_canonical(render(request, "monitoring/daftar.html", context), canonical)


def _form_values(request) -> dict:
    keys = ("keuangan", "fisik", "kendala", "tindak_lanjut", "penjelasan")
    values = {k: request.POST.get(k, "").strip() for k in keys}
    values["indikator"] = {
        key.removeprefix("indikator-"): value.strip()
        for key, value in request.POST.items()
        if key.startswith("indikator-")
    }
    return values


def _files(request) -> list[tuple[str, bytes]]:
    uploads = request.FILES.getlist("bukti")
    if len(uploads) > MAX_FILES:
        raise ValidationError(_("Paling banyak %(n)d berkas sekali kirim.") % {"n": MAX_FILES})
    limit = max(settings.UPLOAD_MAX_PHOTO_MB, settings.UPLOAD_MAX_PDF_MB) * 1024 * 1024
    for upload in uploads:  # refuse before reading a huge file into memory
        if upload.size > limit:
            raise ValidationError(
                _("Berkas %(n)s lebih dari %(mb)d MB.")
                % {"n": upload.name, "mb": limit // (1024 * 1024)}
            )
    return [(f.name, f.read()) for f in uploads]


@login_required
def laporan(request, sub_id: int, bulan: int):
    sub = selectors.access_sub_kegiatan(request.user, sub_id)
    periode = selectors.periode_get(sub=sub, bulan=bulan)
    sync = request.headers.get("X-Pantau-Sync") == "1"
    if request.method == "POST":
        values = _form_values(request)
        try:
            report, new = services.laporan_kirim(
                actor=request.user,
                sub_kegiatan=sub,
                periode=periode,
                kunci=request.POST.get("kunci", ""),
                fields=values,
                files=_files(request),
                ajukan=request.POST.get("aksi") == "ajukan",
            )
        except PermissionDenied as exc:
            if sync:
                return JsonResponse({"ok": False, "errors": [str(exc)]}, status=403)
            raise
        except ValidationError as exc:
            errors = error_messages(exc)
            conflict = any(e.code == "kunci_dipakai" for e in getattr(exc, "error_list", []))
            if sync:
                return JsonResponse(
                    {"ok": False, "errors": errors}, status=409 if conflict else 422
                )
            return _render_form(request, sub, periode, values=values, errors=errors, status=422)
        if sync:
            return JsonResponse(
                {
                    "ok": True,
                    "duplikat": not new,
                    "status": report.status,
                    "url": reverse("monitoring:laporan", args=[sub.pk, bulan]),
                }
            )
        messages.success(
            request, _("Laporan diajukan.") if report.status == "diajukan" else _("Draf tersimpan.")
        )
        return redirect("monitoring:laporan", sub.pk, bulan)
    return _render_form(request, sub, periode)


def _render_form(request, sub, periode, *, values=None, errors=None, status=200):
    report = selectors.report_detail(user=request.user, sub=sub, periode=periode)
    state = periode_state(
        periode, sub.opd, reopened_until=selectors.reopened_until(periode=periode, opd=sub.opd)
    )
    editable = can_edit(request.user, sub.opd) and (
        report is None or report.status in {"draft", "dikembalikan"}
    )
    if values is None and report is not None:
        values = {
            "keuangan": report.keuangan,
            "fisik": report.fisik,
            "kendala": report.kendala,
            "tindak_lanjut": report.tindak_lanjut,
            "penjelasan": report.penjelasan,
        }
    trail = list(report.riwayat.all()) if report else []
    returned = (
        report is not None and report.status == "dikembalikan" and trail and trail[-1].catatan
    )
    context = {
        "catatan_kembali": trail[-1] if returned else None,
        "sub": sub,
        "periode": periode,
        "report": report,
        "values": values or {},
        "errors": errors or [],
        "editable": editable
        and (
            state in {"terbuka", "dibuka_kembali"}
            or (report is not None and report.status == "dikembalikan")
        ),
        "state": state,
        "kunci": uuid.uuid4().hex,
        "fisik_lalu": selectors.fisik_sebelumnya(sub=sub, bulan=periode.bulan),
        "indikator": selectors.indikator_rows(
            user=request.user,
            sub=sub,
            periode=periode,
            posted=(values or {}).get("indikator") if errors else None,
        ),
        "transitions": [t for t in allowed_transitions(request.user, report) if t.name != "submit"]
        if report
        else [],
        "ketepatan": ketepatan(report.diajukan_pada if report else None, periode, sub.opd.pemda),
    }
    return render(request, "monitoring/laporan_form.html", context, status=status)


@login_required
@require_POST
def langkah(request, pk: int):
    report = selectors.access_realisasi(request.user, pk)
    try:
        services.realisasi_transition(
            actor=request.user,
            realisasi=report,
            name=request.POST.get("langkah", ""),
            catatan=request.POST.get("catatan", ""),
        )
    except ValidationError as exc:
        for message in error_messages(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("Status laporan diperbarui."))
    nxt = request.POST.get("next", "")
    if nxt.startswith("/") and not nxt.startswith("//"):
        return redirect(nxt)
    return redirect("monitoring:laporan", report.sub_kegiatan_id, report.periode.bulan)


@login_required
def bukti_berkas(request, pk: int, varian: str):
    bukti = selectors.access_bukti(request.user, pk)
    name = {"asli": bukti.berkas, "thumb": bukti.thumbnail, "publik": bukti.salinan_publik}.get(
        varian
    )
    if not name:
        raise Http404
    try:
        path = open_private(name)
    except FileNotFoundError:
        raise Http404 from None
    content_type = bukti.content_type if varian == "asli" else "image/jpeg"
    response = FileResponse(path.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    if bukti.jenis == "dokumen":
        response["Content-Disposition"] = f'inline; filename="{bukti.nama_berkas}"'
    return response


@login_required
@require_POST
def bukti_hapus(request, pk: int):
    bukti = selectors.access_bukti(request.user, pk)
    report = bukti.realisasi
    services.bukti_remove(actor=request.user, bukti=bukti)
    messages.success(request, _("Bukti dihapus."))
    return redirect("monitoring:laporan", report.sub_kegiatan_id, report.periode.bulan)


@login_required
def grid(request):
    """Desktop grid: many sub kegiatan of one OPD and period at once, saved all or nothing."""
    opd = _opd_for(request)
    if not can_edit(request.user, opd):
        raise PermissionDenied
    periode = selectors.periode_default(
        opd=opd, tahun=int_param(request.GET.get("tahun"), lo=2000, hi=2100)
    )
    if periode is None:
        raise Http404
    rows = selectors.entry_rows(user=request.user, opd=opd, periode=periode)
    errors: dict[int, list[str]] = {}
    posted: dict[int, dict] = {}
    if request.method == "POST":
        try:
            with transaction.atomic():
                for row in rows:
                    values = {
                        k: request.POST.get(f"{k}-{row.sub.pk}", "").strip()
                        for k in ("keuangan", "fisik", "kendala")
                    }
                    posted[row.sub.pk] = values
                    if not values["keuangan"] and not values["fisik"]:
                        continue
                    if row.report is not None and row.report.status not in {
                        "draft",
                        "dikembalikan",
                    }:
                        continue
                    try:
                        services.realisasi_save(
                            actor=request.user,
                            sub_kegiatan=row.sub,
                            periode=periode,
                            keuangan=values["keuangan"],
                            fisik=values["fisik"],
                            kendala=values["kendala"],
                            tindak_lanjut=row.report.tindak_lanjut if row.report else "",
                            penjelasan=row.report.penjelasan if row.report else "",
                        )
                    except ValidationError as exc:
                        errors[row.sub.pk] = error_messages(exc)
                if errors:
                    raise ValidationError("grid")
        except ValidationError:
            messages.error(
                request, _("%(n)d baris bermasalah; tidak ada yang disimpan.") % {"n": len(errors)}
            )
        else:
            messages.success(request, _("Semua baris tersimpan sebagai draf."))
            return redirect(f"{reverse('monitoring:grid')}?opd={opd.pk}")
    context = {"opd": opd, "periode": periode, "rows": rows, "errors": errors, "posted": posted}
    return render(request, "monitoring/grid.html", context, status=422 if errors else 200)


COMPLIANCE_ROLES = {Role.VERIFIKATOR, Role.ADMIN, Role.PIMPINAN, Role.AUDITOR}


@login_required
def kepatuhan(request):
    """Bappeda's view of every OPD's reporting state for one period."""
    scope = scope_for(request.user)
    pemda = pemda_list_for_user(user=request.user).filter(pk__in=scope.pemda_ids).first()
    if pemda is None or scope.role_in(pemda.pk) not in COMPLIANCE_ROLES:
        raise Http404
    today = today_in(pemda)
    periode = selectors.compliance_period(
        pemda=pemda,
        tahun=int_param(request.GET.get("tahun"), None, lo=2000, hi=2100),
        bulan=int_param(request.GET.get("bulan")),
    )
    if periode is None:
        raise Http404
    context = {
        "periode": periode,
        "rows": selectors.compliance(user=request.user, periode=periode),
        "months": list(enumerate(BULAN, start=1)),
        "is_admin": scope.role_in(pemda.pk) == Role.ADMIN,
        "years": selectors.years_with_periods(pemda=pemda),
        "closed": today > periode.batas_waktu,
    }
    return render(request, "monitoring/kepatuhan.html", context)


@login_required
def riwayat(request, sub_id: int):
    sub = selectors.access_sub_kegiatan(request.user, sub_id)
    reports = selectors.history(user=request.user, sub=sub)
    return render(request, "monitoring/riwayat.html", {"sub": sub, "reports": reports})


@login_required
@require_POST
def buka_periode(request):
    opd = access_opd(request.user, int_param(request.POST.get("opd"), 0))
    periode = selectors.periode_by_id(pemda=opd.pemda, pk=int_param(request.POST.get("periode"), 0))
    try:
        services.periode_reopen(
            actor=request.user,
            periode=periode,
            opd=opd,
            alasan=request.POST.get("alasan", ""),
            hari=int_param(request.POST.get("hari"), 0, hi=366),
        )
    except ValidationError as exc:
        for message in error_messages(exc):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Periode %(p)s dibuka kembali untuk %(o)s.") % {"p": periode, "o": opd.singkatan},
        )
    return redirect(
        f"{reverse('monitoring:kepatuhan')}?tahun={periode.tahun_anggaran.tahun}&bulan={periode.bulan}"
    )
