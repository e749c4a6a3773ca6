"""The work queues: the head of OPD's approval queue, Bappeda's verification queue with its
bulk verify, and the next-report navigation both share (decision 0025). Views stay thin: the
queues are `monitoring.queues`, the bulk run is `monitoring.services_antrian`."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pantau.core.errors import error_messages
from pantau.core.numbers import int_param
from pantau.monitoring import queues
from pantau.monitoring.models import BULAN
from pantau.monitoring.services_antrian import realisasi_verify_bulk

QUEUE_URLS = {
    queues.PERSETUJUAN: "monitoring:antrian-persetujuan",
    queues.VERIFIKASI: "monitoring:antrian-verifikasi",
}


def queue_url(antrian: queues.Antrian, **extra) -> str:
    params = antrian.params(**extra)
    params.pop("antrian", None)
    query = urlencode(params)
    return reverse(QUEUE_URLS[antrian.jenis]) + (f"?{query}" if query else "")


def report_url(report, antrian: queues.Antrian) -> str:
    url = reverse("monitoring:laporan", args=[report.sub_kegiatan_id, report.periode.bulan])
    return f"{url}?{antrian.query()}"


def _page(request, jenis: str):
    if not queues.may_use(request.user, jenis):
        raise Http404
    antrian = queues.Antrian.from_query(request.GET, jenis)
    page = queues.queue_page(user=request.user, antrian=antrian, number=request.GET.get("halaman"))
    for report in page.object_list:
        report.url = report_url(report, antrian)
    context = {
        "antrian": antrian,
        "page": page,
        "opds": queues.opd_choices(user=request.user, antrian=antrian),
        "years": queues.queue_years(user=request.user, antrian=antrian),
        "months": list(enumerate(BULAN, start=1)),
        "bulk": jenis == queues.VERIFIKASI and antrian.status == "disetujui",
    }
    return render(request, "monitoring/antrian.html", context)


@login_required
def persetujuan(request):
    """The head of OPD's reports waiting for approval, longest-waiting first."""
    return _page(request, queues.PERSETUJUAN)


@login_required
def verifikasi(request):
    """Bappeda's verification queue across the pemda's OPDs, with filters and bulk verify."""
    return _page(request, queues.VERIFIKASI)


def _items(values) -> list[tuple[int, str]]:
    """The checked rows of the bulk form: "id:token" each; anything else is ignored."""
    items = []
    for value in values:
        pk, _sep, token = value.partition(":")
        number = int_param(pk)
        if number and token:
            items.append((number, token))
    return items


@login_required
@require_POST
def verifikasi_massal(request):
    """Verify the checked reports; the result page lists each report's outcome."""
    if not queues.may_use(request.user, queues.VERIFIKASI):
        raise Http404
    antrian = queues.Antrian.from_query(request.POST, queues.VERIFIKASI)
    try:
        results = realisasi_verify_bulk(
            actor=request.user,
            items=_items(request.POST.getlist("laporan")),
            catatan=request.POST.get("catatan", ""),
        )
    except ValidationError as exc:
        for message in error_messages(exc):
            messages.error(request, message)
        return redirect(queue_url(antrian))
    context = {
        "antrian": antrian,
        "results": results,
        "ok": sum(1 for r in results if r.ok),
        "sudah": sum(1 for r in results if r.sudah),
        "refused": sum(1 for r in results if not r.ok and not r.sudah),
        "kembali": queue_url(antrian),
    }
    return render(request, "monitoring/antrian_hasil.html", context)


def queue_context(request, report) -> dict:
    """For the report page opened from a queue: the way back and the next report."""
    if request.GET.get("antrian") not in QUEUE_URLS or report is None:
        return {}
    antrian = queues.Antrian.from_query(request.GET)
    if not queues.may_use(request.user, antrian.jenis):
        return {}
    nxt = queues.next_report(user=request.user, antrian=antrian, current_pk=report.pk)
    place, total = queues.queue_place(user=request.user, antrian=antrian, current_pk=report.pk)
    return {
        "antrian": antrian,
        "antrian_params": antrian.params(),
        "antrian_kembali": queue_url(antrian),
        "berikutnya": report_url(nxt, antrian) if nxt else "",
        "antrian_tempat": place,
        "antrian_jumlah": total,
        # the last one's "next" goes back to the first: the button says so
        "berikutnya_awal": bool(nxt) and place == total,
    }


def after_step(request, report) -> tuple[str, bool] | None:
    """Where a workflow step taken from a queue goes on success: the next waiting report of
    the same queue and filter (url, False), or the queue itself when none is left (url, True).
    Decided before the step (the report leaves the queue by it). None when the step was not
    taken from a queue."""
    if request.POST.get("antrian") not in QUEUE_URLS:
        return None
    antrian = queues.Antrian.from_query(request.POST)
    if not queues.may_use(request.user, antrian.jenis):
        return None
    nxt = queues.next_report(user=request.user, antrian=antrian, current_pk=report.pk)
    return (report_url(nxt, antrian), False) if nxt else (queue_url(antrian), True)


def back_to_report(request, report) -> str | None:
    """The report page again, in its queue (after a refused step)."""
    if request.POST.get("antrian") not in QUEUE_URLS:
        return None
    return report_url(report, queues.Antrian.from_query(request.POST))
