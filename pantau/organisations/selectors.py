"""Reads of organisation data, scoped to the requesting user."""

from __future__ import annotations

from django.db.models import QuerySet

from pantau.organisations.access import scope_for
from pantau.organisations.models import Membership, Opd, Pemda, Wilayah


def pemda_list_for_user(*, user) -> QuerySet[Pemda]:
    scope = scope_for(user)
    ids = set(scope.roles)
    return Pemda.objects.filter(id__in=ids, aktif=True)


def opd_list_for_user(*, user, q: str = "", jenis: str = "") -> QuerySet[Opd]:
    qs = Opd.objects.visible_to(user).filter(aktif=True).select_related("pemda", "wilayah")
    if q:
        from django.db.models import Q

        qs = qs.filter(Q(nama__icontains=q) | Q(singkatan__icontains=q) | Q(kode__startswith=q))
    if jenis:
        qs = qs.filter(jenis=jenis)
    return qs.order_by("pemda__kode", "kode")


def memberships_for_user(*, user) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("pemda", "opd")


def kecamatan_list(*, pemda: Pemda) -> QuerySet[Wilayah]:
    return Wilayah.objects.filter(pemda=pemda).kecamatan().order_by("kode")


def pulau_peta(*, pemda: Pemda) -> list[dict]:
    """The pemda's islands as map points (public reference data, Kepmendagri): name, position
    and whether inhabited. Drawn by every map (dashboard and public portal)."""
    from pantau.organisations.models import Pulau

    return [
        {"nama": nama, "lat": float(lat), "lng": float(lng), "huni": bool(huni)}
        for nama, lat, lng, huni in Pulau.objects.filter(pemda=pemda).values_list(
            "nama", "latitude", "longitude", "berpenghuni"
        )
    ]


def person_label(user, *, pemda_id: int | None = None) -> str:
    """A person as colleagues read them: full name and position ("Siti Aminah, Kepala Seksi
    Program"), or the role held in the pemda and OPD when no position is recorded ("Siti Aminah,
    Operator OPD Dinkes"); the username only when the account has no name. Reads
    `user.memberships` (prefetch `memberships__opd` where people are listed)."""
    if user is None:
        return ""
    name = user.get_full_name().strip() or user.get_username()
    held = [m for m in user.memberships.all() if pemda_id is None or m.pemda_id == pemda_id]
    if not held:
        return name
    m = held[0]
    if m.jabatan:
        # an account named after its position (a shared office account) is named once
        return name if m.jabatan.strip().casefold() == name.casefold() else f"{name}, {m.jabatan}"
    role = m.get_role_display()
    return f"{name}, {role} {m.opd.singkatan}" if m.opd_id else f"{name}, {role}"
