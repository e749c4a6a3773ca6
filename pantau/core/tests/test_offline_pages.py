"""Offline reading (issue 9 §4): the offline page the service worker stands in with, and the
canonical addresses that let a link find a page kept offline. The browser journey is
tests/browser/test_offline_journey.py."""

import html
import json
import re
from pathlib import Path

import pytest
from django.urls import reverse

from conftest import PASSWORD

SW = Path(__file__).resolve().parents[2] / "static" / "pantau" / "sw.js"


@pytest.fixture(autouse=True)
def _february(clock):
    clock.set("2026-02-05 10:00")


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def canonical(response) -> str:
    match = re.fullmatch(r'<([^>]+)>; rel="canonical"', response.get("Link", ""))
    assert match, response.get("Link")
    return match[1]


def hrefs(response) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]+)"', response.text)]


def sw_constant(name: str) -> str:
    return re.search(rf'var {name} = "([^"]+)"', SW.read_text(encoding="utf-8"))[1]


class TestOfflinePage:
    def test_visitors_get_it_too_never_a_redirect(self, client, db):
        response = client.get(reverse("core:luring"))
        assert response.status_code == 200
        assert "Membaca tanpa sambungan" in response.text
        assert "data-halaman-luring" not in response.text  # nothing kept for a visitor

    def test_signed_in_it_has_the_menu_the_queue_and_the_kept_pages(self, client, world):
        response = login(client, world.a.users["operator_opd"]).get(reverse("core:luring"))
        assert response.status_code == 200
        assert 'id="antrean-offline" data-selalu' in response.text
        assert f'data-halaman-luring="{reverse("core:luring")}"' in response.text
        assert reverse("monitoring:daftar") in hrefs(response)  # the menu
        assert "offline.js" in response.text

    def test_in_english(self, client, world):
        from django.conf import settings

        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = login(client, world.a.users["operator_opd"]).get(reverse("core:luring"))
        assert "Reading without a connection" in response.text
        assert "Pages saved on this phone" in response.text

    def test_the_service_worker_knows_its_address_and_the_start_page(self, client, db):
        assert sw_constant("OFFLINE") == reverse("core:luring")
        start = json.loads(client.get(reverse("manifest")).content)["start_url"]
        path, _, query = start.partition("?")
        assert sw_constant("START") == path
        ignored = re.search(r"var IGNORED = \[([^\]]*)\]", SW.read_text(encoding="utf-8"))[1]
        assert all(f'"{p.partition("=")[0]}"' in ignored for p in query.split("&") if p)


class TestCanonicalAddresses:
    def test_report_list_names_the_address_its_breadcrumb_and_compliance_links_use(
        self, client, world
    ):
        login(client, world.a.users["operator_opd"])
        from_menu = canonical(client.get(reverse("monitoring:daftar")))
        assert from_menu == (
            f"{reverse('monitoring:daftar')}?opd={world.a.dinkes.pk}&tahun=2026&bulan=1"
        )
        form = client.get(reverse("monitoring:laporan", args=[world.a.sub.pk, 1]))
        assert from_menu in hrefs(form)  # the breadcrumb
        chosen = client.get(from_menu)
        assert canonical(chosen) == from_menu
        client.logout()
        login(client, world.a.users["verifikator"])
        compliance = client.get(reverse("monitoring:kepatuhan") + "?tahun=2026&bulan=1")
        assert from_menu in hrefs(compliance)

    def test_another_month_is_another_address(self, client, world):
        login(client, world.a.users["operator_opd"])
        march = canonical(client.get(reverse("monitoring:daftar") + "?bulan=3"))
        assert march.endswith(f"?opd={world.a.dinkes.pk}&tahun=2026&bulan=3")

    def test_dashboard_names_the_address_the_drill_down_links_back_to(self, client, world):
        login(client, world.a.users["pimpinan"])
        board = canonical(client.get(reverse("evaluation:dasbor")))
        detail = client.get(reverse("evaluation:rincian", args=["sub"]) + "?tahun=2026&bulan=1")
        assert board in hrefs(detail)
        assert canonical(client.get(board)) == board
