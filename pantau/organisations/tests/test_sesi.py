"""Issue 12 §1 (decision 0026): idle timeout and absolute lifetime, the session list at
`/akun/sesi/`, and every session of a person ended when their password, role or OPD changes or
they are deactivated. Time is moved by rewriting the session's stored moments, not by sleeping."""

from __future__ import annotations

import time

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

import config.settings as production
from conftest import PASSWORD
from pantau.audit.models import AuditEvent
from pantau.organisations import services_kelola as svc
from pantau.organisations.models import SesiMasuk
from pantau.organisations.sesi import SEEN, START, TOKEN, akhiri_sesi

pytestmark = pytest.mark.django_db
User = get_user_model()
PROFIL = "/akun/profil/"


def _client(user, ua="Mozilla/5.0 (Linux; Android 14) Chrome/130.0 Mobile Safari/537.36"):
    """A browser signed in through the sign-in page (so that its device and address count)."""
    c = Client(HTTP_USER_AGENT=ua, REMOTE_ADDR="10.1.1.1")
    page = c.post("/masuk/", {"username": user.username, "password": PASSWORD})
    assert page.status_code == 302, page
    return c


def _in(c) -> bool:
    """Whether the client is still signed in: its profile page answers 200 (not a redirect)."""
    return c.get(PROFIL).status_code == 200


def _shift(c, *, start=None, seen=None):
    s = c.session
    now = time.time()
    if start is not None:
        s[START] = now - start
    if seen is not None:
        s[SEEN] = now - seen
    s.save()


class TestLimits:
    def test_settings_defaults_and_the_cookie_age_agree(self):
        assert production.SESSION_IDLE_MINUTES == 30 and production.SESSION_MAX_HOURS == 12
        assert production.SESSION_COOKIE_AGE == production.SESSION_MAX_HOURS * 3600

    def test_an_idle_session_ends(self, world):
        c = _client(world.a.users["operator_opd"])
        _shift(c, seen=31 * 60)
        page = c.get(PROFIL)
        assert page.status_code == 302 and page["Location"].startswith("/masuk/")
        assert SesiMasuk.objects.get().alasan == "tidak-aktif"
        assert "tidak ada aktivitas" in c.get("/masuk/").content.decode()

    def test_activity_within_the_idle_limit_keeps_it_and_moves_last_seen(self, world):
        c = _client(world.a.users["operator_opd"])
        _shift(c, seen=29 * 60)
        assert _in(c)
        assert time.time() - c.session[SEEN] < 5

    def test_the_absolute_lifetime_ends_an_active_session(self, world):
        c = _client(world.a.users["operator_opd"])
        _shift(c, start=12 * 3600 + 60, seen=10)
        assert not _in(c)
        assert SesiMasuk.objects.get().alasan == "batas-umur"

    def test_settings_change_the_limits(self, world, settings):
        settings.SESSION_IDLE_MINUTES = 5
        c = _client(world.a.users["operator_opd"])
        _shift(c, seen=6 * 60)
        assert not _in(c)


class TestCookies:
    def test_the_cookie_of_an_ended_session_is_anonymous(self, world):
        c = _client(world.a.users["operator_opd"])
        cookie = c.cookies[django_settings.SESSION_COOKIE_NAME].value
        c.post(reverse("logout"))
        replay = Client()
        replay.cookies[django_settings.SESSION_COOKIE_NAME] = cookie
        assert not _in(replay)

    def test_a_tampered_cookie_is_anonymous(self, world):
        c = _client(world.a.users["operator_opd"])
        c.cookies[django_settings.SESSION_COOKIE_NAME] = "x" * 32
        assert not _in(c)

    def test_a_session_without_its_row_is_signed_out(self, world):
        c = _client(world.a.users["operator_opd"])
        SesiMasuk.objects.all().delete()
        assert not _in(c)

    def test_a_session_from_before_this_feature_is_signed_out(self, world):
        c = _client(world.a.users["operator_opd"])
        s = c.session
        del s[START]
        s.save()
        assert not _in(c)

    def test_the_row_keeps_no_session_key_nor_token(self, world):
        c = _client(world.a.users["operator_opd"])
        row = SesiMasuk.objects.get()
        key = c.cookies[django_settings.SESSION_COOKIE_NAME].value
        assert key not in row.kunci_hash and c.session[TOKEN] not in row.kunci_hash
        assert row.perangkat == "Chrome, Android" and row.alamat == "10.1.1.1"


