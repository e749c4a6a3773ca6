"""Official reports: the print view (HTML, 360 px), asking for the XLSX or PDF (an OPD's built
at once, the pemda's in the task queue with progress), the archive and the download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pantau.core.errors import error_messages
from pantau.evaluation.choices import Dasar
from pantau.evaluation.periods import bulan_dipilih
from pantau.monitoring.models import BULAN
from pantau.organisations.access import access_opd, scope_for
from pantau.organisations.choices import PEMDA_WIDE_ROLES
from pantau.organisations.selectors import opd_list_for_user, pemda_list_for_user
from pantau.planning.selectors import tahun_anggaran_list, tahun_anggaran_pick
from pantau.reports.charts import bar_svg
from pantau.reports.choices import OPD_KINDS, PEMDA_KINDS, QUARTER_KINDS, Format, Jenis
from pantau.reports.jobs import laporan_enqueue, laporan_run
from pantau.reports.selectors import Permintaan, laporan_list, tabel_for
from pantau.reports.services import laporan_request


def _jenis(value: str, *, pemda: bool) -> str:
    if value not in Jenis.values or (value in (OPD_KINDS if pemda else PEMDA_KINDS)):
        raise Http404
    return value


def _year(user, pemda, tahun: int):
    ta = tahun_anggaran_pick(user=user, pemda=pemda, tahun=tahun)
    if ta is None or ta.tahun != tahun:
        raise Http404
    return ta


def _triwulan(value, bulan: int) -> int:
    text = str(value or "").strip()
    return int(text) if text in {"1", "2", "3", "4"} else max(1, (bulan + 2) // 3)


def _permintaan(request, jenis: str, ta, opd) -> Permintaan:
    bulan, _kalender = bulan_dipilih(ta, request.GET.get("bulan") or request.POST.get("bulan"))
    triwulan = None
    if jenis in QUARTER_KINDS:
        triwulan = _triwulan(request.GET.get("triwulan") or request.POST.get("triwulan"), bulan)
        bulan = triwulan * 3
    dasar = Dasar.parse(request.GET.get("dasar") or request.POST.get("dasar"))
    return Permintaan(jenis, ta, opd, bulan, triwulan, dasar)


def _page(request, p: Permintaan, *, base_url: str):
    table, _rahasia = tabel_for(user=request.user, p=p)
    chart = ""
    if table.grafik:
        chart = mark_safe(  # noqa: S308 - charts.bar_svg escapes every text # nosec B308, B703
            bar_svg(table.grafik, table.grafik_judul, title=str(Jenis(p.jenis).label))
        )
    context = {
        "tabel": table,
        "p": p,
        "jenis_label": Jenis(p.jenis).label,
        "grafik": chart,
        "base_url": base_url,
        "months": list(enumerate(BULAN, start=1)),
        "years": tahun_anggaran_list(user=request.user, pemda=p.pemda),
        "formats": Format.choices,
        "arsip": laporan_list(user=request.user, pemda=p.pemda, opd=p.opd, jenis=p.jenis, limit=10),
    }
    if p.jenis == Jenis.E81:
        from django.urls import reverse

        from pantau.reports.selectors_e81 import e81_may_edit

        url = reverse("reports:e81-catatan", args=[p.opd.pk, p.tahun_anggaran.tahun])
        context["catatan_url"] = f"{url}?triwulan={p.triwulan}&dasar={p.dasar}"
        context["catatan_boleh"] = e81_may_edit(request.user, p.opd)
    return render(request, "reports/cetak.html", context)


def _ask(request, p: Permintaan, *, queue: bool):
    try:
        laporan = laporan_request(
            actor=request.user, permintaan=p, format=request.POST.get("format", "")
        )
    except ValidationError as exc:
        for text in error_messages(exc):
            messages.error(request, text)
        return redirect(request.path)
    if queue:
        laporan_enqueue(laporan)
    else:
        laporan = laporan_run(laporan.pk)
    return redirect("reports:arsip", pk=laporan.pk)


@login_required
def index(request):
    scope = scope_for(request.user)
    pemdas = []
    for pemda in pemda_list_for_user(user=request.user):
        ta = tahun_anggaran_pick(user=request.user, pemda=pemda, tahun=request.GET.get("tahun"))
        pemdas.append(
            {
                "pemda": pemda,
                "ta": ta,
                "wide": scope.role_in(pemda.pk) in PEMDA_WIDE_ROLES,
                "opds": [o for o in opd_list_for_user(user=request.user) if o.pemda_id == pemda.pk],
            }
        )
    context = {"pemdas": pemdas, "arsip": laporan_list(user=request.user)}
    return render(request, "reports/index.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def opd_report(request, opd_id: int, tahun: int, jenis: str):
    opd = access_opd(request.user, opd_id)
    jenis = _jenis(jenis, pemda=False)
    p = _permintaan(request, jenis, _year(request.user, opd.pemda, tahun), opd)
    if request.method == "POST":
        return _ask(request, p, queue=False)
    return _page(request, p, base_url=request.path)


@login_required
@require_http_methods(["GET", "POST"])
def pemda_report(request, tahun: int, jenis: str):
    jenis = _jenis(jenis, pemda=True)
    scope = scope_for(request.user)
    wide = [
        pm
        for pm in pemda_list_for_user(user=request.user)
        if scope.role_in(pm.pk) in PEMDA_WIDE_ROLES
    ]
    wanted = str(request.GET.get("pemda") or request.POST.get("pemda") or "")
    pemda = next((pm for pm in wide if str(pm.pk) == wanted), wide[0] if wide else None)
    if pemda is None:
        raise Http404
    p = _permintaan(request, jenis, _year(request.user, pemda, tahun), None)
    if request.method == "POST":
        return _ask(request, p, queue=True)
    return _page(request, p, base_url=request.path)


@login_required
@require_http_methods(["GET", "POST"])
def e81_catatan(request, opd_id: int, tahun: int):
    """Formulir E.81's footer texts of one OPD and quarter: Pantau's draft from the quarter's
    realisation notes until the OPD writes its own; the head of the OPD and its operators
    edit, the pemda-wide roles (Bappeda among them) read."""
    from django.core.exceptions import PermissionDenied
    from django.urls import reverse

    from pantau.reports.builders_e81 import FOOTER_TEXTS, e81_draf
    from pantau.reports.models import E81_TEKS_MAKS
    from pantau.reports.selectors import permintaan_check
    from pantau.reports.selectors_e81 import e81_catatan_editable, e81_data, e81_may_edit
    from pantau.reports.services_e81 import E81_TEKS, e81_catatan_save

    opd = access_opd(request.user, opd_id)
    p = _permintaan(request, Jenis.E81, _year(request.user, opd.pemda, tahun), opd)
    permintaan_check(request.user, p)
    data = e81_data(user=request.user, p=p, dasar_label=str(Dasar(p.dasar).label))
    terkunci = not e81_catatan_editable(
        opd=opd, tahun_anggaran=p.tahun_anggaran, triwulan=p.triwulan
    )
    boleh = e81_may_edit(request.user, opd) and not terkunci
    drafts = e81_draf(data)
    values = {k: getattr(data.catatan, k) if data.catatan else drafts[k] for k in E81_TEKS}
    errors: dict = {}
    status = 200
    if request.method == "POST":
        if not boleh:
            raise PermissionDenied
        values = {k: request.POST.get(k, "") for k in E81_TEKS}
        try:
            e81_catatan_save(
                actor=request.user,
                opd=opd,
                tahun_anggaran=p.tahun_anggaran,
                triwulan=p.triwulan,
                texts=values,
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            status = 422
        else:
            messages.success(request, _("Catatan E.81 disimpan."))
            url = reverse("reports:opd", args=[opd.pk, tahun, Jenis.E81])
            return redirect(f"{url}?triwulan={p.triwulan}&dasar={p.dasar}")
    fields = [
        {"key": k, "label": label, "value": values[k], "errors": errors.get(k, [])}
        for k, label in FOOTER_TEXTS
    ]
    context = {
        "p": p,
        "opd": opd,
        "fields": fields,
        "errors": errors.get("__all__", []),
        "boleh": boleh,
        "terkunci": terkunci,
        "draf": data.catatan is None,
        "maks": E81_TEKS_MAKS,
        "cetak_url": reverse("reports:opd", args=[opd.pk, tahun, Jenis.E81])
        + f"?triwulan={p.triwulan}&dasar={p.dasar}",
    }
    return render(request, "reports/e81_catatan.html", context, status=status)
