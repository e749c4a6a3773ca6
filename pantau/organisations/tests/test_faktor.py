"""Two-factor sign-in (issue 12 §1, decision 0027): who must use it, the code after the
password, enrolment, recovery codes, throttling, disabling, the admin's reset and the audit."""

import datetime as dt
import json
import re

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD, TEST_TOTP_KEY, second_factor_device, totp_code
from pantau.audit.models import AuditEvent
from pantau.organisations.models import RecoveryCode, RecoveryDevice

pytestmark = [pytest.mark.django_db, pytest.mark.second_factor]
User = get_user_model()
REQUIRED = ["pimpinan", "admin", "verifikator"]
OPTIONAL = ["kepala_opd", "operator_opd", "auditor"]


def _sign_in(client, user):
    """The password step only (the test's marker turns the suite's verified sessions off)."""
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _pages(world):
    a = world.a
    return [
        reverse("core:home"),
        "/dasbor/",
        "/opd/",
        f"/opd/{a.dinkes.pk}/",
        "/monitoring/",
        reverse("kelola:akun-list"),
        reverse("akun:profil"),
        "/admin/",
    ]


def _verify(client, device, **extra):
    return client.post(reverse("masuk-verifikasi"), {"kode": totp_code(device), **extra})


def _unthrottle(device):
    type(device).objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )


def _codes_from(response) -> list[str]:
    return re.findall(r"\b[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}\b", response.text)


def _enrol(client):
    """Enrolment through the pages; returns the device and the recovery codes shown."""
    client.post(reverse("akun:2fa-mulai"))
    device = TOTPDevice.objects.get(user=client.session_user, confirmed=False)
    response = client.post(reverse("akun:2fa-konfirmasi"), {"kode": totp_code(device)})
    assert response.status_code == 302 and response.url.startswith(reverse("akun:2fa-pemulihan"))
    shown = client.get(reverse("akun:2fa-pemulihan"))
    device.refresh_from_db()
    return device, _codes_from(shown)


class TestRequiredRolesWaitForTheCode:
    @pytest.mark.parametrize("role", REQUIRED)
    def test_no_page_before_the_code(self, client, world, role):
        user = world.a.users[role]
        device = second_factor_device(user)
        _sign_in(client, user)
        for url in _pages(world):
            response = client.get(url)
            assert response.status_code == 302, url
            assert response.url.startswith(reverse("masuk-verifikasi") + "?next="), url
        # an htmx request gets 403 with HX-Redirect, never a page swapped into a fragment
        response = client.get("/monitoring/", headers={"HX-Request": "true"})
        assert response.status_code == 403 and not response.content
        assert response["HX-Redirect"].startswith(reverse("masuk-verifikasi"))
        # the second factor's own pages wait too (nobody turns it off with a password alone)
        for url in (reverse("akun:2fa"), reverse("akun:2fa-pemulihan-baru")):
            assert client.get(url).status_code == 302
        # the surfaces open to visitors answer as they answer a visitor
        from django.test import Client

        for url in ("/publik/", "/dataset/", "/api/3/action/package_list", "/luring/"):
            assert client.get(url).status_code == Client().get(url).status_code != 302, url
        response = _verify(client, device, next="/opd/")
        assert response.status_code == 302 and response.url == "/opd/"
        assert client.get("/opd/").status_code == 200

    def test_a_post_before_the_code_changes_nothing(self, client, world):
        admin = world.a.users["admin"]
        second_factor_device(admin)
        target = world.a.users["operator_opd"]
        _sign_in(client, admin)
        events = AuditEvent.objects.count()
        url = reverse("kelola:akun-aktif", args=[target.pk])
        response = client.post(url, {"aktif": "0", "pemda": world.a.pemda.pk})
        assert response.status_code == 302 and response.url.startswith(reverse("masuk-verifikasi"))
        response = client.post(
            url, {"aktif": "0", "pemda": world.a.pemda.pk}, headers={"HX-Request": "true"}
        )
        assert response.status_code == 403
        target.refresh_from_db()
        assert target.is_active and AuditEvent.objects.count() == events

    @pytest.mark.parametrize("role", REQUIRED)
    def test_without_an_app_the_role_leads_to_enrolment(self, client, world, role):
        _sign_in(client, world.a.users[role])
        for url in (*_pages(world), reverse("masuk-verifikasi")):
            response = client.get(url)
            assert response.status_code == 302, url
            assert response.url.startswith(reverse("akun:2fa")), url
        assert client.get(reverse("akun:2fa")).status_code == 200
        assert "mewajibkan" in client.get(reverse("akun:2fa")).text

    def test_a_superuser_must_use_it_too(self, client, world):
        root = User.objects.create_superuser("akar", "akar@uji.go.id", PASSWORD)
        _sign_in(client, root)
        assert client.get("/admin/").url.startswith(reverse("akun:2fa"))


