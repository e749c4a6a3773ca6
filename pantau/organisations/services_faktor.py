"""Writes of the second factor (decision 0027): enrolment, confirmation, the sign-in code,
recovery codes, disabling by the person and the admin's reset. TOTP itself, the once-only rule
(`last_t`) and throttling are django-otp's.

Every change of a person's second factor goes through `_faktor_changed`, which audits it (never
with a secret) and is where the person's other sessions end. A wrong code is not an exception:
its throttling count must be kept, so the functions return a `Hasil` and commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from pantau.audit.services import audit_record
from pantau.organisations.faktor import must_have_second_factor
from pantau.organisations.models import Membership, Pemda, RecoveryCode, RecoveryDevice
from pantau.organisations.models_faktor import new_recovery_code, normalise_recovery_code
from pantau.organisations.services_kelola import account_check
from pantau.organisations.sesi import akhiri_sesi

RECOVERY_COUNT = 10
APP_NAME = "Aplikasi autentikator"
RECOVERY_NAME = "Kode pemulihan"


@dataclass
class Hasil:
    """The answer to a code: accepted (with the device that accepted it) or refused (with the
    message to show); `codes` holds new recovery codes, in clear, to show once."""

    ok: bool
    pesan: str = ""
    device: object = None
    codes: list[str] = field(default_factory=list)


def _pemda_id(user) -> int | None:
    # the person's (first) pemda, so that its auditors see the event on its trail
    return (
        Membership.objects.filter(user=user).order_by("pk").values_list("pemda_id", flat=True)
    ).first()


def _faktor_changed(
    *, actor, user, action: str, changes: dict | None = None, pemda_id=None, keep_session=None
) -> None:
    """The one end of every second-factor change: the audit event (no key, no code) and the end
    of the person's other sessions (`keep_session`: the session key of the request that made
    the change by the person themself; None ends them all)."""
    audit_record(
        actor=actor,
        action=action,
        obj=user,
        object_repr=user.get_username(),
        changes=changes or {},
        pemda_id=pemda_id if pemda_id is not None else _pemda_id(user),
    )
    akhiri_sesi(user, kecuali=keep_session, alasan=action.removeprefix("user."), actor=actor)


def _attempt(*, user, action: str, cara: str, pesan: str = "") -> None:
    audit_record(
        actor=user,
        action=action,
        obj=user,
        object_repr=user.get_username(),
        changes={"cara": cara, **({"pesan": pesan} if pesan else {})},
        pemda_id=_pemda_id(user),
    )


def _throttled(device) -> str:
    allowed, info = device.verify_is_allowed()
    if allowed:
        return ""
    wait = max(1, int((info["locked_until"] - timezone.now()).total_seconds() + 0.999))
    return ngettext(
        "Terlalu banyak kode salah. Tunggu %(n)d detik, lalu coba lagi.",
        "Terlalu banyak kode salah. Tunggu %(n)d detik, lalu coba lagi.",
        wait,
    ) % {"n": wait}


def _reused(device: TOTPDevice, token: str) -> bool:
    """A right code of a time step already used (django-otp refused it for `last_t`)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    try:
        return totp.verify(int(token), device.tolerance)
    except ValueError:
        return False


def _check_totp(device: TOTPDevice, token: str) -> str:
    """'' when the code is accepted (and used up), else the message."""
    wait = _throttled(device)
    if wait:
        return wait
    if device.verify_token(token):
        return ""
    if _reused(device, token):
        return _("Kode ini sudah dipakai. Tunggu kode berikutnya di aplikasi Anda.")
    return _("Kode salah. Periksa jam ponsel Anda dan masukkan kode 6 angka yang sedang tampil.")


def _check_recovery(device: RecoveryDevice | None, token: str) -> str:
    if device is None:
        return _("Kode salah. Periksa lalu coba lagi.")
    wait = _throttled(device)
    if wait:
        return wait
    if device.verify_token(token):
        return ""
    return _("Kode pemulihan salah atau sudah dipakai. Setiap kode hanya berlaku sekali.")


def _looks_like_totp(token: str, device: TOTPDevice | None) -> bool:
    digits = token.replace(" ", "")
    return device is not None and digits.isdigit() and len(digits) == device.digits


def _new_recovery(user) -> list[str]:
    RecoveryDevice.objects.filter(user=user).delete()
    device = RecoveryDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [new_recovery_code() for _i in range(RECOVERY_COUNT)]
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(device=device, digest=device.digest(code)) for code in codes]
    )
    return codes


def _locked_totp(user, *, confirmed: bool) -> TOTPDevice | None:
    return (
        TOTPDevice.objects.select_for_update(of=("self",))
        .filter(user=user, confirmed=confirmed)
        .order_by("-pk")
        .first()
    )


