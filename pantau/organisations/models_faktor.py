"""Recovery codes of the second factor (decision 0027): a django-otp device whose codes are kept
as salted SHA-256 digests, never as text. The TOTP device itself is django-otp's `TOTPDevice`."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin

# an alphabet without look-alikes (no 0/o, 1/l/i): 12 characters carry 60 bits
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 12


def normalise_recovery_code(text: str) -> str:
    """What a person typed, as stored: lower case, spaces and hyphens dropped."""
    return "".join(ch for ch in (text or "").lower() if ch not in " -\t")


def new_salt() -> str:
    return secrets.token_hex(16)


def new_recovery_code() -> str:
    """A fresh code, shown in groups of four (`abcd-efgh-jkmn`)."""
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _i in range(RECOVERY_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, RECOVERY_LENGTH, 4))


class RecoveryDevice(TimestampMixin, ThrottlingMixin, Device):
    """The person's recovery codes: each works once (its row is deleted when used); wrong codes
    are throttled like TOTP codes (django-otp's exponential back-off)."""

    salt = models.CharField(max_length=32, default=new_salt, editable=False)

    class Meta(Device.Meta):
        verbose_name = _("kode pemulihan")
        verbose_name_plural = _("kode pemulihan")

    def digest(self, code: str) -> str:
        text = f"{self.salt}:{normalise_recovery_code(code)}"
        return hashlib.sha256(text.encode()).hexdigest()

    def get_throttle_factor(self) -> int:
        return getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1)

    def verify_token(self, token) -> bool:
        allowed, _info = self.verify_is_allowed()
        if not allowed:
            return False
        wanted = self.digest(str(token))
        match = None
        for code in self.codes.all():
            if hmac.compare_digest(code.digest, wanted):
                match = code
        if match is None:
            self.throttle_increment()
            return False
        match.delete()
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
        return True


class RecoveryCode(models.Model):
    """One unused recovery code, as its digest."""

    device = models.ForeignKey(RecoveryDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("kode pemulihan")
        verbose_name_plural = _("kode pemulihan")

    def __str__(self) -> str:
        return f"#{self.pk}"
