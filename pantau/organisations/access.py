"""Who may see what: the scope of a user, and access_<entity> functions.

Every protected read goes through `scope_for(user)`; `access_opd` answers 404 for both
"missing" and "not yours" so that ids of other tenants cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404

from pantau.organisations.choices import OPD_ROLES, PEMDA_WIDE_ROLES

_CACHE_ATTR = "_pantau_scope"


@dataclass(frozen=True)
class Scope:
    """What a user may read: all OPDs of `pemda_ids`, plus the single OPDs in `opd_ids`."""

    pemda_ids: frozenset[int] = frozenset()
    opd_ids: frozenset[int] = frozenset()
    roles: dict[int, str] = field(default_factory=dict)  # pemda id -> role

    @property
    def is_empty(self) -> bool:
        return not self.pemda_ids and not self.opd_ids

    def can_read_opd(self, opd) -> bool:
        return opd.pemda_id in self.pemda_ids or opd.id in self.opd_ids

    def role_in(self, pemda_id: int) -> str | None:
        return self.roles.get(pemda_id)


def scope_for(user) -> Scope:
    """The user's read scope, computed once per request (cached on the user object)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from pantau.organisations.models import Membership

    pemda_ids: set[int] = set()
    opd_ids: set[int] = set()
    roles: dict[int, str] = {}
    memberships = Membership.objects.filter(user=user, pemda__aktif=True).values_list(
        "pemda_id", "opd_id", "role"
    )
    for pemda_id, opd_id, role in memberships:
        roles[pemda_id] = role
        if role in PEMDA_WIDE_ROLES:
            pemda_ids.add(pemda_id)
        elif role in OPD_ROLES and opd_id:
            opd_ids.add(opd_id)
    scope = Scope(frozenset(pemda_ids), frozenset(opd_ids), roles)
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope (after a membership of this user changed)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def access_opd(user, pk: int):
    """The OPD with this id when the user may read it; Http404 otherwise."""
    from pantau.organisations.models import Opd

    opd = Opd.objects.visible_to(user).select_related("pemda").filter(pk=pk).first()
    if opd is None:
        raise Http404
    return opd
