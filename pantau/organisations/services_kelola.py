"""The pemda admin's writes on people and organisation (issue 11 §2): accounts, profiles,
passwords, OPDs and their merges and splits. Each is atomic and audited, and each checks that
the actor is the admin of the pemda (or a superuser; `actor=None` is the system itself).

Roles and scopes stay as `access.py` and the `Membership` constraints enforce them: an admin
never creates a superuser or staff, never gives a role in another pemda, and never changes an
account that holds a role in a pemda they do not administer.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from pantau.audit.services import audit_record, diff, snapshot
from pantau.organisations import codes
from pantau.organisations.access import forget_scope, scope_for
from pantau.organisations.choices import OPD_ROLES, Role
from pantau.organisations.models import (
    JenisRiwayatOpd,
    Membership,
    Opd,
    OpdRiwayat,
    Pemda,
    Profil,
)
from pantau.organisations.services import OPD_FIELDS, membership_set, opd_create, opd_update
from pantau.organisations.sesi import akhiri_sesi

User = get_user_model()


def kelola_check(*, actor, pemda: Pemda) -> None:
    """Refuse anyone but the pemda's admin, a superuser or the system."""
    if actor is None or getattr(actor, "is_superuser", False):
        return
    if scope_for(actor).role_in(pemda.pk) != Role.ADMIN:
        raise PermissionDenied(_("Hanya admin pemda ini yang dapat mengelola OPD dan akun."))


def account_check(*, actor, pemda: Pemda, user) -> None:
    """The admin may change this account: not a superuser, and every role it holds is in a
    pemda the actor administers (an admin of B never changes a person of A)."""
    kelola_check(actor=actor, pemda=pemda)
    if actor is None or getattr(actor, "is_superuser", False):
        return
    pemda_ids = set(Membership.objects.filter(user=user).values_list("pemda_id", flat=True))
    admin_of = {p for p, r in scope_for(actor).roles.items() if r == Role.ADMIN}
    if user.is_superuser or pemda.pk not in pemda_ids or not pemda_ids <= admin_of:
        raise PermissionDenied(_("Akun ini tidak dapat Anda kelola."))


def _is_self(actor, user) -> bool:
    return actor is not None and getattr(actor, "pk", None) == user.pk


def _temporary_password() -> str:
    # 4 groups of 4 from an alphabet without look-alikes: easy to read out, ~80 bits
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _i in range(4)) for _j in range(4))


def _profil(user) -> Profil:
    profil = Profil.objects.select_for_update(of=("self",)).filter(user=user).first()
    return profil or Profil(user=user)


def _pemdas_of(user) -> list[int | None]:
    """The pemdas whose audit trail holds a person's own changes (profile, name, password): each
    pemda they hold a role in, where its admin and auditor read it; none: the global chain."""
    return sorted(set(Membership.objects.filter(user=user).values_list("pemda_id", flat=True))) or [
        None
    ]


def _audit_person(*, actor, action: str, obj, changes: dict, pemda_ids: list) -> None:
    for pemda_id in pemda_ids:
        audit_record(actor=actor, action=action, obj=obj, changes=changes, pemda_id=pemda_id)


def _save_profil(*, actor, profil: Profil, action: str, before, pemda_ids: list) -> None:
    """`save_audited` for a profile, its event in the person's pemdas (a profile has no pemda of
    its own; its events went to the global chain, out of every pemda's audit list)."""
    profil.full_clean()
    changes = diff(before, snapshot(profil))
    if before is not None and not changes:
        return
    profil.save()
    _audit_person(actor=actor, action=action, obj=profil, changes=changes, pemda_ids=pemda_ids)


def _check_role(*, pemda: Pemda, role: str, opd: Opd | None) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("Peran tidak dikenal.")})
    if role in OPD_ROLES and opd is None:
        raise ValidationError({"opd": _("Peran kepala/operator OPD wajib memilih OPD.")})
    if role not in OPD_ROLES and opd is not None:  # said, not dropped in silence
        raise ValidationError(
            {
                "opd": _(
                    "Peran %(r)s berlaku untuk seluruh pemda dan tidak terikat OPD: kosongkan OPD."
                )
                % {"r": Role(role).label}
            }
        )
    if opd is not None and opd.pemda_id != pemda.pk:
        raise ValidationError({"opd": _("OPD ini milik pemda lain.")})
    if opd is not None and not opd.aktif:
        raise ValidationError({"opd": _("OPD ini tidak aktif.")})


