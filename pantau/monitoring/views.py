"""Monthly monitoring screens: entry list, phone form, desktop grid, workflow, compliance,
history, evidence files, and the period reopening by the admin. Views stay thin."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pantau.core.canonical import canonical_url, set_canonical
from pantau.core.classification import Klasifikasi
from pantau.core.errors import error_messages
from pantau.core.numbers import int_param
from pantau.core.templatetags.pantau import persen
from pantau.core.uploads import refused_message
from pantau.core.web import no_offline
from pantau.monitoring import queues, selectors, services, views_antrian
from pantau.monitoring.evidence import open_private, prepare_uploads
from pantau.monitoring.forms import BarisGridForm, LaporanForm
from pantau.monitoring.models import BULAN
from pantau.monitoring.workflow import (
    EDITABLE,
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
        **queues.queue_counts(user=request.user),
        "opds": opd_list_for_user(user=request.user)
        if role_for(request.user, opd) not in {Role.OPERATOR_OPD, Role.KEPALA_OPD}
        else None,
    }
    canonical = canonical_url(
        "monitoring:daftar", opd=opd.pk, tahun=periode.tahun_anggaran.tahun, bulan=periode.bulan
    )
    return set_canonical(render(request, "monitoring/daftar.html", context), canonical)


def _form(request, sub, periode, report, *, data=None, files=None) -> LaporanForm:
    """The report form with the stored report (or what was posted) and the indicators."""
    fisik_lalu = selectors.fisik_sebelumnya(sub=sub, bulan=periode.bulan)
    if fisik_lalu is not None:
        fisik_help = _("Bulan lalu: %(v)s.") % {"v": persen(fisik_lalu)}
    else:
        fisik_help = _("Belum ada laporan bulan sebelumnya.")
    initial = {}
    if report is not None:
        initial = {
            k: getattr(report, k)
            for k in ("keuangan", "fisik", "kendala", "tindak_lanjut", "penjelasan")
        }
    return LaporanForm(
        data,
        files,
        initial=initial,
        indikator=selectors.indikator_rows(user=request.user, sub=sub, periode=periode),
        fisik_help=" ".join([fisik_help, _("Angka 0 sampai 100.")]),
    )


@login_required
def laporan(request, sub_id: int, bulan: int):
    sub = selectors.access_sub_kegiatan(request.user, sub_id)
    periode = selectors.periode_get(sub=sub, bulan=bulan)
    if request.method != "POST":
        return _render_form(request, sub, periode)
    sync = request.headers.get("X-Pantau-Sync") == "1"
    report = selectors.report_detail(user=request.user, sub=sub, periode=periode)
    form = _form(request, sub, periode, report, data=request.POST, files=request.FILES)
    ajukan = request.POST.get("aksi") == "ajukan"
    refused = refused_message(request)  # a file stopped while streaming: nothing is saved
    valid = not refused and form.is_valid()
    sent = [] if refused else [(f.name, f.read()) for f in form.cleaned_data.get("bukti") or []]
    # the photos are decoded and resized before the service's transaction takes the lock
    files = prepare_uploads(sent, tz=sub.opd.pemda.zona_waktu)
    if refused:
        form.is_valid()
        form.add_error("bukti", refused)
    elif not valid:  # the files' refusals beside the fields' errors, all at once
        for upload in files:
            if upload.error is not None:
                form.add_error("bukti", upload.error)
    else:
        try:
            report, new = services.laporan_kirim(
                actor=request.user,
                sub_kegiatan=sub,
                periode=periode,
                kunci=request.POST.get("kunci", ""),
                fields=form.service_fields(),
                files=files,
                ajukan=ajukan,
            )
        except PermissionDenied as exc:
            if sync:
                return JsonResponse({"ok": False, "errors": [str(exc)]}, status=403)
            raise
        except ValidationError as exc:
            form.add_service_errors(exc)
            conflict = any(e.code == "kunci_dipakai" for e in getattr(exc, "error_list", []))
            if sync and conflict:
                return JsonResponse({"ok": False, "errors": error_messages(exc)}, status=409)
    if form.errors:
        if sync:
            return JsonResponse(
                {
                    "ok": False,
                    "title": _not_saved(ajukan),
                    "errors": form.all_errors(),
                    "fields": form.field_errors(),
                },
                status=422,
            )
        return _render_form(request, sub, periode, form=form, status=422)
    submitted = report.status == "diajukan"
    messages.success(
        request,
        (
            _("%(lap)s: tersimpan dan diajukan ke kepala OPD.")
            if submitted
            else _("%(lap)s: draf tersimpan. Ajukan ke kepala OPD bila sudah lengkap.")
        )
        % {"lap": f"{sub.kode} · {periode}"},
    )
    if sync:
        return JsonResponse(
            {
                "ok": True,
                "duplikat": not new,
                "status": report.status,
                "url": reverse("monitoring:laporan", args=[sub.pk, bulan]),
            }
        )
    return redirect("monitoring:laporan", sub.pk, bulan)


def _not_saved(ajukan: bool) -> str:
    if ajukan:
        return _("Laporan belum tersimpan dan belum diajukan. Perbaiki yang ditandai:")
    return _("Laporan belum tersimpan. Perbaiki yang ditandai:")


def _render_form(request, sub, periode, *, form=None, status=200):
    report = selectors.report_form(user=request.user, sub=sub, periode=periode)
    state = periode_state(
        periode, sub.opd, reopened_until=selectors.reopened_until(periode=periode, opd=sub.opd)
    )
    editable = can_edit(request.user, sub.opd) and (
        report is None or report.status in {"draft", "dikembalikan"}
    )
    trail = list(report.riwayat.all()) if report else []
    returned = (
        report is not None and report.status == "dikembalikan" and trail and trail[-1].catatan
    )
    editable = editable and (
        state in {"terbuka", "dibuka_kembali"}
        or (report is not None and report.status == "dikembalikan")
    )
    if form is None and editable:
        form = _form(request, sub, periode, report)
    context = {
        "catatan_kembali": trail[-1] if returned else None,
        "sub": sub,
        "periode": periode,
        "report": report,
        "form": form,
        "judul_galat": _not_saved(request.POST.get("aksi") == "ajukan") if form else "",
        "editable": editable,
        "state": state,
        "kunci": uuid.uuid4().hex,
        "fisik_lalu": selectors.fisik_sebelumnya(sub=sub, bulan=periode.bulan),
        "indikator": []
        if editable
        else selectors.indikator_rows(user=request.user, sub=sub, periode=periode),
        "transitions": [
            t
            for t in allowed_transitions(request.user, report)
            if t.name != "submit"
            and (t.name != "correct" or state in {"terbuka", "dibuka_kembali"})
        ]
        if report
        else [],
        "ketepatan": ketepatan(report.diajukan_pada if report else None, periode, sub.opd.pemda),
        **views_antrian.queue_context(request, report),
    }
    response = render(request, "monitoring/laporan_form.html", context, status=status)
    return no_offline(response) if sub.klasifikasi == Klasifikasi.RAHASIA else response


def _bukti_rahasia(bukti) -> bool:
    return Klasifikasi.RAHASIA in (bukti.klasifikasi, bukti.realisasi.sub_kegiatan.klasifikasi)


@login_required
@require_POST
def langkah(request, pk: int):
    report = selectors.access_realisasi(request.user, pk)
    queued = views_antrian.after_step(request, report)  # the next report, before this one leaves
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
        back = views_antrian.back_to_report(request, report)
        if back:
            return redirect(back)
    else:
        messages.success(request, _("Status laporan diperbarui."))
        if queued is not None:
            url, empty = queued
            if empty:
                messages.info(request, _("Tidak ada lagi laporan yang menunggu di antrian ini."))
            return redirect(url)
    nxt = request.POST.get("next", "")
    if nxt.startswith("/") and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
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
        # quoted and encoded by Django: a name with quotes, CR/LF or a path cannot break the header
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=False, filename=Path(bukti.nama_berkas).name or "berkas"
        )
    return no_offline(response) if _bukti_rahasia(bukti) else response


def _bukti_context(request, bukti) -> dict:
    report = bukti.realisasi
    return {
        "b": bukti,
        "report": report,
        "sub": report.sub_kegiatan,
        "periode": report.periode,
        "hapus": can_edit(request.user, report.opd) and report.status in EDITABLE,
    }


@login_required
def bukti(request, pk: int):
    """A photo or document opened in a page with its facts and doubts, not as a raw file."""
    obj = selectors.bukti_detail(user=request.user, pk=pk)
    response = render(request, "monitoring/bukti.html", _bukti_context(request, obj))
    return no_offline(response) if _bukti_rahasia(obj) else response


@login_required
def bukti_hapus(request, pk: int):
    """Deleting evidence asks first: the page shows what goes, and only its POST deletes."""
    obj = selectors.bukti_detail(user=request.user, pk=pk)
    context = _bukti_context(request, obj)
    if not context["hapus"]:
        raise PermissionDenied(_("Bukti ini tidak dapat dihapus."))
    report = obj.realisasi
    if request.method == "POST":
        services.bukti_remove(actor=request.user, bukti=obj)
        messages.success(request, _("Bukti %(n)s dihapus.") % {"n": obj.nama_berkas})
        return redirect("monitoring:laporan", report.sub_kegiatan_id, report.periode.bulan)
    return render(request, "monitoring/bukti_hapus.html", context)


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
    for row in rows:
        initial = {}
        if row.report is not None:
            initial = {k: getattr(row.report, k) for k in ("keuangan", "fisik", "kendala")}
        row.form = BarisGridForm(
            request.POST if request.method == "POST" else None,
            prefix=str(row.sub.pk),
            initial=initial,
            kode=row.sub.kode,
        )
        row.locked = row.report is not None and row.report.status not in {"draft", "dikembalikan"}
    errors: dict[int, list[str]] = {}
    if request.method == "POST":
        saved = _grid_save(request, rows, periode, errors)
        if saved is not None:
            messages.success(
                request,
                _("%(n)d baris tersimpan sebagai draf.") % {"n": saved}
                if saved
                else _("Tidak ada baris yang diisi; tidak ada yang disimpan."),
            )
            return redirect(f"{reverse('monitoring:grid')}?opd={opd.pk}")
        messages.error(
            request, _("%(n)d baris bermasalah; tidak ada yang disimpan.") % {"n": len(errors)}
        )
    context = {"opd": opd, "periode": periode, "rows": rows, "errors": errors}
    return render(request, "monitoring/grid.html", context, status=422 if errors else 200)


def _grid_save(request, rows, periode, errors: dict[int, list[str]]) -> int | None:
    """Save every filled, editable row as a draft, or none of them: the number saved, or None
    with `errors` (sub kegiatan id -> messages) filled."""
    saved = 0
    try:
        with transaction.atomic():
            for row in rows:
                form = row.form
                if row.locked or not form.filled:
                    continue
                if not form.is_valid():
                    errors[row.sub.pk] = form.messages()
                    continue
                try:
                    services.realisasi_save(
                        actor=request.user,
                        sub_kegiatan=row.sub,
                        periode=periode,
                        keuangan=form.cleaned_data["keuangan"],
                        fisik=form.cleaned_data["fisik"],
                        kendala=form.cleaned_data["kendala"],
                        tindak_lanjut=row.report.tindak_lanjut if row.report else "",
                        penjelasan=row.report.penjelasan if row.report else "",
                    )
                except ValidationError as exc:
                    errors[row.sub.pk] = error_messages(exc)
                else:
                    saved += 1
            if errors:
                raise ValidationError("grid")
    except ValidationError:
        return None
    return saved


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
    context = {
        "sub": sub,
        "reports": reports,
        "ada_alur": any(r.riwayat.all() for r in reports),  # prefetched with the reports
    }
    response = render(request, "monitoring/riwayat.html", context)
    return no_offline(response) if sub.klasifikasi == Klasifikasi.RAHASIA else response


@login_required
@require_POST
def buka_periode(request):
    """Reopen a period for one OPD, in two steps: the first POST shows what the reopening
    concerns (how many reports, that verified ones stay verified) and asks to confirm; the
    second, with `konfirmasi`, reopens."""
    opd = access_opd(request.user, int_param(request.POST.get("opd"), 0))
    periode = selectors.periode_by_id(pemda=opd.pemda, pk=int_param(request.POST.get("periode"), 0))
    back = (
        f"{reverse('monitoring:kepatuhan')}?tahun={periode.tahun_anggaran.tahun}"
        f"&bulan={periode.bulan}"
    )
    alasan = request.POST.get("alasan", "")
    hari = int_param(request.POST.get("hari"), 0, hi=366)
    if request.POST.get("konfirmasi") != "1":
        if scope_for(request.user).role_in(opd.pemda_id) != Role.ADMIN:
            raise Http404
        context = {
            "opd": opd,
            "periode": periode,
            "alasan": alasan,
            "hari": hari,
            "cakupan": selectors.reopen_scope(periode=periode, opd=opd),
            "kembali": back,
        }
        return render(request, "monitoring/buka_konfirmasi.html", context)
    try:
        services.periode_reopen(
            actor=request.user, periode=periode, opd=opd, alasan=alasan, hari=hari
        )
    except ValidationError as exc:
        for message in error_messages(exc):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _(
                "Periode %(p)s dibuka kembali untuk %(o)s. Laporan yang sudah diverifikasi tetap "
                "berlaku; OPD sudah diberi tahu."
            )
            % {"p": periode, "o": opd.singkatan},
        )
    return redirect(back)
