"""The demo's published secrets, readable without Django (the screenshot and phone-check
scripts sign in with them): the password and the authenticator key of decision 0027."""

from __future__ import annotations

from base64 import b32decode

DEMO_PASSWORD = "pantau-demo-2026"  # published demo password, printed to the user # nosec B105
# The accounts whose role requires a second factor (bupati, admin.kominfo,
# verifikator.bappeda) share this key, so that one entry in an authenticator app (or
# `pantau demo --kode-2fa`) signs any of them in.
DEMO_TOTP_KEY = "PANTAUDEMOWAKATOBIKODEDUALANGKAH"  # published demo key, base32 # nosec B105
DEMO_SECOND_FACTOR_USERS = ("bupati", "admin.kominfo", "verifikator.bappeda")


def demo_totp_key_hex() -> str:
    return b32decode(DEMO_TOTP_KEY).hex()


def demo_totp_code(offset: int = 0) -> str:
    """The demo key's code of the current time step (+ `offset` steps), by django-otp's TOTP."""
    from django_otp.oath import TOTP

    return f"{TOTP(b32decode(DEMO_TOTP_KEY), drift=offset).token():06d}"
