"""R6 (docs/quality.md, issue 12 §2): sign-in POST, password-reset POST and public search answer
429 with Retry-After and a page in the user's language once one address is over its budget
(pantau/core/web.py); the budgets come from settings and count in the shared cache."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from conftest import PASSWORD
from pantau.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    settings.RATE_LIMITS = {
        "login POST": "3/m",
        "akun:sandi-lupa POST": "2/h",
        "akun:sandi-reset POST": "2/h",
        "opendata:dataset-list GET": "3/m",
        "opendata:kegiatan-list GET": "3/m",
    }
    settings.RATE_LIMITS_EXEMPT = {"10.0.0.9"}
    settings.OPENDATA_CLIENT_IP_HEADER = ""
    settings.OPENDATA_DEFAULT_PEMDA = "74.07"
    return settings


def _wrong(client, world, **extra):
    return client.post(
        reverse("login"),
        {"username": world.a.users["admin"].username, "password": "salah"},
        **extra,
    )


class TestSignInLimit:
    def test_the_fourth_sign_in_from_one_address_answers_429(self, client, world, rates):
        for _ in range(3):
            assert _wrong(client, world).status_code == 200  # the form again, with its error
        flooded = client.post(
            reverse("login"),
            {"username": world.a.users["admin"].username, "password": PASSWORD},
        )
        assert flooded.status_code == 429
        assert 1 <= int(flooded["Retry-After"]) <= 60
        assert flooded["Cache-Control"] == "no-store"
        assert "Terlalu banyak percobaan dari alamat ini" in flooded.text
        assert "_auth_user_id" not in client.session  # the right password did not sign in
        # the sign-in page itself still opens; another address and an exempt one may post
        assert client.get(reverse("login")).status_code == 200
        assert _wrong(client, world, REMOTE_ADDR="192.0.2.7").status_code == 200
        # (four: the fifth failure of one name from one address is django-axes' lockout)
        for _ in range(4):
            assert _wrong(client, world, REMOTE_ADDR="10.0.0.9").status_code == 200

    def test_the_page_speaks_english_to_an_english_user(self, client, world, rates):
        client.cookies["django_language"] = "en"
        for _ in range(3):
            _wrong(client, world)
        flooded = _wrong(client, world)
        assert flooded.status_code == 429
        assert "Too many attempts from this address" in flooded.text

    def test_the_address_behind_the_proxy_is_counted(self, client, world, rates):
        rates.OPENDATA_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
        for _ in range(3):
            _wrong(client, world, HTTP_X_REAL_IP="198.51.100.1")
        assert _wrong(client, world, HTTP_X_REAL_IP="198.51.100.1").status_code == 429
        assert _wrong(client, world, HTTP_X_REAL_IP="198.51.100.2").status_code == 200

    def test_a_limit_of_zero_is_off(self, client, world, rates):
        rates.RATE_LIMITS = {**rates.RATE_LIMITS, "login POST": ""}
        for _ in range(4):  # over the limit of 3, under django-axes' lockout at 5
            assert _wrong(client, world).status_code == 200


class TestPasswordResetLimit:
    def test_the_third_reset_request_answers_429_and_sends_nothing(
        self, client, world, rates, mailoutbox
    ):
        user = world.a.users["operator_opd"]
        get_user_model().objects.filter(pk=user.pk).update(email="op@example.org")
        url = reverse("akun:sandi-lupa")
        for _ in range(2):
            assert client.post(url, {"email": "op@example.org"}).status_code == 302
        sent = len(mailoutbox)
        before = AuditEvent.objects.count()
        flooded = client.post(url, {"email": "op@example.org"})
        assert flooded.status_code == 429 and flooded["Retry-After"]
        assert len(mailoutbox) == sent and AuditEvent.objects.count() == before

    def test_a_reset_link_post_is_limited_too(self, client, world, rates):
        url = reverse("akun:sandi-reset", args=["MQ", "set-password"])
        for _ in range(2):
            assert client.post(url, {}).status_code != 429
        assert client.post(url, {}).status_code == 429


class TestSearchLimit:
    def test_public_search_is_limited_and_plain_lists_are_not(self, client, catalogue, rates):
        for url in (reverse("opendata:dataset-list"), reverse("opendata:kegiatan-list")):
            for _ in range(3):
                assert client.get(url, {"q": "jalan"}).status_code == 200
            flooded = client.get(url, {"q": "jalan"})
            assert flooded.status_code == 429, url
            assert "Retry-After" in flooded
            for _ in range(5):  # the list without a search term is a cached page
                assert client.get(url).status_code == 200

    def test_ckan_package_search_keeps_its_own_limit(self, client, catalogue, settings):
        settings.OPENDATA_API_RATE = "2/m"
        for _ in range(2):
            assert client.get("/api/3/action/package_search?q=x").status_code == 200
        assert client.get("/api/3/action/package_search?q=x").status_code == 429
