"""Offline navigation at 360 px (issue 9 §4): an operator opens Pantau, the report list from the
menu and a report with its photo, then loses the signal. Every page seen reads and links offline:
the breadcrumb finds the list opened from the menu, the installed app's start page opens, the
photo shows; a page never opened answers with the offline page, which has the menu, the queue
and the pages kept on the phone. Another user signing in on the phone never finds them."""

import re
import uuid
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from pantau.monitoring.models import PeriodeLaporan
from pantau.monitoring.services import laporan_kirim
from pantau.monitoring.tests.photos import jpeg
from tests.browser.support import (
    ARTIFACTS,
    go_offline,
    login,
    no_horizontal_scroll,
    open_form,
    open_menu,
)

pytestmark = pytest.mark.browser

KEPT = "url => caches.open('pantau-pages').then(c => c.match(url, {ignoreVary: true}))"


def kept(page, url):
    return page.evaluate(f"({KEPT})('{url}').then(Boolean)")


def wait_kept(page, url):
    page.wait_for_function(f"({KEPT})('{url}').then(Boolean)", timeout=15000)


def small_targets(page, selector):
    """Links or buttons under `selector` less than 44 px high."""
    return page.evaluate(
        "sel => [...document.querySelectorAll(sel)].filter(e => e.offsetParent !== null"
        " && e.getBoundingClientRect().height < 44).map(e => e.textContent.trim())",
        selector,
    )


def with_photo(world):
    periode = PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=1)
    laporan_kirim(
        actor=world.a.users["operator_opd"],
        sub_kegiatan=world.a.sub,
        periode=periode,
        kunci=uuid.uuid4().hex,
        fields={"keuangan": Decimal(45_000_000), "fisik": Decimal("7.5")},
        files=[("lokasi.jpg", jpeg())],
    )


def test_operator_reads_and_navigates_offline(browser, live_server, live_world, clock):
    clock.set("2026-02-05 10:00")
    base, world = live_server.url, live_world
    with_photo(world)
    ctx = browser.new_context(
        viewport={"width": 360, "height": 800}, is_mobile=True, has_touch=True
    )
    page = ctx.new_page()
    login(page, base, "operator_opd.a")  # Beranda arrives before the service worker exists
    wait_kept(page, "/")  # kept all the same: the installed app's start page
    wait_kept(page, "/luring/")

    # online: the list from the menu, a report with a photo from the list
    open_menu(page)
    page.locator("#nav").get_by_role("link", name="Laporan bulanan").click()
    page.wait_for_url(f"{base}/monitoring/")
    page.get_by_role("link", name=re.compile("Pembangunan Rumah Sakit")).click()
    page.wait_for_selector("img.card-img-top")
    page.wait_for_function("[...document.images].every(i => i.complete)")
    wait_kept(page, page.url)
    report = page.url
    # a file opened as a page (the original photo here; exports alike) is not kept: pages only
    # (the thumbnail opens the photo's page; its original file is the `asli` variant)
    original = page.locator("a:has(img.card-img-top)").get_attribute("href") + "asli/"
    page.goto(base + original)
    page.goto(report)
    wait_kept(page, report)
    assert not kept(page, original)

    go_offline(ctx, page)
    page.reload()  # the report reads offline, photo included
    assert page.locator("img.card-img-top").evaluate("i => i.complete && i.naturalWidth > 0")
    assert "Anda luring" in page.locator("#catatan-luring").inner_text()
    # (a step that needs the server saying so is checked with Keluar below: the report's one
    # primary action, "Simpan dan ajukan", is queued on the phone offline)
    assert page.url == report and "Pembangunan Rumah Sakit" in page.content()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "laporan-luring.png"), full_page=True)
    # the breadcrumb (with OPD, year and month) finds the list opened from the menu
    page.locator("nav[aria-label=breadcrumb]").get_by_role("link", name="Laporan bulanan").click()
    page.wait_for_selector("h1:has-text('Laporan bulanan')")
    assert "Pembangunan Puskesmas" in page.content()
    # the brand link and the installed app's start address open Beranda
    page.get_by_role("link", name="Pantau").first.click()
    page.wait_for_selector("text=Selamat datang")
    page.goto(f"{base}/?source=pwa")
    assert "Selamat datang" in page.content()

    # a page never opened: the offline page with the menu, the queue and the pages kept
    page.goto(f"{base}/notifikasi/")
    page.wait_for_selector("[data-luring-belum]:not([hidden])")
    assert "/notifikasi/" in page.locator("[data-luring-alamat]").inner_text()
    open_menu(page)  # the menu works offline
    page.locator("#nav").get_by_role("link", name="Laporan bulanan").wait_for()
    page.reload()  # menu closed again
    page.wait_for_selector("[data-luring-belum]:not([hidden])")
    # the queue box is drawn from the phone's store after the page loads (offline.js render)
    page.locator("#antrean-offline").get_by_text("Tidak ada laporan di antrean").wait_for()
    saved = page.locator("[data-halaman-luring] a")
    saved.first.wait_for()
    titles = saved.all_inner_texts()
    assert any(t.startswith("Beranda") for t in titles)
    assert any(t.startswith("Laporan bulanan") for t in titles)
    assert any(t.startswith("Laporan 1.02.02.2.01.0001") for t in titles)
    assert len([t for t in titles if t.startswith("Laporan bulanan")]) == 1  # once, not per key
    assert no_horizontal_scroll(page)
    assert small_targets(page, "[data-halaman-luring] a, #antrean-offline button") == []
    page.screenshot(path=str(ARTIFACTS / "luring.png"), full_page=True)

    # a report made offline shows in the offline page's queue; the kept pages lead back
    page.goto(f"{base}/monitoring/")
    page.get_by_role("link", name=re.compile("Pembangunan Rumah Sakit")).click()
    page.get_by_label("Realisasi keuangan bulan ini (Rp)").fill("46.000.000")
    page.get_by_role("button", name="Simpan draf").click()
    page.wait_for_function("document.body.dataset.antrean === '1'")
    page.goto(f"{base}/opd/")  # never opened either
    page.wait_for_selector("#antrean-offline li")
    assert "menunggu sambungan" in page.locator("#antrean-offline").inner_text()
    page.screenshot(path=str(ARTIFACTS / "luring-antrean.png"), full_page=True)
    page.locator("[data-halaman-luring]").get_by_role(
        "link", name=re.compile("^Laporan bulanan")
    ).click()
    page.wait_for_selector("h1:has-text('Laporan bulanan')")

    ctx.set_offline(False)
    page.wait_for_function("document.body.dataset.antrean === '0'", timeout=15000)

    # signing out without signal cannot reach the server, but the kept pages go at once
    go_offline(ctx, page)
    open_menu(page)
    page.get_by_role("button", name="Keluar").click()
    assert "Perlu sambungan internet untuk keluar" in page.locator("#pesan-luring").inner_text()
    # the open menu, sticky at the top, would cover it: it closes and the message shows
    expect(page.locator("#nav")).not_to_have_class(re.compile(r"\bshow\b"))
    expect(page.locator("#pesan-luring")).to_be_in_viewport()
    page.wait_for_function("caches.has('pantau-pages').then(h => !h)")
    ctx.close()


