"""The audit viewer (`/audit/`, issue 12 §5, decision 0031): the trail of the user's own pemda
for its admin and its auditor, filtered in the URL, with a page per event and CSV/XLSX
downloads (themselves audited). Everyone else gets 404. Reads through selectors_audit."""

from __future__ import annotations

from itertools import islice

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from pantau.audit.services_ekspor import audit_ekspor_record
from pantau.core.exports import Kolom, Tabel, format_of, local, response, semicolon_of
from pantau.core.numbers import int_param
from pantau.organisations import selectors_audit as sel
from pantau.organisations.audit_teks import action_label, type_label
from pantau.organisations.forms_audit import AuditFilterForm


def _pemda_and_form(request):
    pemda = sel.audit_pemda(user=request.user, pemda_id=int_param(request.GET.get("pemda")))
    data = {k: v for k, v in request.GET.items() if k in AuditFilterForm.base_fields}
    form = AuditFilterForm(data or None, pemda=pemda)
    if form.is_bound:
        form.is_valid()
    return pemda, form


@require_safe
@never_cache
@login_required
def audit_list(request):
    pemda, form = _pemda_and_form(request)
    qs = sel.audit_event_list(pemda=pemda, saringan=form.saringan())
    rows, next_cursor = sel.audit_page(qs, kursor=int_param(request.GET.get("kursor")))
    query = request.GET.copy()
    query.pop("kursor", None)
    return render(
        request,
        "organisations/audit_list.html",
        {
            "pemda": pemda,
            "pemdas": sel.audit_pemdas(user=request.user),
            "form": form,
            "rows": sel.describe_events(pemda=pemda, events=rows),
            "next_cursor": next_cursor,
            "first_page": bool(request.GET.get("kursor")),
            "query": query.urlencode(),
            "pelaku_options": sel.actor_options(pemda=pemda),
            "saringan_teks": "; ".join(f"{k}: {v}" for k, v in form.in_words()),
        },
    )


@require_safe
@never_cache
@login_required
def audit_detail(request, pk: int):
    event = sel.access_audit_event(user=request.user, pk=pk)
    pemda = event.pemda
    ((_e, kalimat, rahasia, _kolom),) = sel.describe_events(pemda=pemda, events=[event])
    masked = rahasia and not sel.may_see_rahasia_values(request.user, pemda.pk)
    rows = sel.change_rows(
        event,
        masked=masked,
        names={} if masked else sel.related_names([event]),
        zona=pemda.zona_waktu,
    )
    if rahasia and not masked:
        sel.audit_rahasia_shown(user=request.user, events=[event], where="audit:detail")
    return render(
        request,
        "organisations/audit_detail.html",
        {
            "event": event,
            "pemda": pemda,
            "kalimat": kalimat,
            "aksi": action_label(event.action),
            "jenis": type_label(event.object_type),
            "rahasia": rahasia,
            "masked": masked,
            "rows": rows,
            "has_pairs": any(r.sebelum is not None for r in rows),
        },
    )


KOLOM = (
    (gettext_lazy("Waktu"), "date", 18),
    (gettext_lazy("Pelaku"), "text", 20),
    (gettext_lazy("OPD"), "text", 14),
    (gettext_lazy("Aksi"), "text", 26),
    (gettext_lazy("Keterangan"), "text", 60),
    (gettext_lazy("Jenis objek"), "text", 18),
    (gettext_lazy("ID objek"), "text", 10),
    (gettext_lazy("Objek"), "text", 40),
    (gettext_lazy("Perubahan (sebelum → sesudah)"), "text", 80),
    (gettext_lazy("ID peristiwa"), "number", 10),
)
CHUNK = 1000


def _export_rows(request, pemda, qs, *, entitled: bool):
    """The download's rows, read in chunks: masking and rahasia reads decided per chunk."""
    rows = []
    events = qs[: sel.EXPORT_LIMIT].iterator(chunk_size=CHUNK)
    while chunk := list(islice(events, CHUNK)):
        described = sel.describe_events(pemda=pemda, events=chunk)
        rahasia = [e for e, _k, r, _f in described if r]
        names = sel.related_names([e for e, _k, r, _f in described if entitled or not r])
        for e, kalimat, is_rahasia, _f in described:
            masked = is_rahasia and not entitled
            change = sel.change_rows(e, masked=masked, names=names, zona=pemda.zona_waktu)
            rows.append(
                [
                    local(e.at, pemda.zona_waktu),
                    e.actor_label,
                    e.opd.singkatan if e.opd else "",
                    action_label(e.action),
                    kalimat,
                    type_label(e.object_type),
                    e.object_id,
                    e.object_repr,
                    sel.changes_text(change),
                    e.pk,
                ]
            )
        if entitled and rahasia:
            sel.audit_rahasia_shown(user=request.user, events=rahasia, where="audit:ekspor")
    return rows


@require_safe
@never_cache
@login_required
def audit_unduh(request):
    pemda, form = _pemda_and_form(request)
    fmt = format_of(request)
    if fmt is None:
        if request.GET.get("format"):
            return HttpResponseBadRequest(_("Format unduhan tidak dikenal."))
        fmt = "csv"
    entitled = sel.may_see_rahasia_values(request.user, pemda.pk)
    qs = sel.audit_event_list(pemda=pemda, saringan=form.saringan())
    baris = _export_rows(request, pemda, qs, entitled=entitled)
    audit_ekspor_record(
        actor=request.user,
        format=fmt,
        saringan=dict(form.in_words()),
        jumlah_baris=len(baris),
        pemda_id=pemda.pk,
        rahasia_disembunyikan=not entitled,
    )
    tabel = Tabel(
        judul=_("Jejak audit"),
        kolom=[Kolom(str(j), k, w) for j, k, w in KOLOM],
        baris=baris,
        pemda=pemda.nama,
        zona_waktu=pemda.zona_waktu,
        saringan=form.in_words(),
    )
    return response(tabel, fmt, semicolon=semicolon_of(request))
