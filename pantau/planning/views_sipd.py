"""The SIPD mapping screen of a pemda's admin or verifikator (decision 0023)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pantau.core.forms import add_service_errors
from pantau.planning.choices import JenisPemetaanSipd
from pantau.planning.forms_sipd import PemetaanSipdForm
from pantau.planning.sipd.pemetaan import (
    parse_csv,
    pemetaan_csv,
    pemetaan_pemda,
    pemetaan_settings,
    pemetaan_sipd_set,
)


@login_required
def pemetaan(request):
    pemda = pemetaan_pemda(user=request.user)
    current = pemetaan_settings(pemda)
    if request.method == "POST":
        form = PemetaanSipdForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                pemetaan_sipd_set(
                    actor=request.user,
                    pemda=pemda,
                    tahap=data["tahap"],
                    jenis_kas=data["jenis_kas"],
                    rumus_bawaan=data["rumus_bawaan"],
                    entries=parse_csv(data["nilai"]),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Pemetaan SIPD disimpan."))
                return redirect("sipd:pemetaan")
    else:
        form = PemetaanSipdForm(
            initial={
                "tahap": current.tahap,
                "jenis_kas": current.jenis_kas,
                "rumus_bawaan": current.rumus_bawaan,
                "nilai": pemetaan_csv(pemda),
            }
        )
    return render(
        request,
        "planning/pemetaan_sipd.html",
        {"pemda": pemda, "form": form, "jenis": JenisPemetaanSipd.choices},
    )


@login_required
def pemetaan_unduh(request):
    pemda = pemetaan_pemda(user=request.user)
    response = HttpResponse(pemetaan_csv(pemda), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="pemetaan-sipd-{pemda.kode}.csv"'
    return response
