"""The second factor's pages (decision 0027): the code after the password
(`/masuk/verifikasi/`), and every person's own `/akun/2fa/` (enrolment with the secret as text
and as a QR image, confirmation, recovery codes shown once, regeneration, disabling)."""

from __future__ import annotations

import io
import time
from base64 import b32encode
from urllib.parse import urlencode

import qrcode
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from pantau.core.errors import error_messages
from pantau.organisations import faktor
from pantau.organisations import services_faktor as svc
from pantau.organisations.forms_faktor import KodeForm, KonfirmasiForm, NonaktifForm
from pantau.organisations.models import RecoveryDevice

CODES_KEY = "pantau_kode_pemulihan"


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, request) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    url = reverse(name)
    if nxt and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        url += "?" + urlencode({"next": nxt})
    return url


def _verified(request, device) -> None:
    # a new session key for the session that now holds the second factor (no fixation)
    request.session.cycle_key()
    otp_login(request, device)


def _show_codes(request, codes: list[str]) -> None:
    request.session[CODES_KEY] = {"codes": codes, "at": int(time.time())}


def _shown_codes(request) -> list[str]:
    kept = request.session.get(CODES_KEY) or {}
    if not kept or time.time() - kept.get("at", 0) > settings.PANTAU_RECOVERY_SHOW_SECONDS:
        request.session.pop(CODES_KEY, None)
        return []
    return list(kept.get("codes", []))


@never_cache
@login_required
def verifikasi(request):
    user = request.user
    if user.is_verified():
        return redirect(_next(request))
    where = faktor.stage(user)
    if where == faktor.ENROL:
        return redirect(_with_next("akun:2fa", request))
    if where is None:
        return redirect(_next(request))
    form = KodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        hasil = svc.faktor_verifikasi(user=user, kode=form.cleaned_data["kode"])
        if hasil.ok:
            _verified(request, hasil.device)
            if isinstance(hasil.device, RecoveryDevice):
                left = faktor.faktor_status(user=user).sisa_pemulihan
                messages.warning(
                    request,
                    _(
                        "Anda masuk dengan kode pemulihan; tersisa %(n)d. Buat kode baru di "
                        "halaman Verifikasi dua langkah bila tinggal sedikit."
                    )
                    % {"n": left},
                )
            return redirect(_next(request))
        form.add_error("kode", hasil.pesan)
    return render(
        request,
        "organisations/faktor_verifikasi.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next") or ""},
    )


def _secret_text(device) -> str:
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@never_cache
@login_required
def dua_faktor(request):
    user = request.user
    status = faktor.faktor_status(user=user)
    pending = None if status.aktif else faktor.totp_device(user, confirmed=False)
    return render(
        request,
        "organisations/faktor.html",
        {
            "status": status,
            "pending": pending,
            "secret": _secret_text(pending) if pending else "",
            "konfirmasi_form": KonfirmasiForm(),
            "nonaktif_form": NonaktifForm(),
            "next": request.GET.get("next", ""),
        },
    )


@never_cache
@login_required
@require_POST
def mulai(request):
    try:
        svc.faktor_mulai(user=request.user)
    except ValidationError as exc:
        for message in error_messages(exc):
            messages.error(request, message)
    return redirect(_with_next("akun:2fa", request))


@never_cache
@login_required
def qr(request):
    """The enrolment's QR code (the otpauth URL with the secret) as a PNG of its own, never
    kept by a browser or proxy."""
    device = faktor.totp_device(request.user, confirmed=False)
    if device is None:
        raise Http404
    image = qrcode.make(device.config_url, box_size=6, border=2)  # Pillow's PNG
    out = io.BytesIO()
    image.save(out, format="PNG")
    response = HttpResponse(out.getvalue(), content_type="image/png")
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
@require_POST
def konfirmasi(request):
    user = request.user
    form = KonfirmasiForm(request.POST)
    if form.is_valid():
        hasil = svc.faktor_konfirmasi(
            user=user, kode=form.cleaned_data["kode"], keep_session=request.session.session_key
        )
        if hasil.ok:
            _verified(request, hasil.device)
            _show_codes(request, hasil.codes)
            messages.success(request, _("Verifikasi dua langkah aktif."))
            return redirect(_with_next("akun:2fa-pemulihan", request))
        messages.error(request, hasil.pesan)
    else:
        messages.error(request, _("Masukkan kode 6 angka dari aplikasi."))
    return redirect(_with_next("akun:2fa", request))


@never_cache
@login_required
def pemulihan(request):
    """The recovery codes just made, shown once: until the person says they kept them, or for
    PANTAU_RECOVERY_SHOW_SECONDS."""
    if request.method == "POST":
        request.session.pop(CODES_KEY, None)
        return redirect(_next(request) if request.POST.get("next") else reverse("akun:2fa"))
    codes = _shown_codes(request)
    if not codes:
        return redirect("akun:2fa")
    return render(
        request,
        "organisations/faktor_pemulihan.html",
        {"codes": codes, "next": request.GET.get("next", "")},
    )


@never_cache
@login_required
def pemulihan_unduh(request):
    codes = _shown_codes(request)
    if not codes:
        raise Http404
    lines = [
        _("Kode pemulihan Pantau untuk %(u)s") % {"u": request.user.get_username()},
        _("Setiap kode berlaku sekali. Simpan di tempat aman."),
        "",
        *codes,
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="pantau-kode-pemulihan.txt"'
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
@require_POST
def pemulihan_baru(request):
    try:
        codes = svc.kode_pemulihan_baru(user=request.user, keep_session=request.session.session_key)
    except ValidationError as exc:
        for message in error_messages(exc):
            messages.error(request, message)
        return redirect("akun:2fa")
    _show_codes(request, codes)
    messages.success(request, _("Kode pemulihan baru dibuat; kode lama tidak berlaku lagi."))
    return redirect("akun:2fa-pemulihan")


@never_cache
@login_required
@require_POST
def nonaktif(request):
    form = NonaktifForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    try:
        hasil = svc.faktor_nonaktifkan(
            user=request.user,
            kode=data.get("kode", ""),
            sandi=data.get("sandi", ""),
            keep_session=request.session.session_key,
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("akun:2fa")
    if hasil.ok:
        messages.success(request, _("Verifikasi dua langkah dinonaktifkan."))
    else:
        messages.error(request, hasil.pesan)
    return redirect("akun:2fa")