class TestSessionPage:
    def test_lists_this_and_other_sessions_and_ends_one(self, world):
        user = world.a.users["operator_opd"]
        phone = _client(user)
        laptop = _client(user, ua="Mozilla/5.0 (Windows NT 10.0) Firefox/133.0")
        page = phone.get(reverse("akun:sesi"))
        text = page.content.decode()
        assert page.status_code == 200 and "Firefox, Windows" in text and "sesi ini" in text
        assert "no-store" in page["Cache-Control"]  # a signed-in page is never kept
        other = SesiMasuk.objects.get(perangkat="Firefox, Windows")
        assert phone.post(reverse("akun:sesi-akhiri", args=[other.pk])).status_code == 302
        assert not _in(laptop) and _in(phone)
        event = AuditEvent.objects.get(action="sesi.akhiri")
        assert event.actor_label == user.username and event.changes["sesi_berakhir"] == [None, 1]

    def test_ends_all_others(self, world):
        user = world.a.users["operator_opd"]
        me, a, b = _client(user), _client(user), _client(user)
        assert me.post(reverse("akun:sesi-akhiri-lain")).status_code == 302
        assert _in(me) and not _in(a) and not _in(b)
        assert AuditEvent.objects.get(action="sesi.akhiri").changes["sesi_berakhir"] == [None, 2]

    def test_another_persons_session_is_not_ended(self, world):
        theirs = _client(world.a.users["kepala_opd"])
        row = SesiMasuk.objects.get(user=world.a.users["kepala_opd"])
        mine = _client(world.a.users["operator_opd"])
        assert mine.post(reverse("akun:sesi-akhiri", args=[row.pk])).status_code == 404
        assert _in(theirs) and not AuditEvent.objects.filter(action="sesi.akhiri").exists()

    def test_get_does_not_end(self, world):
        c = _client(world.a.users["operator_opd"])
        assert c.get(reverse("akun:sesi-akhiri-lain")).status_code == 405

    def test_anonymous_is_sent_to_sign_in(self, client):
        assert client.get(reverse("akun:sesi")).status_code == 302


class TestChangesEndSessions:
    def test_role_change_by_the_admin_ends_every_session(self, world):
        a = world.a
        target = a.users["operator_opd"]
        c = _client(target)
        svc.account_update(
            actor=a.users["admin"], pemda=a.pemda, user=target, role="kepala_opd", opd=target_opd(a)
        )
        assert not _in(c)
        event = AuditEvent.objects.get(action="sesi.akhiri")
        assert event.changes["alasan"] == [None, "ganti-peran"] and event.actor_label == "admin.a"

    def test_opd_change_ends_every_session(self, world):
        a = world.a
        target = a.users["operator_opd"]
        c = _client(target)
        other = a.pupr if target_opd(a) != a.pupr else a.dinkes
        svc.account_update(
            actor=a.users["admin"], pemda=a.pemda, user=target, role="operator_opd", opd=other
        )
        assert not _in(c)

    def test_a_name_change_keeps_sessions(self, world):
        a = world.a
        target = a.users["operator_opd"]
        c = _client(target)
        svc.account_update(
            actor=a.users["admin"],
            pemda=a.pemda,
            user=target,
            role="operator_opd",
            opd=target_opd(a),
            first_name="Nama Baru",
        )
        assert _in(c)

    def test_deactivation_ends_every_session(self, world):
        a = world.a
        c = _client(a.users["kepala_opd"])
        svc.account_set_active(
            actor=a.users["admin"], pemda=a.pemda, user=a.users["kepala_opd"], aktif=False
        )
        assert not _in(c)

    def test_admin_password_reset_ends_every_session(self, world):
        a = world.a
        c = _client(a.users["kepala_opd"])
        svc.account_password_reset(
            actor=a.users["admin"], pemda=a.pemda, user=a.users["kepala_opd"]
        )
        assert not _in(c)
        assert SesiMasuk.objects.get().alasan == "reset-sandi-admin"

    def test_own_password_change_keeps_this_session_and_ends_the_others(self, world):
        user = world.a.users["operator_opd"]
        here, there = _client(user), _client(user)
        page = here.post(
            reverse("akun:sandi"),
            {
                "old_password": PASSWORD,
                "new_password1": "kuda-laut-biru-2026",
                "new_password2": "kuda-laut-biru-2026",
            },
        )
        assert page.status_code == 302
        assert _in(here) and not _in(there)

    def test_a_reset_by_e_mail_ends_every_session(self, world):
        user = world.a.users["operator_opd"]
        User.objects.filter(pk=user.pk).update(email="op@uji.go.id")
        signed_in = _client(user)
        c = Client()
        c.post(reverse("akun:sandi-lupa"), {"email": "op@uji.go.id"})
        link = next(line for line in mail.outbox[0].body.split() if "/sandi/reset/" in line)
        form = c.get(link, follow=True)
        new = "kuda-laut-biru-2026"
        done = c.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
        assert done.status_code == 302
        assert not _in(signed_in)
        assert AuditEvent.objects.filter(action="user.password_reset").exists()


