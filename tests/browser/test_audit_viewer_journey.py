"""The audit viewer at a 360 px phone viewport (issue 12 §5): the Inspektorat's auditor filters
the trail (an action and a date typed the Indonesian way), opens an event and reads its before
and after, then downloads the filtered list as CSV."""

import os
import zoneinfo
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from pantau.planning.services import sub_kegiatan_update
from tests.browser.support import login, no_horizontal_scroll

pytestmark = pytest.mark.browser
DOC_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "img"


def _shot(page, name):
    """The user guide's picture (docs/img/jejak-audit.png), only with PANTAU_SCREENSHOTS=1."""
    if os.environ.get("PANTAU_SCREENSHOTS") == "1":
        page.screenshot(path=str(DOC_IMAGES / f"{name}.png"), full_page=True)


def test_auditor_filters_opens_an_event_and_downloads_csv(phone, live_server, live_world):
    a = live_world.a
    sub_kegiatan_update(
        actor=a.users["admin"], sub_kegiatan=a.sub2, pagu_murni=Decimal("350000000")
    )
    sub_kegiatan_update(actor=a.users["admin"], sub_kegiatan=a.sub2, pptk_nama="Budi Santoso")
    today = timezone.now().astimezone(zoneinfo.ZoneInfo("Asia/Makassar")).date()

    login(phone, live_server.url, "auditor.a")
    phone.goto(f"{live_server.url}/audit/")
    assert no_horizontal_scroll(phone)
    phone.get_by_text("Saring", exact=True).click()
    phone.get_by_label("Aksi").select_option(label="Sub kegiatan diubah")
    phone.get_by_label("Dari tanggal").fill(f"{today:%d/%m/%Y}")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Terapkan").click()
    assert "aksi=sub_kegiatan.update" in phone.url
    cards = phone.get_by_role("list", name="Peristiwa audit").get_by_role("listitem")
    assert cards.count() == 2
    first = cards.first.get_by_role("link")
    assert first.inner_text().startswith("Admin admin.a mengubah sub kegiatan 1.02.02.2.01.0002")
    assert no_horizontal_scroll(phone)
    _shot(phone, "jejak-audit")

    assert "Berubah: Pagu murni (Rp)" in cards.nth(1).inner_text()
    cards.nth(1).get_by_role("link").click()  # the older one: the pagu change
    phone.wait_for_url("**/audit/*/")
    main = phone.locator("main").inner_text()
    assert "Pagu murni (Rp)" in main
    assert "Rp 300.000.000" in main and "Rp 350.000.000" in main
    assert no_horizontal_scroll(phone)

    phone.go_back()
    with phone.expect_download() as wait:
        phone.get_by_role("group", name="Unduh daftar").get_by_role(
            "link", name="Unduh CSV"
        ).click()
    with open(wait.value.path(), "rb") as fh:
        text = fh.read().decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("Waktu,Pelaku,OPD,Aksi,Keterangan")
    assert len([ln for ln in lines[1:] if ln.strip()]) == 2
    assert "Rp 300.000.000 → Rp 350.000.000" in text
    assert "Nama PPTK: — → Budi Santoso" in text
