"""The Renstra data of an OPD on screen (decision 0038): the period containing the plan year, its
sasaran, the sasaran each program serves, and each program/kegiatan indicator's Renstra target
(K, Rp) with its earlier years. Rows are edited in place with htmx; without JavaScript the same
forms work as pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pantau.planning import services_dokumen as sd
from pantau.planning import services_renstra as sr
from pantau.planning.selectors_renstra import (
    periode_renstra_for,
    renstra_program_list,
    renstra_rows,
    sasaran_list,
)
from pantau.planning.views import _opd_year


def _years(text: str, label: str) -> int:
    value = text.strip()
    if not value.isdigit() or not 2000 <= int(value) <= 2100:
        raise ValidationError(
            _("%(label)s: tulis tahun empat angka (2000–2100).") % {"label": label}
        )
    return int(value)


def _errors(exc: Exception) -> list[str]:
    return list(getattr(exc, "messages", None) or [str(exc)])


@login_required
def renstra_opd(request, opd_id: int, tahun: int):
    """The Renstra page of an OPD's plan year; POST: the period or a sasaran (editors only)."""
    opd, ta = _opd_year(request, opd_id, tahun)
    can_edit = sd.can_edit_plan(request.user, opd)
    periode = periode_renstra_for(user=request.user, opd=opd, tahun=ta.tahun)
    errors: list[str] = []
    if request.method == "POST":
        if not can_edit:
            raise Http404
        try:
            _renstra_post(request, opd, ta, periode)
        except (ValidationError, PermissionDenied) as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Tersimpan."))
            return redirect("planning:renstra", opd.pk, ta.tahun)
        periode = periode_renstra_for(user=request.user, opd=opd, tahun=ta.tahun)
    context = {
        "opd": opd,
        "ta": ta,
        "periode": periode,
        "sasaran": sasaran_list(user=request.user, periode=periode),
        "programs": renstra_program_list(user=request.user, opd=opd, tahun_anggaran=ta),
        "rows": renstra_rows(user=request.user, opd=opd, tahun_anggaran=ta),
        "tahun_lalu": _tahun_lalu(periode, ta.tahun),
        "can_edit": can_edit and opd.aktif,
        "errors": errors,
        "post": request.POST if errors else {},
    }
    return render(request, "planning/renstra_opd.html", context, status=400 if errors else 200)


def _tahun_lalu(periode, tahun: int) -> list[int]:
    """The earlier years of the period before the plan year (E.81 column 6 adds them up)."""
    if periode is None:
        return []
    return list(range(periode.tahun_awal, tahun))


def _renstra_post(request, opd, ta, periode) -> None:
    post = request.POST
    aksi = post.get("aksi", "")
    if aksi == "periode":
        awal = _years(post.get("tahun_awal", ""), _("Tahun awal"))
        akhir = _years(post.get("tahun_akhir", ""), _("Tahun akhir"))
        if not awal <= ta.tahun <= akhir:
            raise ValidationError(
                _("Periode Renstra harus mencakup tahun rencana %(t)s.") % {"t": ta.tahun}
            )
        if periode is None:
            sr.periode_renstra_create(
                actor=request.user, opd=opd, tahun_awal=awal, tahun_akhir=akhir
            )
        else:
            sr.periode_renstra_update(
                actor=request.user, periode=periode, tahun_awal=awal, tahun_akhir=akhir
            )
        return
    if aksi not in {"sasaran", "sasaran-hapus"}:
        raise ValidationError(_("Langkah tidak dikenal."))
    if periode is None:
        raise ValidationError(_("Tetapkan dulu periode Renstra OPD yang mencakup tahun ini."))
    known = {str(s.pk): s for s in sasaran_list(user=request.user, periode=periode)}
    chosen = known.get(post.get("sasaran_id", ""))
    fields = {
        "kode": post.get("kode", "")[:30],
        "uraian": post.get("uraian", "")[:500],
        "indikator": post.get("indikator", "")[:500],
    }
    if aksi == "sasaran-hapus":
        if chosen is None:
            raise Http404
        sr.sasaran_delete(actor=request.user, sasaran=chosen)
    elif chosen is not None:
        sr.sasaran_update(actor=request.user, sasaran=chosen, **fields)
    elif post.get("sasaran_id"):
        raise Http404
    else:
        sr.sasaran_create(actor=request.user, periode=periode, **fields)


def _hx(request) -> bool:
    return bool(request.headers.get("HX-Request"))