class TestOptionalRoles:
    @pytest.mark.parametrize("role", OPTIONAL)
    def test_without_an_app_every_page_opens(self, client, world, role):
        _sign_in(client, world.a.users[role])
        assert client.get(reverse("core:home")).status_code == 200
        assert client.get(reverse("akun:profil")).status_code == 200
        assert client.get(reverse("akun:2fa")).status_code == 200

    def test_with_an_app_the_code_comes_first(self, client, world):
        user = world.a.users["operator_opd"]
        device = second_factor_device(user)
        _sign_in(client, user)
        assert client.get("/monitoring/").url.startswith(reverse("masuk-verifikasi"))
        _verify(client, device)
        assert client.get("/monitoring/").status_code == 200


class TestEnrolment:
    def test_secret_qr_confirmation_and_recovery_codes(self, client, world):
        user = world.a.users["admin"]
        _sign_in(client, user)
        client.session_user = user
        client.post(reverse("akun:2fa-mulai"))
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        page = client.get(reverse("akun:2fa")).text
        from base64 import b32encode

        secret = b32encode(device.bin_key).decode()
        assert secret[:4] + " " + secret[4:8] in page  # the key as text, in groups
        assert 'src="/akun/2fa/qr.png"' in page and "data:" not in page and "<script>" not in page
        qr = client.get(reverse("akun:2fa-qr"))
        assert qr.status_code == 200 and qr["Content-Type"] == "image/png"
        assert "no-store" in qr["Cache-Control"] and qr.content.startswith(b"\x89PNG")
        assert "no-store" in client.get(reverse("akun:2fa"))["Cache-Control"]
        # a wrong code confirms nothing
        client.post(reverse("akun:2fa-konfirmasi"), {"kode": "000000"})
        device.refresh_from_db()
        assert not device.confirmed
        _unthrottle(device)
        response = client.post(
            reverse("akun:2fa-konfirmasi"), {"kode": totp_code(device), "next": "/opd/"}
        )
        assert response.url.startswith(reverse("akun:2fa-pemulihan"))
        device.refresh_from_db()
        assert device.confirmed
        shown = client.get(response.url)
        codes = _codes_from(shown)
        assert len(set(codes)) == 10 and "no-store" in shown["Cache-Control"]
        text = client.get(reverse("akun:2fa-pemulihan-unduh"))
        assert text["Content-Disposition"].startswith("attachment")
        assert "no-store" in text["Cache-Control"]
        assert all(code in text.text for code in codes)
        # stored as digests only
        stored = list(
            RecoveryCode.objects.filter(device__user=user).values_list("digest", flat=True)
        )
        assert len(stored) == 10 and not any(c.replace("-", "") in "".join(stored) for c in codes)
        # the session is verified now; "kept" ends the showing
        assert client.get("/opd/").status_code == 200
        done = client.post(reverse("akun:2fa-pemulihan"), {"next": "/opd/"})
        assert done.url == "/opd/"
        assert client.get(reverse("akun:2fa-pemulihan")).status_code == 302
        assert client.get(reverse("akun:2fa-pemulihan-unduh")).status_code == 404
        assert client.get(reverse("akun:2fa-qr")).status_code == 404  # no enrolment pending

    def test_an_unverified_session_of_a_person_with_an_app_cannot_enrol_again(self, client, world):
        user = world.a.users["pimpinan"]
        second_factor_device(user)
        _sign_in(client, user)
        client.post(reverse("akun:2fa-mulai"))
        assert TOTPDevice.objects.filter(user=user).count() == 1