@transaction.atomic
def faktor_mulai(*, user) -> TOTPDevice:
    """Begin enrolment: a new secret (unconfirmed until the person types a code from it)."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(_("Verifikasi dua langkah sudah aktif pada akun ini."))
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)
    _attempt(user=user, action="user.2fa_enrol", cara="totp")
    return device


@transaction.atomic
def faktor_konfirmasi(*, user, kode: str, keep_session=None) -> Hasil:
    """The first code from the app confirms it; ten recovery codes are made (returned in clear,
    to be shown once)."""
    device = _locked_totp(user, confirmed=False)
    if device is None:
        return Hasil(False, _("Pendaftaran belum dimulai atau sudah kedaluwarsa. Mulai lagi."))
    pesan = _check_totp(device, kode.strip())
    if pesan:
        _attempt(user=user, action="user.2fa_failed", cara="totp", pesan="enrol")
        return Hasil(False, pesan)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = _new_recovery(user)
    _faktor_changed(
        actor=user,
        user=user,
        action="user.2fa_enable",
        changes={"aktif": [False, True], "kode_pemulihan": [0, len(codes)]},
        keep_session=keep_session,
    )
    return Hasil(True, device=device, codes=codes)


@transaction.atomic
def faktor_verifikasi(*, user, kode: str) -> Hasil:
    """The sign-in's second step: a code of the app or an unused recovery code."""
    token = (kode or "").strip()
    app = _locked_totp(user, confirmed=True)
    if app is None:
        return Hasil(False, _("Verifikasi dua langkah tidak aktif pada akun ini."))
    if _looks_like_totp(token, app):
        pesan = _check_totp(app, token.replace(" ", ""))
        if pesan:
            _attempt(user=user, action="user.2fa_failed", cara="totp")
            return Hasil(False, pesan)
        _attempt(user=user, action="user.2fa_verify", cara="totp")
        return Hasil(True, device=app)
    recovery = RecoveryDevice.objects.select_for_update(of=("self",)).filter(user=user).first()
    pesan = _check_recovery(recovery, normalise_recovery_code(token))
    if pesan:
        _attempt(user=user, action="user.2fa_failed", cara="pemulihan")
        return Hasil(False, pesan)
    left = recovery.codes.count()
    audit_record(
        actor=user,
        action="user.2fa_recovery_used",
        obj=user,
        object_repr=user.get_username(),
        changes={"kode_pemulihan": [left + 1, left]},
        pemda_id=_pemda_id(user),
    )
    return Hasil(True, device=recovery)


@transaction.atomic
def faktor_nonaktifkan(*, user, kode: str = "", sandi: str = "", keep_session=None) -> Hasil:
    """The person turns their second factor off (only where no role requires it), proving it
    with a current code or their password; wrong ones count in the app's throttling."""
    if must_have_second_factor(user):
        raise PermissionDenied(
            _("Peran Anda mewajibkan verifikasi dua langkah; tidak dapat dinonaktifkan.")
        )
    app = _locked_totp(user, confirmed=True)
    if app is None:
        return Hasil(True)
    if sandi:
        pesan = _throttled(app)
        if not pesan and not user.check_password(sandi):
            app.throttle_increment()
            pesan = _("Kata sandi salah.")
    elif kode.strip():
        token = kode.strip()
        if _looks_like_totp(token, app):
            pesan = _check_totp(app, token.replace(" ", ""))
        else:
            recovery = (
                RecoveryDevice.objects.select_for_update(of=("self",)).filter(user=user).first()
            )
            pesan = _check_recovery(recovery, normalise_recovery_code(token))
    else:
        return Hasil(False, _("Masukkan kode dari aplikasi atau kata sandi Anda."))
    if pesan:
        _attempt(user=user, action="user.2fa_failed", cara="nonaktif")
        return Hasil(False, pesan)
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryDevice.objects.filter(user=user).delete()
    _faktor_changed(
        actor=user,
        user=user,
        action="user.2fa_disable",
        changes={"aktif": [True, False]},
        keep_session=keep_session,
    )
    return Hasil(True)


@transaction.atomic
def kode_pemulihan_baru(*, user, keep_session=None) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(_("Aktifkan verifikasi dua langkah lebih dulu."))
    old = RecoveryCode.objects.filter(device__user=user).count()
    codes = _new_recovery(user)
    _faktor_changed(
        actor=user,
        user=user,
        action="user.2fa_recovery_regenerate",
        changes={"kode_pemulihan": [old, len(codes)]},
        keep_session=keep_session,
    )
    return codes


@transaction.atomic
def faktor_reset(*, actor, pemda: Pemda, user) -> None:
    """The pemda admin removes a person's second factor (a lost phone): the person enrols again
    at their next sign-in where their role requires it. Every session of theirs ends."""
    account_check(actor=actor, pemda=pemda, user=user)
    had = TOTPDevice.objects.filter(user=user).exists()
    if not had:
        raise ValidationError(_("Akun ini belum memakai verifikasi dua langkah."))
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryDevice.objects.filter(user=user).delete()
    _faktor_changed(
        actor=actor,
        user=user,
        action="user.2fa_reset",
        changes={"aktif": [True, False]},
        pemda_id=pemda.pk,
    )


@transaction.atomic
def faktor_demo_set(*, user, key_hex: str) -> TOTPDevice:
    """The demo's accounts get an app with the published demo key (pantau/demo; never for real
    accounts: the key is in the documentation)."""
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice(user=user, name=APP_NAME, confirmed=True, key=key_hex)
    device.full_clean()
    device.save()
    _faktor_changed(
        actor=None,
        user=user,
        action="user.2fa_enable",
        changes={"aktif": [False, True], "sumber": "demo"},
    )
    return device
