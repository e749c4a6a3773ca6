"""Issue 12 §1 (decision 0026): Argon2 with rehash at sign-in, the password policy on every path
that sets a password, and the lockout on username + address with the pemda admin's unlock."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from conftest import PASSWORD
from pantau.audit.models import AuditEvent
from pantau.demo.generate import DEMO_PASSWORD
from pantau.organisations import services_kelola
from pantau.organisations.services import user_create

pytestmark = pytest.mark.django_db
User = get_user_model()
LOGIN = "/masuk/"
ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"
PBKDF2 = "django.contrib.auth.hashers.PBKDF2PasswordHasher"


def _try(client, username, password, addr="10.0.0.1", **headers):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=addr, **headers
    )


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _fail(client, username, times, addr="10.0.0.1", **headers):
    for _i in range(times):
        _try(client, username, "salah-sekali-2026", addr, **headers)


class TestArgon2:
    def test_production_settings_put_argon2_first_and_keep_pbkdf2(self):
        import config.settings as production  # the module, not the test's overridden copy

        assert production.PASSWORD_HASHERS[0] == ARGON2
        assert PBKDF2 in production.PASSWORD_HASHERS

    def test_a_pbkdf2_hash_becomes_argon2_at_sign_in(self, client, world, settings):
        settings.PASSWORD_HASHERS = [ARGON2, PBKDF2]
        user = world.a.users["operator_opd"]
        User.objects.filter(pk=user.pk).update(
            password=make_password(PASSWORD, hasher="pbkdf2_sha256")
        )
        assert _try(client, user.username, PASSWORD).status_code == 302
        user.refresh_from_db()
        assert user.password.startswith("argon2$") and user.check_password(PASSWORD)


class TestPasswordPolicy:
    @pytest.mark.parametrize("lang,reason", [("id", "terlalu pendek"), ("en", "too short")])
    def test_eleven_characters_are_too_short_on_user_create(self, lang, reason):
        with translation.override(lang), pytest.raises(ValidationError) as caught:
            user_create(actor=None, username="baru", password="kuda-lari-9")  # 11
        assert any(reason in m and "12" in m for m in caught.value.messages)
        assert not User.objects.filter(username="baru").exists()

    def test_demo_and_fixture_passwords_pass_the_policy(self):
        validate_password(DEMO_PASSWORD, User(username="pimpinan.demo"))
        validate_password(PASSWORD, User(username="admin.a"))

    @pytest.mark.parametrize("word", ["wakatobi2026", "Pantau-2026!", "Kabupaten#2026x"])
    def test_a_password_that_is_mostly_a_context_word_is_refused(self, world, word):
        type(world.a.pemda).objects.filter(pk=world.a.pemda.pk).update(nama="Kabupaten Wakatobi")
        with translation.override("id"), pytest.raises(ValidationError) as caught:
            validate_password(word, User(username="operator.baru"))
        assert any("terlalu mudah ditebak" in m for m in caught.value.messages)

    def test_a_long_passphrase_with_a_context_word_is_fine(self, world):
        type(world.a.pemda).objects.filter(pk=world.a.pemda.pk).update(nama="Kabupaten Wakatobi")
        validate_password("wakatobi-laut-biru-indah", User(username="operator.baru"))

    def test_own_change_refuses_a_short_password(self, client, world):
        user = world.a.users["operator_opd"]
        client.force_login(user)
        page = client.post(
            reverse("akun:sandi"),
            {
                "old_password": PASSWORD,
                "new_password1": "kuda-lari-9",
                "new_password2": "kuda-lari-9",
            },
        )
        assert page.status_code == 200 and "terlalu pendek" in page.content.decode()
        user.refresh_from_db()
        assert user.check_password(PASSWORD)

    def test_admin_temporary_passwords_go_through_the_policy(self, world, monkeypatch):
        a = world.a
        user, temp = services_kelola.account_create(
            actor=a.users["admin"], pemda=a.pemda, username="siti.dinkes", role="pimpinan"
        )
        validate_password(temp, user)
        monkeypatch.setattr(services_kelola, "_temporary_password", lambda: "pendek")
        with pytest.raises(ValidationError):
            services_kelola.account_create(
                actor=a.users["admin"], pemda=a.pemda, username="budi.dinkes", role="pimpinan"
            )
        with pytest.raises(ValidationError):
            services_kelola.account_password_reset(actor=a.users["admin"], pemda=a.pemda, user=user)
        assert not User.objects.filter(username="budi.dinkes").exists()

    def test_first_admin_of_an_install_needs_twelve(self):
        from pantau.monitoring.services_pasang import pemda_install

        with translation.override("id"), pytest.raises(ValidationError) as caught:
            pemda_install(
                actor=None, tahun=2026, admin_username="admin.baru", admin_password="kuda-lari-9"
            )
        assert "terlalu pendek" in str(caught.value.message_dict["admin_password"])


class TestLockout:
    def test_with_the_rate_limit_on_fifty_wrong_then_the_right_one_does_not_sign_in(
        self, client, world
    ):
        user = world.a.users["admin"]
        _fail(client, user.username, 50)
        page = _try(client, user.username, PASSWORD)
        assert page.status_code == 429 and not _signed_in(client)

    def test_fifty_wrong_passwords_then_the_right_one_does_not_sign_in(
        self, client, world, settings
    ):
        # the lockout alone (the per-address sign-in rate limit, pantau/core/web.py, would
        # answer 429 from the 31st try on: switched off here, tested in core)
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login POST": ""}
        user = world.a.users["admin"]
        _fail(client, user.username, 50)
        page = _try(client, user.username, PASSWORD)
        assert page.status_code == 429 and not _signed_in(client)
        text = page.content.decode()
        assert "Terlalu banyak percobaan masuk" in text and "hubungi admin" in text
        event = AuditEvent.objects.get(action="akun.terkunci")
        assert event.object_id == str(user.pk) and event.pemda_id == world.a.pemda.pk
        assert event.changes["alamat"] == [None, "10.0.0.1"]

    def test_the_lockout_page_in_english(self, client, world):
        _fail(client, "admin.a", 5, HTTP_ACCEPT_LANGUAGE="en")
        client.cookies["django_language"] = "en"
        page = _try(client, "admin.a", PASSWORD)
        assert (
            page.status_code == 429 and "Too many failed sign-in attempts" in page.content.decode()
        )

    def test_the_fifth_failure_locks(self, client, world):
        _fail(client, "admin.a", 4)
        assert _try(client, "admin.a", PASSWORD).status_code == 302
        client.logout()
        _fail(client, "admin.a", 4)  # the success cleared the count: 4 more do not lock
        assert _try(client, "admin.a", PASSWORD).status_code == 302
        client.logout()
        _fail(client, "admin.a", 5)
        assert _try(client, "admin.a", PASSWORD).status_code == 429

    def test_per_username_and_address(self, client, world):
        _fail(client, "admin.a", 5, addr="10.0.0.1")
        assert _try(client, "admin.a", PASSWORD, addr="10.0.0.1").status_code == 429
        assert _try(client, "pimpinan.a", PASSWORD, addr="10.0.0.1").status_code == 302
        client.logout()
        assert _try(client, "admin.a", PASSWORD, addr="10.0.0.2").status_code == 302
        assert _signed_in(client)

    def test_case_of_the_username_does_not_buy_more_tries(self, client, world):
        for name in ("ADMIN.A", "Admin.A", "admin.A", "aDmin.a", "admin.a"):
            _fail(client, name, 1)
        assert _try(client, "admin.a", PASSWORD).status_code == 429

    def test_changing_the_browser_does_not_buy_more_tries(self, client, world):
        for i in range(5):
            _fail(client, "admin.a", 1, HTTP_USER_AGENT=f"Browser/{i}")
        assert _try(client, "admin.a", PASSWORD, HTTP_USER_AGENT="Other/1").status_code == 429

    def test_a_forged_forwarded_for_header_is_not_trusted(self, client, world):
        for i in range(5):
            _fail(client, "admin.a", 1, HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
        assert (
            _try(client, "admin.a", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429
        )

    def test_behind_the_proxy_the_configured_header_is_the_address(self, client, world, settings):
        settings.OPENDATA_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
        _fail(client, "admin.a", 5, addr="10.9.9.9", HTTP_X_REAL_IP="203.0.113.5")
        locked = _try(client, "admin.a", PASSWORD, addr="10.9.9.9", HTTP_X_REAL_IP="203.0.113.5")
        assert locked.status_code == 429
        other = _try(client, "admin.a", PASSWORD, addr="10.9.9.9", HTTP_X_REAL_IP="203.0.113.6")
        assert other.status_code == 302

    @pytest.mark.parametrize("name", ["admin\x00.a", "a" * 5000, "' OR 1=1 --", "admin.a\r\nX: y"])
    def test_hostile_usernames_get_the_form_again_and_are_counted(self, client, world, name):
        for _i in range(6):
            page = _try(client, name, "salah-sekali-2026")
            assert page.status_code in (200, 429)
        assert not _signed_in(client)

    def test_the_lock_ends_after_the_cool_off(self, client, world, settings):
        _fail(client, "admin.a", 5)
        AccessAttempt.objects.update(
            attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(minutes=1)
        )
        assert _try(client, "admin.a", PASSWORD).status_code == 302


class TestUnlock:
    def _url(self, user):
        return reverse("kelola:akun-buka-kunci", args=[user.pk])

    def test_the_admin_sees_the_lock_and_lifts_it(self, client, world):
        a = world.a
        victim = a.users["operator_opd"]
        _fail(client, victim.username, 5, addr="10.0.0.7")
        client.force_login(a.users["admin"])
        detail = client.get(reverse("kelola:akun-detail", args=[victim.pk]), {"pemda": a.pemda.pk})
        assert (
            "Buka kunci masuk" in detail.content.decode() and "10.0.0.7" in detail.content.decode()
        )
        page = client.post(self._url(victim), {"pemda": a.pemda.pk})
        assert page.status_code == 302
        event = AuditEvent.objects.get(action="akun.buka_kunci")
        assert event.actor_label == "admin.a" and event.object_id == str(victim.pk)
        assert event.changes["alamat_terkunci"] == [["10.0.0.7"], []]
        client.logout()
        assert _try(client, victim.username, PASSWORD, addr="10.0.0.7").status_code == 302

    def test_the_account_list_marks_locked_accounts(self, client, world):
        a = world.a
        victim, other = a.users["operator_opd"], a.users["kepala_opd"]
        _fail(client, victim.username, 5, addr="10.0.0.7")
        _fail(client, other.username, 2, addr="10.0.0.7")  # failures, not yet a lock
        client.force_login(a.users["admin"])
        page = client.get(reverse("kelola:akun-list"), {"pemda": a.pemda.pk})
        items = page.content.decode().split('<li class="list-group-item')
        marked = [i for i in items if ">terkunci<" in i]
        assert len(marked) == 1 and victim.username in marked[0]

    def test_the_admin_of_another_pemda_gets_404_and_the_lock_stays(self, client, world):
        victim = world.a.users["operator_opd"]
        _fail(client, victim.username, 5)
        client.force_login(world.b.users["admin"])
        page = client.post(self._url(victim), {"pemda": world.b.pemda.pk})
        assert page.status_code == 404
        page = client.post(self._url(victim), {"pemda": world.a.pemda.pk})
        assert page.status_code == 404
        assert not AuditEvent.objects.filter(action="akun.buka_kunci").exists()
        client.logout()
        assert _try(client, victim.username, PASSWORD).status_code == 429

    @pytest.mark.parametrize("role", ["pimpinan", "verifikator", "operator_opd", "auditor"])
    def test_other_roles_cannot_unlock(self, client, world, role):
        victim = world.a.users["kepala_opd"]
        _fail(client, victim.username, 5)
        client.force_login(world.a.users[role])
        assert client.post(self._url(victim), {"pemda": world.a.pemda.pk}).status_code == 404
        assert AccessAttempt.objects.filter(username=victim.username).exists()

    def test_unlock_is_post_only(self, client, world):
        client.force_login(world.a.users["admin"])
        page = client.get(self._url(world.a.users["kepala_opd"]), {"pemda": world.a.pemda.pk})
        assert page.status_code == 405


class TestPasswordResetRequest:
    def test_each_request_is_audited_and_the_answer_is_the_same(self, client, world):
        user = world.a.users["kepala_opd"]
        User.objects.filter(pk=user.pk).update(email="kepala@uji.go.id")
        known = client.post(reverse("akun:sandi-lupa"), {"email": "kepala@uji.go.id"})
        unknown = client.post(reverse("akun:sandi-lupa"), {"email": "siapa@uji.go.id"})
        assert known.status_code == unknown.status_code == 302
        assert known["Location"] == unknown["Location"]
        events = AuditEvent.objects.filter(action="user.password_reset_request").order_by("pk")
        assert [e.object_id for e in events] == [str(user.pk), ""]
        assert events[0].pemda_id == world.a.pemda.pk
        assert events[1].changes == {"akun_cocok": [None, 0]}
        assert "siapa@" not in str(events[1].object_repr)
