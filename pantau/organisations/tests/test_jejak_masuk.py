"""Sign-ins, failed sign-ins and sign-outs are audited in the person's pemda (issue 12 §4)."""

import pytest
from django.urls import reverse

from conftest import PASSWORD
from pantau.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


class TestSigninAudited:
    def test_a_sign_in_is_one_event_in_the_pemda_of_the_person(self, world, client):
        user = world.a.users["operator_opd"]
        response = client.post(
            reverse("login"),
            {"username": user.username, "password": PASSWORD},
            REMOTE_ADDR="203.0.113.7",
        )
        assert response.status_code == 302
        event = AuditEvent.objects.get(action="user.login")
        assert event.actor == user and event.pemda == world.a.pemda
        assert event.chain == f"pemda:{world.a.pemda.pk}"
        assert event.object_id == str(user.pk) and event.changes == {"alamat": "203.0.113.7"}

    def test_a_failed_sign_in_names_the_user_tried_never_the_password(self, world, client):
        user = world.b.users["admin"]
        response = client.post(
            reverse("login"),
            {"username": user.username, "password": "salah-sandi-rahasia"},
            REMOTE_ADDR="198.51.100.9",
        )
        assert response.status_code == 200
        event = AuditEvent.objects.get(action="user.login_failed")
        assert event.actor is None and event.pemda == world.b.pemda
        assert event.changes == {"alamat": "198.51.100.9", "nama": user.username}
        assert "salah-sandi-rahasia" not in str(event.changes) + event.object_repr
        assert not AuditEvent.objects.filter(action="user.login").exists()

    def test_an_unknown_name_goes_to_the_system_chain(self, world, client):
        client.post(reverse("login"), {"username": "x" * 400, "password": "apa saja"})
        event = AuditEvent.objects.get(action="user.login_failed")
        assert event.pemda is None and event.chain == "sistem"
        assert event.changes["nama"] == "x" * 150 and event.changes["alamat"] == "127.0.0.1"

    def test_an_unknown_name_through_a_pemdas_host_is_in_that_pemdas_chain(
        self, world, client, settings
    ):
        # name guessing against Wakatobi's own address is Wakatobi's admin's and auditor's news
        settings.ALLOWED_HOSTS = ["pantau.wakatobi.test"]
        type(world.a.pemda).objects.filter(pk=world.a.pemda.pk).update(
            domain_publik="pantau.wakatobi.test"
        )
        client.post(
            reverse("login"),
            {"username": "tidak.ada", "password": "apa saja"},
            HTTP_HOST="PANTAU.wakatobi.test",
        )
        event = AuditEvent.objects.get(action="user.login_failed")
        assert event.pemda == world.a.pemda and event.changes["nama"] == "tidak.ada"

    def test_an_unknown_name_in_a_one_pemda_install_is_in_its_chain(self, world, client):
        from pantau.organisations.services_jejak import _pemda_of_request

        assert _pemda_of_request(None) is None  # two pemdas here: neither is named
        only = type(world.a.pemda).objects.filter(pk=world.a.pemda.pk)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(
                "pantau.organisations.services_jejak.Pemda.objects.values_list",
                lambda *a, **k: only.values_list(*a, **k),
            )
            assert _pemda_of_request(None) == world.a.pemda.pk

    def test_a_password_change_is_in_the_pemda_of_the_person(self, world):
        from pantau.organisations.services_kelola import password_set

        user = world.a.users["operator_opd"]
        password_set(actor=user, user=user, password="Sandi-Baru-Yang-Panjang-2026")
        event = AuditEvent.objects.get(action="user.password_change")
        assert event.pemda == world.a.pemda

    def test_a_person_in_two_pemdas_signs_in_in_both_chains(self, world, client):
        from pantau.organisations.choices import Role
        from pantau.organisations.services import membership_set

        user = world.a.users["auditor"]
        membership_set(actor=None, user=user, pemda=world.b.pemda, role=Role.AUDITOR)
        client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
        pemdas = set(AuditEvent.objects.filter(action="user.login").values_list("pemda", flat=True))
        assert pemdas == {world.a.pemda.pk, world.b.pemda.pk}

    def test_a_sign_out_is_audited(self, world, client):
        user = world.a.users["pimpinan"]
        client.force_login(user)
        client.post(reverse("logout"))
        event = AuditEvent.objects.get(action="user.logout")
        assert event.actor == user and event.pemda == world.a.pemda
        client.post(reverse("logout"))  # an anonymous sign-out records nothing
        assert AuditEvent.objects.filter(action="user.logout").count() == 1