def _check_person(*, username: str | None, email: str, exclude_pk: int | None = None) -> None:
    errors: dict[str, list[str]] = {}
    if username is not None:
        if not username:
            errors["username"] = [_("Nama pengguna wajib diisi.")]
        else:
            try:
                User._meta.get_field("username").run_validators(username)
            except ValidationError as exc:
                errors["username"] = exc.messages
            if User.objects.filter(username__iexact=username).exclude(pk=exclude_pk).exists():
                errors["username"] = [_("Nama pengguna '%(u)s' sudah dipakai.") % {"u": username}]
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            errors["email"] = exc.messages
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def account_create(
    *,
    actor,
    pemda: Pemda,
    username: str,
    role: str,
    opd: Opd | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    jabatan: str = "",
) -> tuple:
    """A new account with a role in the pemda and a one-time temporary password (returned, to
    be shown once); the person must choose their own at the first sign-in."""
    kelola_check(actor=actor, pemda=pemda)
    username, email = username.strip(), email.strip()
    _check_person(username=username, email=email)
    _check_role(pemda=pemda, role=role, opd=opd)
    password = _temporary_password()
    user = User(
        username=username, first_name=first_name.strip(), last_name=last_name.strip(), email=email
    )
    validate_password(password, user)  # the same policy as every other password
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(
        actor=actor,
        action="user.create",
        obj=user,
        changes={"username": [None, username], "email": [None, email]},
        pemda_id=pemda.pk,
    )
    _save_profil(
        actor=actor,
        profil=Profil(user=user, wajib_ganti_sandi=True),
        action="profil.create",
        before=None,
        pemda_ids=[pemda.pk],
    )
    membership_set(
        actor=actor,
        user=user,
        pemda=pemda,
        role=role,
        opd=opd if role in OPD_ROLES else None,
        jabatan=jabatan,
    )
    return user, password


@transaction.atomic
def account_update(
    *,
    actor,
    pemda: Pemda,
    user,
    role: str,
    opd: Opd | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    jabatan: str = "",
):
    """Name, e-mail, role, OPD and position of an account in this pemda."""
    account_check(actor=actor, pemda=pemda, user=user)
    email = email.strip()
    _check_person(username=None, email=email)
    _check_role(pemda=pemda, role=role, opd=opd)
    if _is_self(actor, user) and role != Role.ADMIN and not actor.is_superuser:
        raise ValidationError(
            {"role": _("Anda tidak dapat melepas peran admin Anda sendiri; minta admin lain.")}
        )
    user = User.objects.select_for_update(of=("self",)).get(pk=user.pk)
    before = {k: getattr(user, k) for k in ("first_name", "last_name", "email")}
    user.first_name, user.last_name, user.email = first_name.strip(), last_name.strip(), email
    after = {k: getattr(user, k) for k in before}
    if after != before:
        user.full_clean()
        user.save(update_fields=list(before))
        audit_record(
            actor=actor,
            action="user.update",
            obj=user,
            changes={k: [before[k], after[k]] for k in before if before[k] != after[k]},
            pemda_id=pemda.pk,
        )
    membership_set(
        actor=actor,
        user=user,
        pemda=pemda,
        role=role,
        opd=opd if role in OPD_ROLES else None,
        jabatan=jabatan,
    )
    return user


