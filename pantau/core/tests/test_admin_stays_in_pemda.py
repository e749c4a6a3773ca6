"""Issue 10 §1.2: the admin of one pemda stays in their pemda. The admin of pemda B, holding
every model permission short of superuser, walks every registered admin model (lists, search,
popups, change/history/delete pages, add and change forms with typed-in ids, actions,
autocomplete) while pemda A (Wakatobi) has people, OPDs, regions and audit events marked with a
canary: nothing of A appears, and nothing of A changes."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import NoReverseMatch, reverse

from conftest import PASSWORD
from pantau.audit.services import save_audited, snapshot
from pantau.organisations.choices import JenisOpd, Role
from pantau.organisations.models import Membership, Opd, Pemda, Wilayah
from pantau.organisations.services import (
    membership_set,
    opd_create,
    pemda_update,
    reference_admin_grant,
    user_create,
)

pytestmark = pytest.mark.django_db
User = get_user_model()
CANARY = "kanari"


class Wakatobi:
    """Pemda A's objects the walk must never reach, one of each kind the admin shows."""

    def __init__(self, world) -> None:
        a = world.a
        self.pemda = pemda_update(actor=None, pemda=a.pemda, nama="Kabupaten Kanari Wakatobi")
        self.kabupaten = save_audited(
            actor=None,
            obj=Wilayah(pemda=a.pemda, kode="74.07", nama="KANARI WAKATOBI", tingkat="kabupaten"),
            action="wilayah.create",
        )
        self.kecamatan = save_audited(
            actor=None,
            obj=Wilayah(
                pemda=a.pemda,
                kode="74.07.01",
                nama="Kanari Selatan",
                tingkat="kecamatan",
                induk=self.kabupaten,
            ),
            action="wilayah.create",
        )
        self.opd = opd_create(
            actor=a.users["admin"],
            pemda=a.pemda,
            kode="7.01.0.00.0.00.01.0000",
            nama="Kecamatan Kanari Selatan",
            singkatan="Kanari",
            jenis=JenisOpd.KECAMATAN,
            wilayah=self.kecamatan,
            kepala_nama="Kanari Kepala",
        )
        self.user = user_create(
            actor=None,
            username="kanari.wakatobi",
            password=PASSWORD,
            first_name="Kanari",
            email="kanari@wakatobi.example",
        )
        self.membership = membership_set(
            actor=a.users["admin"],
            user=self.user,
            pemda=a.pemda,
            role=Role.OPERATOR_OPD,
            opd=self.opd,
            jabatan="Kanari Operator",
        )
        self.usernames = [u.username for u in a.users.values()] + [self.user.username]

    def leaks(self, text: str) -> list[str]:
        found = [CANARY] if CANARY in text.lower() else []
        return found + [
            name for name in self.usernames if re.search(rf"(?<![\w.]){re.escape(name)}\b", text)
        ]

    def owns(self, obj) -> bool:
        if isinstance(obj, Pemda):
            return obj.pk == self.pemda.pk
        if isinstance(obj, User):
            return Membership.objects.filter(user=obj, pemda=self.pemda).exists()
        return getattr(obj, "pemda_id", None) == self.pemda.pk


@pytest.fixture
def wakatobi(world):
    return Wakatobi(world)


@pytest.fixture
def b_client(client, world):
    """Pemda B's admin with every permission of every registered model (not a superuser)."""
    user = world.b.users["admin"]
    reference_admin_grant(actor=None, user=user)
    types = [ContentType.objects.get_for_model(m) for m in admin.site._registry]
    user.user_permissions.add(*Permission.objects.filter(content_type__in=types))
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def _owned(wakatobi, model) -> list[models.Model]:
    return [obj for obj in model._default_manager.all() if wakatobi.owns(obj)][:6]


def _fk_fields(model):
    return [
        f
        for f in model._meta.get_fields()
        if isinstance(f, models.ForeignKey) and f.editable and not f.auto_created
    ]


def _typed_in_ids(wakatobi, model) -> dict[str, str]:
    """Every foreign key of `model` pointing at a Wakatobi object (a typed-in raw id)."""
    data = {}
    for field in _fk_fields(model):
        owned = _owned(wakatobi, field.related_model)
        if owned:
            data[field.name] = str(owned[-1].pk)
    return data


def _registered():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def test_walk_finds_wakatobi_objects_to_hide(wakatobi):
    # the walk below is only worth something when A's objects exist in the admin's models
    kinds = {m for m, _ in _registered() if _owned(wakatobi, m)}
    assert {Pemda, Wilayah, Opd, Membership, User} <= kinds
    assert any(m._meta.label == "audit.AuditEvent" for m in kinds)


