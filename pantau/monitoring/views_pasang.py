"""The first-run screen: while no pemda exists, `/` leads here; the server operator's one-time
code unlocks it; once a pemda exists it answers 404 for good (services_pasang)."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pantau.core.forms import add_service_errors
from pantau.core.uploads import refused_message
from pantau.monitoring import services_pasang as pasang
from pantau.monitoring.forms_pasang import PasangForm

log = logging.getLogger(__name__)


def pasang_view(request):
    if not pasang.install_needed():
        raise Http404
    pasang.setup_code_get_or_make()  # so that the operator can read it now
    refused = refused_message(request)
    form = PasangForm(request.POST or None, request.FILES or None)
    if refused:
        form.is_valid()
        form.add_error(None, refused)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not pasang.setup_code_matches(data["kode"]):
            log.warning("pasang: wrong setup code from %s", request.META.get("REMOTE_ADDR"))
            form.add_error(
                "kode",
                _(
                    "Kode pemasangan salah. Minta operator server menjalankan "
                    "`pantau pasang_kode` dan salin kodenya."
                ),
            )
        else:
            try:
                wilayah = data["wilayah_berkas"] if data["wilayah_pilihan"] == "unggah" else None
                nomen = data["nomenklatur_berkas"]
                result = pasang.pemda_install_upload(
                    actor=None,
                    wilayah_content=wilayah.read() if wilayah else None,
                    wilayah_nama_berkas=wilayah.name if wilayah else "",
                    pemda_kode=data["pemda_kode"] if wilayah else "",
                    pemda_nama=data["pemda_nama"] if wilayah else "",
                    nomenklatur_content=nomen.read() if nomen else None,
                    nomenklatur_nama_berkas=nomen.name if nomen else "",
                    tahun=data["tahun"],
                    admin_username=data["admin_username"],
                    admin_password=data["admin_password"],
                    admin_email=data["admin_email"],
                    admin_first_name=data["admin_first_name"],
                    admin_last_name=data["admin_last_name"],
                    admin_jabatan=data["admin_jabatan"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                pasang.setup_code_discard()
                messages.success(
                    request,
                    _("%(p)s terpasang. Masuk sebagai %(u)s untuk menambah OPD dan akun.")
                    % {"p": result.pemda.nama, "u": result.admin_username},
                )
                return redirect("login")
    return render(request, "monitoring/pasang.html", {"form": form})
