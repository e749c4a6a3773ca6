"""Reads of the admin's people and organisation screens (`/kelola/`): only the pemdas the user
administers (a superuser: every pemda), and 404 for both "missing" and "not yours"."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from pantau.organisations.access import scope_for
from pantau.organisations.choices import Role
from pantau.organisations.models import Membership, Opd, OpdRiwayat, Pemda, Profil

User = get_user_model()


def kelola_pemdas(*, user) -> QuerySet[Pemda]:
    """The pemdas whose OPDs and accounts this user manages."""
    if not user.is_authenticated or not user.is_active:
        return Pemda.objects.none()
    if user.is_superuser:
        return Pemda.objects.all()
    ids = [p for p, role in scope_for(user).roles.items() if role == Role.ADMIN]
    return Pemda.objects.filter(id__in=ids)


def kelola_pemda(*, user, pemda_id: int | None = None) -> Pemda:
    """The pemda managed on this request (the one asked for, else the first); Http404 when the
    user manages none, or not that one."""
    qs = kelola_pemdas(user=user)
    pemda = qs.filter(pk=pemda_id).first() if pemda_id else qs.order_by("kode").first()
    if pemda is None:
        raise Http404
    return pemda


def account_list(
    *, pemda: Pemda, q: str = "", role: str = "", opd_id: int | None = None, aktif: str = ""
) -> QuerySet:
    """The accounts holding a role in the pemda, with their membership there."""
    memberships = Membership.objects.filter(pemda=pemda).select_related("opd")
    qs = (
        User.objects.filter(memberships__pemda=pemda)
        .prefetch_related(Prefetch("memberships", queryset=memberships, to_attr="di_pemda"))
        .order_by("username")
    )
    if q:
        qs = qs.filter(
            Q(username__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(email__icontains=q)
            | Q(profil__nip__startswith=q)
        )
    if role:
        qs = qs.filter(memberships__pemda=pemda, memberships__role=role)
    if opd_id:
        qs = qs.filter(memberships__pemda=pemda, memberships__opd_id=opd_id)
    if aktif in {"1", "0"}:
        qs = qs.filter(is_active=aktif == "1")
    return qs.distinct()


def access_account(*, pemda: Pemda, pk: int):
    """An account with a role in the managed pemda; Http404 otherwise."""
    user = account_list(pemda=pemda).filter(pk=pk).first()
    if user is None:
        raise Http404
    user.membership = user.di_pemda[0]
    return user


def opd_kelola_list(*, pemda: Pemda, aktif: str = "", q: str = "") -> QuerySet[Opd]:
    qs = Opd.objects.filter(pemda=pemda).select_related("wilayah").order_by("kode")
    if aktif in {"1", "0"}:
        qs = qs.filter(aktif=aktif == "1")
    if q:
        qs = qs.filter(Q(nama__icontains=q) | Q(singkatan__icontains=q) | Q(kode__startswith=q))
    return qs


def access_opd_kelola(*, pemda: Pemda, pk: int) -> Opd:
    opd = Opd.objects.filter(pemda=pemda, pk=pk).select_related("wilayah", "pemda").first()
    if opd is None:
        raise Http404
    return opd


def opd_members(*, opd: Opd) -> QuerySet[Membership]:
    return Membership.objects.filter(opd=opd).select_related("user").order_by("user__username")


def opd_lineage(*, opd: Opd) -> dict[str, list[OpdRiwayat]]:
    """Where this OPD came from (pecahan dari / hasil peleburan) and where it went (dilebur
    ke / dipecah menjadi)."""
    prefetch = ("asal", "hasil")
    return {
        "menjadi": list(
            OpdRiwayat.objects.filter(asal=opd).prefetch_related(*prefetch).select_related("oleh")
        ),
        "dari": list(
            OpdRiwayat.objects.filter(hasil=opd).prefetch_related(*prefetch).select_related("oleh")
        ),
    }


def profil_for(*, user) -> Profil:
    return Profil.objects.filter(user=user).first() or Profil(user=user)


def must_change_password(*, user) -> bool:
    return Profil.objects.filter(user=user, wajib_ganti_sandi=True).exists()