def test_signing_out_on_a_weak_signal_says_so_and_keeps_the_page(
    browser, live_server, live_world, clock
):
    """The phone says it is online, but nothing gets through (a weak signal): Keluar does not end
    on the browser's error page, with the person believing they signed out while the session
    still stands; the page stays and says so. With the signal back, Keluar signs out."""
    clock.set("2026-02-05 10:00")
    base = live_server.url
    ctx = browser.new_context(viewport={"width": 360, "height": 800}, is_mobile=True)
    page = ctx.new_page()
    login(page, base, "operator_opd.a")
    wait_kept(page, "/luring/")
    page.route("**/keluar/", lambda route: route.abort("internetdisconnected"))
    open_menu(page)
    page.get_by_role("button", name="Keluar").click()
    said = page.locator("#pesan-luring").inner_text()
    assert "Perlu sambungan internet untuk keluar: Anda masih masuk" in said
    assert page.evaluate("navigator.onLine") and page.url == f"{base}/"
    page.wait_for_function("caches.has('pantau-pages').then(h => !h)")  # the kept pages went
    assert page.get_by_role("button", name="Keluar").is_enabled()  # and it can be tried again

    page.unroute("**/keluar/")
    with page.expect_navigation(url=f"{base}/masuk/"):
        page.get_by_role("button", name="Keluar").click()
    page.goto(f"{base}/")  # signed out on the server too
    assert page.url.startswith(f"{base}/masuk/")
    ctx.close()


def test_another_user_signing_in_never_finds_the_pages_kept_for_the_first(
    browser, live_server, live_world, clock
):
    """The operator's session ends without signing out; the head of OPD signs in on the same
    phone: the operator's pages are gone, the offline page is the head's."""
    clock.set("2026-02-05 10:00")
    base, world = live_server.url, live_world
    ctx = browser.new_context(viewport={"width": 360, "height": 800}, is_mobile=True)
    page = ctx.new_page()
    login(page, base, "operator_opd.a")
    wait_kept(page, "/luring/")
    open_form(page, base, world.a.sub2)
    report = page.url
    wait_kept(page, report)
    # The session ends (expiry), nobody pressed Keluar: the session cookie goes, the CSRF cookie
    # stays, as in a browser. (Clearing every cookie let a page the service worker was still
    # keeping render as a visitor's and set a new CSRF secret behind the sign-in form.)
    ctx.clear_cookies(name="sessionid")

    login(page, base, "kepala_opd.a")
    page.wait_for_function(
        "caches.open('pantau-pages').then(c => c.match('/luring/', {ignoreVary: true}))"
        ".then(r => r ? r.text() : '').then(t => t.includes('kepala_opd.a'))",
        timeout=15000,
    )
    assert not kept(page, report)
    ctx.close()