@pytest.mark.parametrize("model", [m for m, _ in _registered()], ids=lambda m: m._meta.label_lower)
def test_pemda_admin_reaches_nothing_of_another_pemda(b_client, wakatobi, world, model):
    leaks = []

    def check(response, what):
        found = wakatobi.leaks(response.content.decode())
        if found:
            leaks.append(f"{what}: {found}")

    check(b_client.get(reverse("admin:index")), "index")
    changelist = _url(model, "changelist")
    check(b_client.get(changelist), "changelist")
    check(b_client.get(changelist, {"_to_field": "id", "_popup": "1"}), "raw-id popup")
    searched = b_client.get(changelist, {"q": CANARY})
    if searched.status_code == 200 and "cl" in searched.context:
        found = [o for o in searched.context["cl"].result_list if wakatobi.owns(o)]
        assert not found, f"search finds {found}"

    for field in _fk_fields(model):
        response = b_client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": model._meta.app_label,
                "model_name": model._meta.model_name,
                "field_name": field.name,
                "term": CANARY[:3],
            },
        )
        check(response, f"autocomplete {field.name}")

    typed = _typed_in_ids(wakatobi, model)
    before_count = model._default_manager.count()
    check(b_client.get(_url(model, "add")), "add form")
    check(b_client.post(_url(model, "add"), typed), "add form with typed-in ids")
    assert model._default_manager.count() == before_count, "an add with A's ids was saved"

    own = [o for o in model._default_manager.all() if not wakatobi.owns(o)]
    own = [o for o in own if getattr(o, "pemda_id", world.b.pemda.pk) == world.b.pemda.pk]
    if own and typed:
        obj = own[0]
        kept = snapshot(obj)
        check(b_client.post(_url(model, "change", obj.pk), typed), "own object with A's ids")
        assert snapshot(type(obj)._default_manager.get(pk=obj.pk)) == kept

    for obj in _owned(wakatobi, model):
        kept = snapshot(obj)
        for view in ("change", "history", "delete", "password_change"):
            try:
                url = _url(model, view, obj.pk)
            except NoReverseMatch:
                continue
            response = b_client.get(url)
            assert response.status_code in (302, 403, 404), f"{view} of {obj!r} answered"
            check(response, f"{view} page of {obj!r}")
            b_client.post(url, {**typed, "post": "yes", "password1": "x", "password2": "x"})
        b_client.post(
            changelist,
            {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
        )
        fresh = type(obj)._default_manager.filter(pk=obj.pk).first()
        assert fresh is not None, f"{obj!r} was deleted"
        assert snapshot(fresh) == kept, f"{obj!r} was changed"
    assert not leaks, "\n".join(leaks)


def test_membership_joins_only_people_and_opds_of_the_admins_pemda(b_client, wakatobi, world):
    """The second hole of §1.2: B's admin added A's person to B (and learnt the name)."""
    data = {"user": wakatobi.user.pk, "pemda": world.b.pemda.pk, "role": "operator_opd"}
    response = b_client.post(_url(Membership, "add"), {**data, "opd": world.b.dinkes.pk})
    assert response.status_code == 200
    assert wakatobi.leaks(response.content.decode()) == []
    response = b_client.post(_url(Membership, "add"), {**data, "opd": wakatobi.opd.pk})
    assert wakatobi.leaks(response.content.decode()) == []
    assert not Membership.objects.filter(user=wakatobi.user, pemda=world.b.pemda).exists()
    assert not Membership.objects.filter(opd=wakatobi.opd).exclude(pemda=wakatobi.pemda).exists()


def test_person_of_two_pemdas_is_changed_only_by_a_superuser(b_client, wakatobi, world):
    """B's admin sees a person who also works for B, but may not reset their password (and
    so enter pemda A as them)."""
    membership_set(
        actor=None,
        user=wakatobi.user,
        pemda=world.b.pemda,
        role=Role.OPERATOR_OPD,
        opd=world.b.dinkes,
    )
    old_hash = User.objects.get(pk=wakatobi.user.pk).password
    response = b_client.get(_url(User, "password_change", wakatobi.user.pk))
    assert response.status_code == 403
    b_client.post(
        _url(User, "password_change", wakatobi.user.pk),
        {"password1": "baru-rahasia-2026", "password2": "baru-rahasia-2026"},
    )
    assert User.objects.get(pk=wakatobi.user.pk).password == old_hash
    # a person of B only: B's admin changes them, audited without the password hash
    own = world.b.users["operator_opd"]
    response = b_client.post(
        _url(User, "change", own.pk),
        {
            "username": own.username,
            "first_name": "Operator",
            "last_name": "B",
            "email": "",
            "is_active": "on",
            "is_superuser": "on",  # read-only for a pemda admin: ignored
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    own.refresh_from_db()
    assert own.first_name == "Operator" and not own.is_superuser
    from pantau.audit.models import AuditEvent

    event = AuditEvent.objects.get(action="user.update.admin")
    assert "password" not in event.changes and event.changes["first_name"] == ["", "Operator"]


def test_user_lookup_of_the_membership_form_lists_own_people(client, wakatobi, world):
    """With the rights `reference_admin_grant` gives, the user lookup of the membership form
    works, and lists the people of the admin's pemda only."""
    user = world.b.users["admin"]
    reference_admin_grant(actor=None, user=user)
    assert client.login(username=user.username, password=PASSWORD)
    response = client.get(_url(User, "changelist"), {"_to_field": "id", "_popup": "1"})
    assert response.status_code == 200
    listed = {u.username for u in response.context["cl"].result_list}
    assert listed == {u.username for u in world.b.users.values()}
    assert wakatobi.leaks(response.content.decode()) == []
