"""Sign-ins, failed sign-ins and sign-outs in the audit trail (issue 12 §4). Subscribed to
Django's auth signals in `OrganisationsConfig.ready` (here, not in `audit`: the pemda of a
person is organisations' knowledge, decision 0018). Never the password: only the name tried
and the address."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import DisallowedHost
from django.db import transaction

from pantau.audit.services import audit_record
from pantau.core.clientip import client_address
from pantau.organisations.hosts import request_host
from pantau.organisations.models import Membership, Pemda

USERNAME_MAX = 150


def _address(request) -> str:
    # the same address the lockout and the session list take (trusted proxy header)
    return client_address(request) if request is not None else ""


def _pemda_ids(user) -> list[int | None]:
    """The pemdas the person works in: one event in each pemda's chain; none: the system's."""
    ids = sorted(Membership.objects.filter(user=user).values_list("pemda_id", flat=True))
    return ids or [None]


def _pemda_of_request(request) -> int | None:
    """The pemda a sign-in by an unknown name was aimed at, so that its admin and auditor see
    the guessing: the pemda whose public host the request came through, else the only pemda of
    the installation; None (the system's chain) when neither tells."""
    if request is not None:
        try:
            host = request_host(request.get_host())
        except DisallowedHost:  # a Host header not allowed: no pemda to name
            host = ""
        if host:
            by_host = Pemda.objects.filter(domain_publik__iexact=host).values_list("pk", flat=True)
            if found := by_host.first():
                return found
    only = list(Pemda.objects.values_list("pk", flat=True)[:2])
    return only[0] if len(only) == 1 else None


def _record(*, actor, action: str, user, request, changes: dict) -> None:
    changes = {"alamat": _address(request), **changes}
    with transaction.atomic():
        pemdas = _pemda_ids(user) if user is not None else [_pemda_of_request(request)]
        for pemda_id in pemdas:
            audit_record(
                actor=actor,
                action=action,
                object_type="auth.user",
                object_id=str(user.pk) if user is not None else "",
                object_repr=user.get_username() if user is not None else changes["nama"],
                changes=changes,
                pemda_id=pemda_id,
            )


def signin_record(sender, request, user, **kwargs) -> None:
    """`user_logged_in`: one `user.login` event per pemda of the person."""
    _record(actor=user, action="user.login", user=user, request=request, changes={})


def signout_record(sender, request, user, **kwargs) -> None:
    """`user_logged_out`: one `user.logout` event per pemda (nothing for an anonymous visit)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return
    _record(actor=user, action="user.logout", user=user, request=request, changes={})


def signin_failed_record(sender, credentials, request=None, **kwargs) -> None:
    """`user_login_failed`: the name tried (cut to 150 characters) and the address; in the
    pemdas of the account of that name, or the system's chain for an unknown name."""
    user_model = get_user_model()
    name = str(credentials.get(user_model.USERNAME_FIELD) or credentials.get("username") or "")
    name = name[:USERNAME_MAX]
    user = (
        user_model._default_manager.filter(**{user_model.USERNAME_FIELD: name}).first()
        if name
        else None
    )
    _record(
        actor=None, action="user.login_failed", user=user, request=request, changes={"nama": name}
    )