class TestCodes:
    def test_a_code_works_once(self, client, world):
        user = world.a.users["pimpinan"]
        device = second_factor_device(user)
        _sign_in(client, user)
        code = totp_code(device)
        assert client.post(reverse("masuk-verifikasi"), {"kode": code}).status_code == 302
        client.post(reverse("logout"))
        _sign_in(client, user)
        _unthrottle(device)
        response = client.post(reverse("masuk-verifikasi"), {"kode": code})
        assert response.status_code == 200
        assert "Kode ini sudah dipakai" in response.text
        assert client.get("/opd/").status_code == 302

    def test_a_wrong_code_is_refused_and_throttled(self, client, world):
        user = world.a.users["verifikator"]
        device = second_factor_device(user)
        _sign_in(client, user)
        wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
        response = client.post(reverse("masuk-verifikasi"), {"kode": wrong})
        assert "Kode salah" in response.text
        # at once again, even the right code waits
        response = client.post(reverse("masuk-verifikasi"), {"kode": totp_code(device)})
        assert response.status_code == 200 and "Terlalu banyak kode salah" in response.text
        assert "Tunggu" in response.text
        device.refresh_from_db()
        assert device.throttling_failure_count == 1
        # once the wait is over, the right code is accepted
        device.throttling_failure_timestamp = timezone.now() - dt.timedelta(seconds=5)
        device.save()
        assert _verify(client, device).status_code == 302
        assert client.get("/opd/").status_code == 200

    def test_english(self, client, world):
        from django.conf import settings

        user = world.a.users["pimpinan"]
        second_factor_device(user)
        _sign_in(client, user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page = client.get(reverse("masuk-verifikasi"))
        assert "Two-step verification" in page.text
        response = client.post(reverse("masuk-verifikasi"), {"kode": "12"})
        assert "Wrong code" in response.text or "Too many" in response.text

    def test_a_recovery_code_works_once(self, client, world):
        user = world.a.users["admin"]
        _sign_in(client, user)
        client.session_user = user
        _device, codes = _enrol(client)
        client.post(reverse("logout"))
        _sign_in(client, user)
        response = client.post(reverse("masuk-verifikasi"), {"kode": codes[3].upper()})
        assert response.status_code == 302
        assert client.get("/opd/").status_code == 200
        assert RecoveryCode.objects.filter(device__user=user).count() == 9
        client.post(reverse("logout"))
        _sign_in(client, user)
        response = client.post(reverse("masuk-verifikasi"), {"kode": codes[3]})
        assert response.status_code == 200 and "sudah dipakai" in response.text
        assert AuditEvent.objects.filter(action="user.2fa_recovery_used").count() == 1


class TestRequestsInFlightAtTheCode:
    """While the person types the code, the phone's service worker keeps the start page and the
    offline page, with the session's key from before the code. The code gives the session a new
    key; those requests, answered late, must not take the new session's cookie with them (the
    queue journey was signed out right after its code in CI, stops 18 and 19)."""

    def test_a_late_answer_to_the_old_key_leaves_the_cookie_alone(self, client, world):
        name = django_settings.SESSION_COOKIE_NAME
        user = world.a.users["verifikator"]
        device = second_factor_device(user)
        _sign_in(client, user)
        old = client.cookies[name].value
        assert _verify(client, device).status_code == 302
        assert client.cookies[name].value != old  # a new key for the verified session
        late = Client()
        late.cookies[name] = old
        for url in ["/luring/", "/", "/sw.js"]:
            answer = late.get(url)
            assert name not in answer.cookies, (url, answer.cookies.output())
        assert client.get("/").status_code == 200  # still signed in, verified

    def test_the_code_page_asks_the_service_worker_to_keep_nothing(self, client, world):
        user = world.a.users["verifikator"]
        device = second_factor_device(user)
        _sign_in(client, user)
        assert 'data-simpan="tidak"' in client.get(reverse("masuk-verifikasi")).text
        _verify(client, device)
        assert "data-simpan" not in client.get("/").text

    def test_signing_out_still_deletes_the_cookie(self, client, world):
        name = django_settings.SESSION_COOKIE_NAME
        user = world.a.users["verifikator"]
        device = second_factor_device(user)
        _sign_in(client, user)
        _verify(client, device)
        answer = client.post(reverse("logout"))
        assert answer.cookies[name].value == "" and answer.cookies[name]["max-age"] == 0
        assert client.get("/").status_code == 302


class TestRegenerateAndDisable:
    def test_new_recovery_codes_replace_the_old(self, client, world):
        user = world.a.users["operator_opd"]
        _sign_in(client, user)
        client.session_user = user
        _device, old = _enrol(client)
        response = client.post(reverse("akun:2fa-pemulihan-baru"))
        new = _codes_from(client.get(response.url))
        assert len(new) == 10 and not set(new) & set(old)
        recovery = RecoveryDevice.objects.get(user=user)
        assert not recovery.verify_token(old[0])
        recovery.throttle_reset()
        assert recovery.verify_token(new[0])

    def test_an_optional_person_turns_it_off_with_a_code_or_password(self, client, world):
        user = world.a.users["auditor"]
        _sign_in(client, user)
        client.session_user = user
        device, _codes = _enrol(client)
        client.post(reverse("akun:2fa-nonaktif"), {"sandi": "salah-sekali"})
        assert TOTPDevice.objects.filter(user=user).exists()
        _unthrottle(device)
        client.post(reverse("akun:2fa-nonaktif"), {})
        assert TOTPDevice.objects.filter(user=user).exists()
        client.post(reverse("akun:2fa-nonaktif"), {"kode": totp_code(device)})
        assert not TOTPDevice.objects.filter(user=user).exists()
        assert not RecoveryDevice.objects.filter(user=user).exists()
        assert client.get("/monitoring/").status_code == 200  # optional: nothing asked now

    def test_a_required_role_cannot_turn_it_off(self, client, world):
        user = world.a.users["pimpinan"]
        device = second_factor_device(user)
        _sign_in(client, user)
        _verify(client, device)
        response = client.post(reverse("akun:2fa-nonaktif"), {"sandi": PASSWORD}, follow=True)
        assert "mewajibkan" in response.text
        assert TOTPDevice.objects.filter(user=user).exists()


class TestAdminReset:
    def _admin(self, client, tenant):
        admin = tenant.users["admin"]
        _sign_in(client, admin)
        _verify(client, second_factor_device(admin))
        return admin

    def test_the_pemda_admin_resets_and_the_person_enrols_again(self, client, world):
        from django.test import Client

        a = world.a
        person = a.users["verifikator"]
        device = second_factor_device(person)
        own = Client()
        _sign_in(own, person)
        _verify(own, device)
        self._admin(client, a)
        page = client.get(reverse("kelola:akun-detail", args=[person.pk]))
        assert reverse("kelola:akun-reset-2fa", args=[person.pk]) in page.text
        response = client.post(
            reverse("kelola:akun-reset-2fa", args=[person.pk]), {"pemda": a.pemda.pk}
        )
        assert response.status_code == 302
        assert not TOTPDevice.objects.filter(user=person).exists()
        event = AuditEvent.objects.get(action="user.2fa_reset")
        assert event.pemda_id == a.pemda.pk and event.actor_label == "admin.a"
        assert event.object_id == str(person.pk)
        # the person's sessions are ended (the phone may be in other hands): sign in again,
        # then enrolment before anything
        assert own.get("/opd/").url.startswith(reverse("login"))

    def test_another_pemdas_admin_gets_404_and_nothing_changes(self, client, world):
        person = world.a.users["pimpinan"]
        second_factor_device(person)
        self._admin(client, world.b)
        events = AuditEvent.objects.count()
        for pemda in (world.b.pemda.pk, world.a.pemda.pk):
            response = client.post(
                reverse("kelola:akun-reset-2fa", args=[person.pk]), {"pemda": pemda}
            )
            assert response.status_code == 404
        assert TOTPDevice.objects.filter(user=person).exists()
        assert AuditEvent.objects.count() == events

    def test_other_roles_get_404(self, client, world):
        person = world.a.users["operator_opd"]
        second_factor_device(person)
        user = world.a.users["verifikator"]
        _sign_in(client, user)
        _verify(client, second_factor_device(user))
        response = client.post(
            reverse("kelola:akun-reset-2fa", args=[person.pk]), {"pemda": world.a.pemda.pk}
        )
        assert response.status_code == 404
        assert TOTPDevice.objects.filter(user=person).exists()


class TestAudit:
    def test_every_change_is_audited_without_secrets(self, client, world):
        user = world.a.users["operator_opd"]
        _sign_in(client, user)
        client.session_user = user
        device, codes = _enrol(client)
        client.post(reverse("akun:2fa-pemulihan-baru"))
        client.post(reverse("logout"))
        _sign_in(client, user)
        client.post(reverse("masuk-verifikasi"), {"kode": "999999"})
        _unthrottle(device)
        _verify(client, device)
        client.post(reverse("akun:2fa-nonaktif"), {"sandi": PASSWORD})
        events = AuditEvent.objects.filter(action__startswith="user.2fa_").order_by("pk")
        assert [e.action for e in events] == [
            "user.2fa_enrol",
            "user.2fa_enable",
            "user.2fa_recovery_regenerate",
            "user.2fa_failed",
            "user.2fa_verify",
            "user.2fa_disable",
        ]
        assert all(e.pemda_id == world.a.pemda.pk and e.object_id == str(user.pk) for e in events)
        dumped = json.dumps([e.changes for e in events])
        assert device.key not in dumped and TEST_TOTP_KEY not in dumped
        assert not any(code in dumped for code in codes)


class TestDemoKey:
    def test_the_demo_key_signs_in_with_the_printed_code(self, client, world):
        from django.core.management import call_command

        from pantau.demo.keys import demo_totp_code, demo_totp_key_hex
        from pantau.organisations.services_faktor import faktor_demo_set

        user = world.a.users["pimpinan"]
        faktor_demo_set(user=user, key_hex=demo_totp_key_hex())
        _sign_in(client, user)
        response = client.post(reverse("masuk-verifikasi"), {"kode": demo_totp_code()})
        assert response.status_code == 302 and client.get("/opd/").status_code == 200
        import io

        out = io.StringIO()
        call_command("demo", "--kode-2fa", stdout=out)
        assert re.fullmatch(r"\d{6}\n", out.getvalue())


class TestWithATemporaryPassword:
    def _reset(self, world, person):
        from pantau.organisations.services_kelola import account_password_reset

        return account_password_reset(actor=None, pemda=world.a.pemda, user=person)

    def test_the_code_comes_before_the_password_change(self, client, world):
        person = world.a.users["verifikator"]
        device = second_factor_device(person)
        temp = self._reset(world, person)
        assert client.login(username=person.username, password=temp)
        assert client.get("/opd/").url.startswith(reverse("masuk-verifikasi"))
        assert client.get(reverse("masuk-verifikasi")).status_code == 200  # no loop
        _verify(client, device)
        assert client.get("/opd/").url == reverse("akun:sandi")

    def test_without_an_app_the_password_change_comes_before_enrolment(self, client, world):
        person = world.a.users["pimpinan"]
        temp = self._reset(world, person)
        assert client.login(username=person.username, password=temp)
        assert client.get("/opd/").url.startswith(reverse("akun:2fa"))
        assert client.get(reverse("akun:2fa")).url == reverse("akun:sandi")
        assert client.get(reverse("akun:sandi")).status_code == 200  # no loop