class TestAkhiriSesi:
    def test_counts_and_keeps_the_given_session(self, world):
        user = world.a.users["operator_opd"]
        keep, _b, _c = _client(user), _client(user), _client(user)
        key = keep.cookies[django_settings.SESSION_COOKIE_NAME].value
        with_key = akhiri_sesi(user, kecuali=key, alasan="uji")
        assert with_key == 2 and _in(keep)
        assert akhiri_sesi(user, alasan="uji") == 1 and not _in(keep)
        assert akhiri_sesi(user, alasan="uji") == 0


def target_opd(a):
    return a.users["operator_opd"].memberships.get(pemda=a.pemda).opd


class TestSecondFactorChangeEndsSessions:
    """Issue 12 §1: a change of the second factor ends the person's other sessions (own change)
    or all of them (the admin's reset). The suite's sign-in verifies the session with a test
    authenticator (conftest), so the verifikator has one."""

    def _signed_in(self, person, ua="Mozilla/5.0 (Linux; Android 14) Chrome/130.0"):
        c = Client(HTTP_USER_AGENT=ua, REMOTE_ADDR="10.1.1.1")
        c.force_login(person)
        assert _in(c)
        return c

    def test_the_admin_reset_ends_every_session_of_the_person(self, world):
        from pantau.organisations.services_faktor import faktor_reset

        person = world.a.users["verifikator"]
        phone = self._signed_in(person)
        faktor_reset(actor=world.a.users["admin"], pemda=world.a.pemda, user=person)
        assert not _in(phone)
        assert not SesiMasuk.objects.filter(user=person, berakhir__isnull=True).exists()

    def test_new_recovery_codes_end_the_other_sessions_and_keep_this_one(self, world):
        from pantau.organisations.services_faktor import kode_pemulihan_baru

        person = world.a.users["verifikator"]
        phone = self._signed_in(person)
        laptop = self._signed_in(person, ua="Firefox/130.0 (Windows NT 10.0)")
        kode_pemulihan_baru(user=person, keep_session=phone.session.session_key)
        assert _in(phone) and not _in(laptop)


def _change_role(a):
    svc.account_update(
        actor=a.users["admin"],
        pemda=a.pemda,
        user=a.users["operator_opd"],
        role="kepala_opd",
        opd=target_opd(a),
    )


class TestEndedSaysWhy:
    """A browser whose session was ended elsewhere is told why on the sign-in page; a stale or
    forged one is simply anonymous."""

    def _said(self, c) -> str:
        page = c.get(PROFIL)
        assert page.status_code == 302 and page["Location"].startswith("/masuk/")
        return c.get(page["Location"]).content.decode()

    def test_a_role_change_by_the_admin(self, world):
        a = world.a
        c = _client(a.users["operator_opd"])
        _change_role(a)
        assert "peran atau OPD akun Anda diubah admin" in self._said(c)

    def test_ended_from_the_session_list(self, world):
        user = world.a.users["operator_opd"]
        phone = _client(user)
        laptop = _client(user, ua="Mozilla/5.0 (Windows NT 10.0) Firefox/133.0")
        other = SesiMasuk.objects.get(perangkat="Firefox, Windows")
        phone.post(reverse("akun:sesi-akhiri", args=[other.pk]))
        assert "diakhiri dari daftar sesi akun Anda" in self._said(laptop)

    def test_a_session_without_its_row_says_nothing(self, world):
        c = _client(world.a.users["operator_opd"])
        SesiMasuk.objects.all().delete()
        said = self._said(c)
        assert "Sesi Anda" not in said and "Sesi ini" not in said

    def test_in_english(self, world):
        a = world.a
        c = _client(a.users["operator_opd"])
        c.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
        _change_role(a)
        assert "your role or OPD was changed by the admin" in self._said(c)
