"""The archive's pages (issue 14 §5): a report's page (metadata, signatures, its versions,
the buttons its reader may use), signing, the difference against today's data, issuing a
new version, and the download, which checks the stored file's checksum first."""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pantau.core.errors import error_messages
from pantau.core.storage import open_private
from pantau.reports.choices import Status
from pantau.reports.diff import beda
from pantau.reports.jobs import laporan_enqueue, laporan_run
from pantau.reports.selectors import (
    access_laporan,
    laporan_seri,
    permintaan_of,
    tabel_for,
    tanda_tangan_list,
)
from pantau.reports.services import CONTENT_TYPES
from pantau.reports.services_arsip import (
    giliran,
    laporan_new_version,
    laporan_sign,
    signer_refusal,
    today_at,
)
from pantau.reports.tables import Tabel


def halaman_laporan(laporan) -> str:
    """The report's page for its period (where it is built again)."""
    query = {"bulan": laporan.bulan, "dasar": laporan.dasar}
    if laporan.opd_id:
        url = reverse(
            "reports:opd", args=[laporan.opd_id, laporan.tahun_anggaran.tahun, laporan.jenis]
        )
    else:
        url = reverse("reports:pemda", args=[laporan.tahun_anggaran.tahun, laporan.jenis])
        query["pemda"] = laporan.pemda_id
        if laporan.triwulan:
            query["triwulan"] = laporan.triwulan
    return f"{url}?{urlencode(query)}"


@login_required
@require_GET
def arsip(request, pk: int):
    laporan = access_laporan(request.user, pk)
    if request.headers.get("HX-Request"):
        return render(request, "reports/partials/_status.html", {"laporan": laporan})
    signatures = tanda_tangan_list(laporan=laporan)
    turn = giliran(laporan, signed=len(signatures))
    seri = laporan_seri(user=request.user, laporan=laporan)
    newer = [r for r in seri if r.pendahulu_id == laporan.pk and r.status != Status.GAGAL]
    context = {
        "laporan": laporan,
        "tanda_tangan": signatures,
        "giliran": turn,
        "boleh_ttd": (
            laporan.status == Status.SELESAI
            and bool(laporan.tabel)
            and turn.slot is not None
            and not signer_refusal(request.user, laporan, turn.slot)
        ),
        "tanggal_ttd": today_at(laporan.pemda),
        "tempat": signatures[-1].tempat if signatures else "",
        "seri": seri,
        "penerus": newer[0] if newer else None,
        "halaman": halaman_laporan(laporan),
    }
    return render(request, "reports/arsip_detail.html", context)


@login_required
@require_POST
def tanda_tangan(request, pk: int):
    laporan = access_laporan(request.user, pk)
    try:
        laporan_sign(actor=request.user, laporan=laporan, tempat=request.POST.get("tempat", ""))
    except ValidationError as exc:
        for text in error_messages(exc):
            messages.error(request, text)
        return redirect("reports:arsip", pk=laporan.pk)
    messages.success(request, _("Laporan ditandatangani."))
    return redirect("reports:arsip", pk=laporan.pk)


@login_required
@require_GET
def perbedaan(request, pk: int):
    laporan = access_laporan(request.user, pk)
    context = {"laporan": laporan, "beda": None}
    if laporan.status == Status.SELESAI and laporan.tabel:
        with translation.override(laporan.bahasa):
            now, _rahasia = tabel_for(user=request.user, p=permintaan_of(laporan))
        context["beda"] = beda(Tabel.dari_json(laporan.tabel), now)
    return render(request, "reports/arsip_perbedaan.html", context)


@login_required
@require_POST
def versi_baru(request, pk: int):
    laporan = access_laporan(request.user, pk)
    try:
        new = laporan_new_version(actor=request.user, laporan=laporan)
    except ValidationError as exc:
        for text in error_messages(exc):
            messages.error(request, text)
        return redirect("reports:arsip", pk=laporan.pk)
    if laporan.opd_id is None:
        laporan_enqueue(new)  # the pemda's reports are built in the task queue
    else:
        new = laporan_run(new.pk)
    return redirect("reports:arsip", pk=new.pk)


@login_required
@require_GET
def unduh(request, pk: int):
    laporan = access_laporan(request.user, pk)
    if not laporan.berkas:
        raise Http404
    try:
        path = open_private(laporan.berkas)
    except FileNotFoundError:
        raise Http404 from None
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    if digest.hexdigest() != laporan.sha256:
        messages.error(
            request,
            _(
                "Berkas laporan ini di penyimpanan tidak sama dengan yang diarsipkan (checksum "
                "SHA-256 berbeda); berkas tidak diberikan. Hubungi admin."
            ),
        )
        return redirect("reports:arsip", pk=laporan.pk)
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=laporan.nama_berkas or f"laporan.{laporan.format}",
        content_type=CONTENT_TYPES[laporan.format],
    )