@login_required
def renstra_program(request, opd_id: int, tahun: int, program_id: int):
    """Which sasaran a program serves: a form of checkboxes (editors only)."""
    opd, ta = _opd_year(request, opd_id, tahun)
    if not sd.can_edit_plan(request.user, opd):
        raise Http404
    program = next(
        (
            p
            for p in renstra_program_list(user=request.user, opd=opd, tahun_anggaran=ta)
            if p.pk == program_id
        ),
        None,
    )
    if program is None:
        raise Http404
    periode = periode_renstra_for(user=request.user, opd=opd, tahun=ta.tahun)
    choices = sasaran_list(user=request.user, periode=periode)
    errors: list[str] = []
    chosen = {link.sasaran_id for link in program.link_list}
    if request.method == "POST":
        by_pk = {str(s.pk): s for s in choices}
        picked = request.POST.getlist("sasaran")
        try:
            if any(p not in by_pk for p in picked):
                raise ValidationError(_("Pilih sasaran dari daftar Renstra OPD ini."))
            sr.program_sasaran_set(
                actor=request.user,
                program=program,
                sasaran=[by_pk[p] for p in dict.fromkeys(picked)],
            )
        except (ValidationError, PermissionDenied) as exc:
            errors = _errors(exc)
            chosen = {int(p) for p in picked if p.isdigit()}
        else:
            if not _hx(request):
                messages.success(request, _("Sasaran program tersimpan."))
                return redirect("planning:renstra", opd.pk, ta.tahun)
            program = next(
                p
                for p in renstra_program_list(user=request.user, opd=opd, tahun_anggaran=ta)
                if p.pk == program_id
            )
            context = {"opd": opd, "ta": ta, "p": program, "can_edit": True}
            return render(request, "planning/partials/_renstra_program.html", context)
    context = {
        "opd": opd,
        "ta": ta,
        "p": program,
        "choices": choices,
        "chosen": chosen,
        "errors": errors,
        "partial": "planning/partials/_renstra_program_form.html",
    }
    if _hx(request):  # htmx swaps only a 2xx answer: the refused form comes back as one
        return render(request, context["partial"], context)
    status = 400 if errors else 200
    return render(request, "planning/renstra_form.html", context, status=status)


@login_required
def renstra_indikator(request, opd_id: int, tahun: int, ind_id: int):
    """The Renstra target (K, Rp) of a program or kegiatan indicator and its earlier years."""
    opd, ta = _opd_year(request, opd_id, tahun)
    if not sd.can_edit_plan(request.user, opd):
        raise Http404
    row = next(
        (
            r
            for r in renstra_rows(user=request.user, opd=opd, tahun_anggaran=ta)
            if r.indikator.pk == ind_id
        ),
        None,
    )
    if row is None:
        raise Http404
    periode = periode_renstra_for(user=request.user, opd=opd, tahun=ta.tahun)
    years = _tahun_lalu(periode, ta.tahun)
    errors: list[str] = []
    if request.method == "POST":
        post = request.POST
        values = {
            "target_k": post.get("target_k", "").strip()[:40],
            "target_rp": post.get("target_rp", "").strip()[:40],
            "realisasi": [
                (y, post.get(f"k_{y}", "").strip()[:40], post.get(f"rp_{y}", "").strip()[:40])
                for y in years
            ],
        }
        try:
            sr.renstra_indikator_set(
                actor=request.user,
                indikator=row.indikator,
                target_k=values["target_k"],
                target_rp=values["target_rp"],
                realisasi={y: (k, rp) for y, k, rp in values["realisasi"]},
            )
        except (ValidationError, PermissionDenied) as exc:
            errors = _errors(exc)
        else:
            if not _hx(request):
                messages.success(request, _("Target Renstra tersimpan."))
                return redirect("planning:renstra", opd.pk, ta.tahun)
            row = next(
                r
                for r in renstra_rows(user=request.user, opd=opd, tahun_anggaran=ta)
                if r.indikator.pk == ind_id
            )
            context = {"opd": opd, "ta": ta, "r": row, "tahun_lalu": years, "can_edit": True}
            return render(request, "planning/partials/_renstra_indikator.html", context)
    else:
        values = {
            "target_k": row.target.target_k if row.target else "",
            "target_rp": row.target.target_rp
            if row.target and row.target.target_rp is not None
            else "",
            "realisasi": [_stored_year(row, y) for y in years],
        }
    context = {
        "opd": opd,
        "ta": ta,
        "r": row,
        "periode": periode,
        "values": values,
        "errors": errors,
        "partial": "planning/partials/_renstra_indikator_form.html",
    }
    if _hx(request):  # htmx swaps only a 2xx answer: the refused form comes back as one
        return render(request, context["partial"], context)
    status = 400 if errors else 200
    return render(request, "planning/renstra_form.html", context, status=status)


def _stored_year(row, year: int) -> tuple:
    stored = row.realisasi_tahun(year)
    if stored is None:
        return (year, "", "")
    rp = "" if stored.realisasi_rp is None else stored.realisasi_rp
    return (year, stored.realisasi_k, rp)
