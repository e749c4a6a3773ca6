"""The web layer (issue 12 §2, decision 0028): CSP and the other security headers on every kind
of answer, no-store on everything served to a signed-in user, rahasia pages and files never kept
offline, and the public portal keeping its caching."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import PASSWORD, classify

DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    parts = [p.strip().split(" ", 1) for p in header.split(";") if p.strip()]
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts}


@pytest.fixture(autouse=True)
def _portal_pemda(settings):
    settings.OPENDATA_DEFAULT_PEMDA = "74.07"  # two pemdas, neither claims the test host


def login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)


@pytest.mark.django_db
class TestSecurityHeaders:
    def _pages(self, client, world):
        anonymous = [client.get("/publik/"), client.get(reverse("login"))]
        login(client, world.a.users["admin"])
        signed = [
            client.get(reverse("core:home")),
            client.get(reverse("evaluation:dasbor")),
            client.get("/admin/"),
        ]
        return anonymous + signed

    def test_every_page_has_the_strict_policy(self, client, world):
        for response in self._pages(client, world):
            assert response.status_code in (200, 302), response
            got = policy(response)
            for name, value in DIRECTIVES.items():
                assert got.get(name) == value, (name, got)
            header = response["Content-Security-Policy"]
            assert "unsafe-inline" not in header and "unsafe-eval" not in header

    def test_permissions_policy_turns_camera_and_geolocation_off(self, client, world):
        for response in self._pages(client, world):
            header = response["Permissions-Policy"]
            for feature in ("camera", "geolocation", "microphone", "payment", "usb"):
                assert f"{feature}=()" in header, header

    def test_frames_and_openers_are_refused(self, client, world):
        for response in self._pages(client, world):
            assert response["X-Frame-Options"] == "DENY"
            assert response["Cross-Origin-Opener-Policy"] == "same-origin"
            assert response["X-Content-Type-Options"] == "nosniff"

    def test_a_map_tile_server_is_the_only_other_image_source(self, monkeypatch):
        import importlib

        import config.settings as s

        monkeypatch.setenv("PANTAU_MAP_TILES_URL", "https://{s}.tiles.example/{z}/{x}/{y}.png")
        try:
            again = importlib.reload(s)
            img = again.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"]
            assert img == ["'self'", "data:", "https://*.tiles.example"]
        finally:
            monkeypatch.delenv("PANTAU_MAP_TILES_URL")
            importlib.reload(s)


class TestProductionHeaders:
    """The same headers with the production transport settings: HSTS over HTTPS, plain HTTP
    redirected, Secure cookies."""

    @pytest.mark.django_db
    def test_hsts_and_secure_cookies_in_production(self, client, settings, world):
        settings.SECURE_HSTS_SECONDS = 31536000
        settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
        settings.SECURE_SSL_REDIRECT = True
        settings.SESSION_COOKIE_SECURE = True
        settings.CSRF_COOKIE_SECURE = True
        plain = client.get("/publik/")
        assert plain.status_code == 301 and plain["Location"].startswith("https://")
        page = client.get(reverse("login"), secure=True)
        assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        assert page.cookies["csrftoken"]["secure"]
        signed = client.post(
            reverse("login"),
            {"username": world.a.users["admin"].username, "password": PASSWORD},
            secure=True,
        )
        assert signed.status_code == 302
        assert signed.cookies["sessionid"]["secure"] and signed.cookies["sessionid"]["httponly"]


@pytest.mark.django_db
class TestNoStore:
    def test_every_signed_in_page_is_no_store(self, client, world):
        login(client, world.a.users["operator_opd"])
        for url in (
            reverse("core:home"),
            reverse("monitoring:daftar"),
            reverse("monitoring:laporan", args=[world.a.sub.pk, 1]),
            reverse("akun:profil"),
            "/publik/",  # the portal too, when the visitor is signed in
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["Cache-Control"] == "private, no-store", url

    def test_public_portal_keeps_its_caching_for_anonymous_visitors(self, client, catalogue):
        from pantau.opendata.ids import resource_id

        ds = catalogue.public[0]
        rid = resource_id(ds.uid, "csv")
        url = f"/dataset/{ds.nama}/resource/{rid}/download/{ds.nama}.csv"
        response = client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "public, max-age=300"
        assert "no-store" not in client.get("/publik/").get("Cache-Control", "")
        login(client, catalogue.world.a.users["admin"])
        assert client.get(url)["Cache-Control"] == "private, no-store"

    def test_an_api_token_answer_is_no_store(self, client, world):
        response = client.get("/api/v1/", HTTP_AUTHORIZATION="Bearer nope")
        assert response["Cache-Control"] == "private, no-store"


@pytest.fixture
def rahasia_photo(world, clock):
    from pantau.monitoring.models import PeriodeLaporan
    from pantau.monitoring.services import bukti_add, realisasi_save
    from pantau.monitoring.tests.photos import jpeg

    clock.set("2026-02-05 10:00")
    periode = PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=1)
    report = realisasi_save(
        actor=world.a.users["operator_opd"],
        sub_kegiatan=world.a.sub,
        periode=periode,
        keuangan=Decimal(10_000_000),
        fisik=Decimal(5),
    )
    photo = bukti_add(
        actor=world.a.users["operator_opd"], realisasi=report, name="foto.jpg", data=jpeg()
    )
    return report, photo


@pytest.mark.django_db
class TestRahasiaNeverOffline:
    """The service worker keeps signed-in pages for offline reading (decision 0012) except those
    marked `Pantau-Offline: no`: every page and file of a rahasia item."""

    def test_a_rahasia_photo_and_its_page_are_marked(self, client, world, rahasia_photo):
        _report, photo = rahasia_photo
        urls = [reverse("monitoring:bukti", args=[photo.pk])] + [
            reverse("monitoring:bukti-berkas", args=[photo.pk, v]) for v in ("asli", "thumb")
        ]
        login(client, world.a.users["operator_opd"])
        for url in urls:  # not yet rahasia: kept offline like any page
            response = client.get(url)
            assert response.status_code == 200, url
            assert "Pantau-Offline" not in response, url
        classify(world.a, photo, "rahasia")
        login(client, world.a.users["admin"])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["Pantau-Offline"] == "no", url
            assert response["Cache-Control"] == "private, no-store", url

    def test_the_report_form_and_history_of_a_rahasia_sub_kegiatan_are_marked(self, client, world):
        urls = [
            reverse("monitoring:laporan", args=[world.a.sub.pk, 1]),
            reverse("monitoring:riwayat", args=[world.a.sub.pk]),
        ]
        login(client, world.a.users["operator_opd"])
        for url in urls:
            assert "Pantau-Offline" not in client.get(url), url
        classify(world.a, world.a.sub, "rahasia")
        login(client, world.a.users["admin"])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["Pantau-Offline"] == "no", url

    def test_the_service_worker_skips_and_forgets_marked_answers(self):
        from pathlib import Path

        sw = (Path(__file__).resolve().parents[2] / "static" / "pantau" / "sw.js").read_text()
        assert re.search(r'headers\.get\("Pantau-Offline"\) === "no"', sw)
        assert "!secret(res)" in sw and "forget(req.url)" in sw
