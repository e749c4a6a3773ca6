"""Sign-in lockout (decision 0026), with django-axes doing the counting: after
`AXES_FAILURE_LIMIT` failed sign-ins for one username from one address, that pair is refused
for `AXES_COOLOFF_TIME`, even with the right password; another address still signs in. This
module holds Pantau's side: the address and username axes counts on, the page a locked-out
person sees, the audit of a lockout, and the pemda admin's unlock."""

from __future__ import annotations

import datetime as dt

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from pantau.audit.services import audit_record
from pantau.core.clientip import client_address
from pantau.organisations.models import Membership
from pantau.organisations.services_kelola import account_check

User = get_user_model()
UNKNOWN_ADDRESS = "0.0.0.0"  # noqa: S104 - a label for "unreadable", never bound to # nosec B104


def client_ip(request) -> str:
    """The address axes counts on: the one the rest of Pantau uses (`PANTAU_CLIENT_IP_HEADER`
    behind a reverse proxy, else REMOTE_ADDR; IPv6 per /64). Unreadable addresses share one
    value that the database's address column accepts."""
    address = client_address(request)
    return UNKNOWN_ADDRESS if address == "unknown" else address


def client_username(request, credentials) -> str:
    """Usernames are unique without regard to case: `Admin.A` and `admin.a` count together."""
    raw = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD) or ""
    return str(raw).strip().lower()[:150]


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out sign-in gets (429): what happened, when to try again, and who can
    unlock it. Never says whether the username exists."""
    cool_off = get_cool_off(request) or dt.timedelta(0)
    until = timezone.localtime(timezone.now() + cool_off)
    text = _(
        "Terlalu banyak percobaan masuk yang gagal untuk nama pengguna ini dari alamat Anda. "
        "Demi keamanan, masuk dikunci sementara: coba lagi setelah pukul %(jam)s "
        "(sekitar %(menit)s menit lagi), atau hubungi admin pemda Anda untuk membuka kunci."
    ) % {
        "jam": formats.time_format(until, "H:i"),
        "menit": int(cool_off.total_seconds() // 60),
    }
    return render(
        request,
        "organisations/masuk_terkunci.html",
        {"pesan": text, "username": get_client_username(request, credentials) or ""},
        status=429,
    )


def _user_for(username: str):
    return User.objects.filter(username__iexact=username).first() if username else None


def _pemda_id(user) -> int | None:
    if user is None:
        return None
    return Membership.objects.filter(user=user).values_list("pemda_id", flat=True).first()


def lockout_record(sender=None, *, request=None, username: str = "", ip_address: str = "", **kw):
    """django-axes' `user_locked_out`: one audit event per lockout, in the pemda of the account
    (none when the username names no one; the typed name is kept so that the admin sees what was
    tried)."""
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is not None and failures != settings.AXES_FAILURE_LIMIT:
        return  # a further try while locked (axes signals each one): the lock is audited once
    user = _user_for(username)
    with transaction.atomic():
        audit_record(
            actor=None,
            action="akun.terkunci",
            obj=user,
            object_type=None if user else "auth.user",
            object_repr=user.get_username() if user else (username or "")[:150],
            changes={
                "alamat": [None, ip_address],
                "batas_gagal": [None, settings.AXES_FAILURE_LIMIT],
            },
            pemda_id=_pemda_id(user),
        )


def _active_attempts(user):
    """The failure counts of this account that still lock it (any address)."""
    qs = AccessAttempt.objects.filter(
        username=user.get_username().lower(), failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    )
    cool_off = settings.AXES_COOLOFF_TIME
    if cool_off:
        qs = qs.filter(attempt_time__gte=timezone.now() - cool_off)
    return qs


def locked_usernames(*, usernames) -> set[str]:
    """Which of these accounts are locked now (any address), in lower case: the badge of the
    admin's account list, in one query."""
    names = [n.lower() for n in usernames]
    qs = AccessAttempt.objects.filter(
        username__in=names, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    )
    if settings.AXES_COOLOFF_TIME:
        qs = qs.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)
    return set(qs.values_list("username", flat=True))


def lockouts_for(*, user) -> list[dict]:
    """Where this account is locked now: address and the last failed attempt (for the admin's
    account page)."""
    return [
        {"alamat": a.ip_address, "waktu": a.attempt_time, "gagal": a.failures_since_start}
        for a in _active_attempts(user).order_by("-attempt_time")
    ]


@transaction.atomic
def account_unlock(*, actor, pemda, user) -> int:
    """The pemda admin lifts every lockout of an account of their pemda (all addresses) and
    clears its failure counts. Returns how many locked addresses were lifted; audited."""
    account_check(actor=actor, pemda=pemda, user=user)
    locked = list(_active_attempts(user).values_list("ip_address", flat=True))
    axes_reset(username=user.get_username().lower())
    audit_record(
        actor=actor,
        action="akun.buka_kunci",
        obj=user,
        changes={"alamat_terkunci": [sorted(str(a) for a in locked), []]},
        pemda_id=pemda.pk,
    )
    return len(locked)


def _masked(email: str) -> str:
    local, _at, domain = (email or "").strip().partition("@")
    return f"{local[:2]}***@{domain}"[:120] if domain else "***"


@transaction.atomic
def password_reset_requested(*, email: str, users: list) -> None:
    """A forgotten-password request: one audit event per account the address belongs to, or
    one event naming no account (the address only masked) when it belongs to none. The person
    asking sees the same answer either way."""
    if not users:
        audit_record(
            actor=None,
            action="user.password_reset_request",
            object_type="auth.user",
            object_repr=_masked(email),
            changes={"akun_cocok": [None, 0]},
        )
        return
    for user in users:
        audit_record(
            actor=None,
            action="user.password_reset_request",
            obj=user,
            changes={"email": [None, _masked(email)]},
            pemda_id=_pemda_id(user),
        )
