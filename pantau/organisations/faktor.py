"""Who must use a second factor, and where a person stands with it (decision 0027).

Reads only; the writes are in `services_faktor.py`. A session is *verified* when django-otp's
`OTPMiddleware` found the device that verified it (`request.user.is_verified()`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django_otp.plugins.otp_totp.models import TOTPDevice

from pantau.organisations.choices import SECOND_FACTOR_ROLES
from pantau.organisations.models import Membership, RecoveryDevice

VERIFY = "verify"  # a confirmed device: the code before any page
ENROL = "enrol"  # the role requires a second factor and there is none yet
_CACHE_ATTR = "_pantau_faktor_wajib"


def must_have_second_factor(user) -> bool:
    """A superuser, or a person holding a role of SECOND_FACTOR_ROLES in any pemda (cached on
    the user object for the request)."""
    if user is None or not user.is_authenticated:
        return False
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = bool(user.is_superuser) or (
            Membership.objects.filter(user=user, role__in=SECOND_FACTOR_ROLES).exists()
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def totp_device(user, *, confirmed: bool = True) -> TOTPDevice | None:
    """The person's authenticator app (confirmed), or the one being enrolled (unconfirmed)."""
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-pk").first()


def recovery_device(user) -> RecoveryDevice | None:
    return RecoveryDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def stage(user) -> str | None:
    """For a signed-in session that no device has verified: VERIFY, ENROL or None (nothing is
    asked: an optional person without a second factor)."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return VERIFY
    if must_have_second_factor(user):
        return ENROL
    return None


@dataclass(frozen=True)
class FaktorStatus:
    aktif: bool
    wajib: bool
    sejak: object = None  # datetime the app was confirmed
    terakhir: object = None  # datetime of the last code accepted
    sisa_pemulihan: int = 0


def faktor_status(*, user) -> FaktorStatus:
    """What the person's account page and the admin's account page show."""
    device = totp_device(user)
    recovery = recovery_device(user) if device else None
    return FaktorStatus(
        aktif=device is not None,
        wajib=must_have_second_factor(user),
        sejak=device.created_at if device else None,
        terakhir=device.last_used_at if device else None,
        sisa_pemulihan=recovery.codes.count() if recovery else 0,
    )
