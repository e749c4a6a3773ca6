"""The Bupati's journey on a 360 px phone: open the dashboard, find the worst OPD, drill down to a
lagging sub kegiatan, check the app is installable, go offline and reopen the last dashboard;
after signing out the cached dashboard is gone."""

from decimal import Decimal

import pytest

from pantau.monitoring.services import realisasi_import
from tests.browser.support import (
    ARTIFACTS,
    go_offline,
    login,
    no_horizontal_scroll,
    sign_out,
    watch,
)

pytestmark = pytest.mark.browser


def test_bupati_dashboard_offline_and_install(browser, live_server, live_world, clock, tmp_path):
    clock.set("2026-07-15 09:00")
    world = live_world
    realisasi_import(  # verified reports: the dashboard shows the verified figures
        actor=None,
        tahun_anggaran=world.a.ta,
        historical=True,
        rows=[
            {
                "sub_kegiatan": world.a.sub,
                "bulan": 6,
                "keuangan": Decimal(300_000_000),
                "fisik": Decimal(20),
                "status": "diverifikasi",
            },
            {
                "sub_kegiatan": world.a.sub_pupr,
                "bulan": 6,
                "keuangan": Decimal(50_000_000),
                "fisik": Decimal(60),
                "status": "diverifikasi",
            },
        ],
    )
    from pantau.planning.services import sub_kegiatan_update

    sub_kegiatan_update(
        actor=None, sub_kegiatan=world.a.sub, latitude=Decimal("-5.30"), longitude=Decimal("123.58")
    )
    base = live_server.url
    from tests.browser.conftest import ARGS, CHROMIUM

    # A persistent profile: Chromium reports "in-incognito" for throw-away contexts.
    ctx = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profil"),
        executable_path=CHROMIUM,
        args=ARGS,
        viewport={"width": 360, "height": 760},
        is_mobile=True,
        has_touch=True,
    )
    watch(ctx)
    page = ctx.new_page()
    login(page, base, "pimpinan.a")
    page.goto(f"{base}/dasbor/?tahun=2026&bulan=6")
    assert "Dasbor pimpinan" in page.content()
    assert no_horizontal_scroll(page)
    page.locator("#peta").scroll_into_view_if_needed()  # map code is fetched when it comes near
    page.wait_for_selector("#peta path.leaflet-interactive")  # the map draws without a tile server
    assert page.locator("#peta path.leaflet-interactive").count() == 1
    page.locator("#peta path.leaflet-interactive").click()  # its pop-up, in Indonesian numbers
    popup = page.locator(".leaflet-popup-content").inner_text()
    assert "20,0%" in popup and "20.0" not in popup, popup
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dasbor.png"))

    # the worst OPD is last in the ranking; the warning list leads to the lagging sub kegiatan
    ranking = page.locator("section[aria-labelledby=peringkat-judul] > ol > li")
    assert "Dinas Kesehatan A" in ranking.last.inner_text() or ranking.count() == 2
    page.get_by_role("link", name="Pembangunan Rumah Sakit").first.click()
    page.wait_for_selector("text=Riwayat bulanan")
    assert "Juni 2026" in page.content()

    # installable: manifest and service worker accepted by Chromium
    page.goto(f"{base}/dasbor/?tahun=2026&bulan=6")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    cdp = ctx.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == [], errors
    manifest = cdp.send("Page.getAppManifest")
    assert not manifest.get("errors"), manifest

    # reopen the last dashboard offline (served by the service worker from this user's cache)
    page.reload()  # now controlled by the service worker, which keeps a copy
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.reload()
    go_offline(ctx, page)
    page.reload()
    assert "Dasbor pimpinan" in page.content()
    assert "data per" in page.locator("[data-waktu-data]").inner_text()
    page.screenshot(path=str(ARTIFACTS / "dasbor-luring.png"))
    ctx.set_offline(False)

    # sign out: the cached pages are deleted, offline the dashboard is no longer there
    sign_out(page, base)
    page.wait_for_function("caches.has('pantau-pages').then(h => !h)")
    go_offline(ctx, page)
    page.goto(f"{base}/dasbor/?tahun=2026&bulan=6")
    assert "Dasbor pimpinan" not in page.content()
    ctx.close()