@transaction.atomic
def account_set_active(*, actor, pemda: Pemda, user, aktif: bool):
    """Deactivate (the person can no longer sign in; their name stays on every trail) or
    reactivate an account."""
    account_check(actor=actor, pemda=pemda, user=user)
    if _is_self(actor, user) and not aktif:
        raise ValidationError(_("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    user = User.objects.select_for_update(of=("self",)).get(pk=user.pk)
    if user.is_active == aktif:
        return user
    user.is_active = aktif
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="user.activate" if aktif else "user.deactivate",
        obj=user,
        changes={"is_active": [not aktif, aktif]},
        pemda_id=pemda.pk,
    )
    forget_scope(user)
    if not aktif:
        akhiri_sesi(user, alasan="nonaktif", actor=actor)
    return user


@transaction.atomic
def account_password_reset(*, actor, pemda: Pemda, user) -> str:
    """Set a one-time temporary password (returned, shown once); the person must choose a new
    one at their next sign-in. Their open sessions end (all of them, the admin's own too when
    the admin resets their own password)."""
    account_check(actor=actor, pemda=pemda, user=user)
    password = _temporary_password()
    user = User.objects.select_for_update(of=("self",)).get(pk=user.pk)
    validate_password(password, user)  # the same policy as every other password
    user.set_password(password)
    user.save(update_fields=["password"])
    profil = _profil(user)
    must_before = profil.wajib_ganti_sandi if profil.pk else None
    profil.wajib_ganti_sandi = True
    profil.full_clean()
    profil.save()
    # recorded every time: a reset of an account that must already change its password (a new
    # one, a second reset) changes no profile field but is a new password all the same
    audit_record(
        actor=actor,
        action="user.password_reset_by_admin",
        obj=user,
        changes={"password": ["***", "***"], "wajib_ganti_sandi": [must_before, True]},
        pemda_id=pemda.pk,
    )
    akhiri_sesi(user, alasan="reset-sandi-admin", actor=actor)
    return password


@transaction.atomic
def password_set(*, actor, user, password: str, how: str = "change", kecuali: str | None = None):
    """The person's own new password (changed while signed in, or by a reset link): checked
    by AUTH_PASSWORD_VALIDATORS; clears the must-change flag. Every other session of the person
    ends: all of them after a reset link, all but `kecuali` (the session key of the change)."""
    if actor is not None and getattr(actor, "is_authenticated", False) and actor.pk != user.pk:
        raise PermissionDenied(_("Kata sandi hanya dapat diganti pemiliknya."))
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    profil = _profil(user)
    if profil.pk is None or profil.wajib_ganti_sandi:
        profil.wajib_ganti_sandi = False
        profil.full_clean()
        profil.save()
    _audit_person(
        actor=actor if actor is not None else None,
        action="user.password_" + ("reset" if how == "reset" else "change"),
        obj=user,
        changes={"password": ["***", "***"]},
        pemda_ids=_pemdas_of(user),
    )
    reset = how == "reset"
    akhiri_sesi(
        user,
        kecuali=None if reset else kecuali,
        alasan="reset-sandi" if reset else "ganti-sandi",
        actor=actor,
    )
    return user


@transaction.atomic
def profil_update(
    *,
    actor,
    user,
    first_name: str,
    last_name: str = "",
    email: str = "",
    nip: str = "",
    telepon: str = "",
    jabatan: str | None = None,
):
    """A person's own profile: name, e-mail, NIP, phone, and the position shown next to their
    name (`Membership.jabatan`, in every pemda they hold a role in)."""
    if actor is None or actor.pk != user.pk:
        raise PermissionDenied(_("Profil hanya dapat diubah pemiliknya."))
    email = email.strip()
    _check_person(username=None, email=email)
    user = User.objects.select_for_update(of=("self",)).get(pk=user.pk)
    before = {k: getattr(user, k) for k in ("first_name", "last_name", "email")}
    user.first_name, user.last_name, user.email = first_name.strip(), last_name.strip(), email
    profil = _profil(user)
    profil_before = snapshot(profil) if profil.pk else None
    profil.nip, profil.telepon = codes.normalise_nip(nip.strip()), telepon.strip()
    pemda_ids = _pemdas_of(user)
    _save_profil(
        actor=actor,
        profil=profil,
        action="profil.update",
        before=profil_before,
        pemda_ids=pemda_ids,
    )
    after = {k: getattr(user, k) for k in before}
    if after != before:
        user.full_clean()
        user.save(update_fields=list(before))
        _audit_person(
            actor=actor,
            action="user.update",
            obj=user,
            changes={k: [before[k], after[k]] for k in before if before[k] != after[k]},
            pemda_ids=pemda_ids,
        )
    if jabatan is not None:
        for m in Membership.objects.filter(user=user).select_related("pemda", "opd"):
            if m.jabatan != jabatan.strip():
                membership_set(
                    actor=actor, user=user, pemda=m.pemda, role=m.role, opd=m.opd, jabatan=jabatan
                )
    return user


# --- OPDs ------------------------------------------------------------------------------------


@transaction.atomic
def opd_save(*, actor, pemda: Pemda, opd: Opd | None = None, **fields) -> Opd:
    """Create an OPD, or change its code, names, kind, bidang urusan, region or head."""
    kelola_check(actor=actor, pemda=pemda)
    fields.pop("aktif", None)  # through opd_set_active only
    if opd is None:
        return opd_create(actor=actor, pemda=pemda, **fields)
    if opd.pemda_id != pemda.pk:
        raise PermissionDenied(_("OPD ini milik pemda lain."))
    return opd_update(actor=actor, opd=opd, **fields)


def _active_members(opd: Opd) -> list[Membership]:
    return list(
        Membership.objects.filter(opd=opd, user__is_active=True).select_related("user", "pemda")
    )


@transaction.atomic
def opd_set_active(*, actor, opd: Opd, aktif: bool) -> Opd:
    """Deactivate (its plans and reports stay, readable) or reactivate an OPD. Refused while
    active accounts still work in it: move them first (or merge the OPD into another)."""
    kelola_check(actor=actor, pemda=opd.pemda)
    if not aktif:
        members = _active_members(opd)
        if members:
            raise ValidationError(
                _(
                    "OPD %(o)s masih punya %(n)d akun aktif (%(u)s). Pindahkan akun itu ke OPD "
                    "lain dulu, atau leburkan OPD ini."
                )
                % {
                    "o": opd.singkatan,
                    "n": len(members),
                    "u": ", ".join(m.user.get_username() for m in members[:5]),
                }
            )
    return opd_update(actor=actor, opd=opd, aktif=aktif)


def _check_history(*, tanggal, dasar_hukum: str) -> None:
    errors = {}
    if not isinstance(tanggal, dt.date):
        errors["tanggal"] = [_("Tanggal berlaku wajib diisi.")]
    if not (dasar_hukum or "").strip():
        errors["dasar_hukum"] = [_("Dasar hukum wajib diisi (mis. Perda Nomor 5 Tahun 2026).")]
    if errors:
        raise ValidationError(errors)


def _history(*, actor, pemda, jenis, asal, hasil, tanggal, dasar_hukum, catatan) -> OpdRiwayat:
    riwayat = OpdRiwayat(
        pemda=pemda,
        jenis=jenis,
        tanggal=tanggal,
        dasar_hukum=dasar_hukum.strip(),
        catatan=catatan.strip(),
        oleh=actor if getattr(actor, "is_authenticated", False) else None,
    )
    riwayat.full_clean()
    riwayat.save()
    riwayat.asal.set(asal)
    riwayat.hasil.set(hasil)
    audit_record(
        actor=actor,
        action=f"opd.{jenis}",
        obj=riwayat,
        changes={
            "asal": [None, [o.kode for o in asal]],
            "hasil": [None, [o.kode for o in hasil]],
            "dasar_hukum": [None, riwayat.dasar_hukum],
        },
    )
    return riwayat


@transaction.atomic
def opd_merge(
    *,
    actor,
    pemda: Pemda,
    asal: list[Opd],
    tanggal: dt.date,
    dasar_hukum: str,
    catatan: str = "",
    tujuan: Opd | None = None,
    baru: dict | None = None,
) -> OpdRiwayat:
    """Merge two or more OPDs into one: an existing OPD (`tujuan`, which may be one of them)
    or a new one (`baru`, the OPD's fields). The others are deactivated, never deleted: their
    plans and reports stay with them. Their accounts move to the merged OPD."""
    kelola_check(actor=actor, pemda=pemda)
    _check_history(tanggal=tanggal, dasar_hukum=dasar_hukum)
    asal = list({o.pk: o for o in asal}.values())
    if len(asal) < 2:
        raise ValidationError({"asal": _("Pilih paling sedikit dua OPD untuk dilebur.")})
    if any(o.pemda_id != pemda.pk for o in asal) or (tujuan and tujuan.pemda_id != pemda.pk):
        raise PermissionDenied(_("OPD ini milik pemda lain."))
    if any(not o.aktif for o in asal):
        raise ValidationError({"asal": _("OPD yang sudah tidak aktif tidak dapat dilebur.")})
    if (tujuan is None) == (baru is None):
        raise ValidationError({"tujuan": _("Pilih OPD tujuan atau isi data OPD baru.")})
    if tujuan is None:
        unknown = set(baru) - OPD_FIELDS
        if unknown:
            raise ValidationError(_("Kolom tidak dikenal: %(f)s.") % {"f": ", ".join(unknown)})
        tujuan = opd_create(
            actor=actor, pemda=pemda, **{k: v for k, v in baru.items() if k != "aktif"}
        )
    elif not tujuan.aktif:
        raise ValidationError({"tujuan": _("OPD tujuan tidak aktif.")})
    for opd in asal:
        if opd.pk == tujuan.pk:
            continue
        for m in Membership.objects.filter(opd=opd).select_related("user", "pemda"):
            membership_set(actor=actor, user=m.user, pemda=m.pemda, role=m.role, opd=tujuan)
        opd_update(actor=actor, opd=opd, aktif=False)
    return _history(
        actor=actor,
        pemda=pemda,
        jenis=JenisRiwayatOpd.LEBUR,
        asal=asal,
        hasil=[tujuan],
        tanggal=tanggal,
        dasar_hukum=dasar_hukum,
        catatan=catatan,
    )


@transaction.atomic
def opd_split(
    *,
    actor,
    opd: Opd,
    baru: list[dict],
    anggota: dict[int, int],
    tanggal: dt.date,
    dasar_hukum: str,
    catatan: str = "",
) -> OpdRiwayat:
    """Split one OPD into two or more new ones (`baru`: each OPD's fields). The OPD is
    deactivated, never deleted: its plans and reports stay with it. Each of its accounts is
    moved to the new OPD chosen for that person (`anggota`: user id -> index into `baru`);
    every account must be given one."""
    pemda = opd.pemda
    kelola_check(actor=actor, pemda=pemda)
    _check_history(tanggal=tanggal, dasar_hukum=dasar_hukum)
    if not opd.aktif:
        raise ValidationError(_("OPD yang sudah tidak aktif tidak dapat dipecah."))
    if len(baru) < 2:
        raise ValidationError({"baru": _("Pemecahan menghasilkan paling sedikit dua OPD baru.")})
    members = list(Membership.objects.filter(opd=opd).select_related("user", "pemda"))
    missing = [m.user.get_username() for m in members if anggota.get(m.user_id) is None]
    wrong = [i for i in anggota.values() if not 0 <= i < len(baru)]
    if missing or wrong:
        raise ValidationError(
            {
                "anggota": _("Pilih OPD baru untuk setiap akun: %(u)s.")
                % {"u": ", ".join(missing) or "?"}
            }
        )
    hasil = [
        opd_create(actor=actor, pemda=pemda, **{k: v for k, v in f.items() if k != "aktif"})
        for f in baru
    ]
    for m in members:
        membership_set(
            actor=actor, user=m.user, pemda=m.pemda, role=m.role, opd=hasil[anggota[m.user_id]]
        )
    opd_update(actor=actor, opd=opd, aktif=False)
    return _history(
        actor=actor,
        pemda=pemda,
        jenis=JenisRiwayatOpd.PECAH,
        asal=[opd],
        hasil=hasil,
        tanggal=tanggal,
        dasar_hukum=dasar_hukum,
        catatan=catatan,
    )
