"""The phone's queue of reports made offline (offline.js) under the conditions of the field: slow
storage, a server that is busy for a moment, a connection that comes back half-way, a phone
clock that is set back, two Pantau tabs. Versions of one report arrive oldest first, what the
operator typed is what is sent, and a report the server refuses stays on the phone with the
reason."""

import time

import pytest

from pantau.monitoring.models import KunciPengiriman, Realisasi
from tests.browser.support import go_offline, login, open_form, queue_size, queued_values

pytestmark = pytest.mark.browser

# A cheap phone's storage: every IndexedDB open answers 700 ms late.
SLOW_STORAGE = """
(() => {
  const open = IDBFactory.prototype.open;
  IDBFactory.prototype.open = function (...args) {
    const req = open.apply(this, args);
    let late = false;
    req.addEventListener("success", (ev) => {
      if (late) return;
      ev.stopImmediatePropagation();
      setTimeout(() => { late = true; req.dispatchEvent(new Event("success")); late = false; }, 700);
    });
    return req;
  };
})();
"""


def new_phone(browser):
    return browser.new_context(viewport={"width": 360, "height": 760}, is_mobile=True)


def fill(page, amount, fisik="6"):
    page.get_by_label("Realisasi keuangan bulan ini (Rp)").fill(amount)
    page.get_by_label("Realisasi fisik kumulatif (%)").fill(fisik)


def save_offline(page, amount, n):
    fill(page, amount)
    page.get_by_role("button", name="Simpan draf").click()
    page.wait_for_function(f"document.body.dataset.antrean === '{n}'")


def report_of(world):
    return Realisasi.objects.filter(sub_kegiatan=world.a.sub2).first()


def wait_until(page, check, timeout=15):
    """Wait for a condition on the test's side; Playwright handles routes meanwhile."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        page.wait_for_timeout(50)


@pytest.fixture
def operator(browser, live_server, live_world, clock):
    clock.set("2026-02-05 10:00")
    ctx = new_phone(browser)
    page = ctx.new_page()
    login(page, live_server.url, "operator_opd.a")
    yield ctx, page
    ctx.close()


def test_a_correction_typed_while_the_phone_stores_the_first_is_what_is_sent(
    browser, live_server, live_world, clock
):
    """The flake of issue 9: on a slow phone the form was emptied once the first version was
    stored, wiping the correction typed meanwhile; the second version went out empty and the
    server refused it (422). The form now stays as typed and cannot change while it is stored."""
    clock.set("2026-02-05 10:00")
    ctx = new_phone(browser)
    ctx.add_init_script(SLOW_STORAGE)
    page = ctx.new_page()
    login(page, live_server.url, "operator_opd.a")
    open_form(page, live_server.url, live_world.a.sub2)
    go_offline(ctx, page)
    for amount in ("20.000.000", "25.000.000"):  # no pause: typed while the first is stored
        fill(page, amount)
        page.get_by_role("button", name="Simpan draf").click()
    page.wait_for_function("document.body.dataset.antrean === '2'")
    assert queued_values(page, "keuangan") == ["20.000.000", "25.000.000"]
    # what is on screen is what was queued last
    assert page.get_by_label("Realisasi keuangan bulan ini (Rp)").input_value() == "25.000.000"
    ctx.set_offline(False)
    page.wait_for_function("document.body.dataset.antrean === '0'", timeout=15000)
    assert report_of(live_world).keuangan == 25_000_000
    assert KunciPengiriman.objects.count() == 2
    ctx.close()


def test_a_busy_server_holds_back_the_later_versions_of_the_same_report(
    operator, live_server, live_world
):
    """The server answers 503 to the first version: the second must not overtake it (the first
    would then overwrite the correction when it gets through)."""
    ctx, page = operator
    open_form(page, live_server.url, live_world.a.sub2)
    go_offline(ctx, page)
    save_offline(page, "20.000.000", 1)
    save_offline(page, "25.000.000", 2)
    first = page.evaluate("window.pantauOffline.items().then(i => i[0].kunci)")
    busy = {"on": True, "answered": 0}

    def busy_for_the_first(route):
        if busy["on"] and first in (route.request.post_data_buffer or b"").decode("latin-1"):
            busy["answered"] += 1
            route.fulfill(status=503, body="sibuk", content_type="text/html")
        else:
            route.continue_()

    page.route("**/monitoring/laporan/**", busy_for_the_first)
    ctx.set_offline(False)
    wait_until(page, lambda: busy["answered"])
    page.evaluate("window.pantauOffline.flush()")  # resolves when the running send is over
    assert report_of(live_world) is None  # the correction did not overtake the first version
    assert queue_size(page) == 2
    busy["on"] = False
    page.evaluate("window.pantauOffline.flush()")
    page.wait_for_function("document.body.dataset.antrean === '0'", timeout=15000)
    assert report_of(live_world).keuangan == 25_000_000


def test_a_version_sent_online_waits_for_the_older_ones_still_queued(
    operator, live_server, live_world
):
    """The connection is back but the queued version could not get through yet; the operator
    corrects and sends online: the correction goes after the queued version, not before it."""
    ctx, page = operator
    open_form(page, live_server.url, live_world.a.sub2)
    go_offline(ctx, page)
    save_offline(page, "20.000.000", 1)
    cut = []

    def no_route_to_server(route):
        cut.append(route.request.url)
        route.abort("internetdisconnected")

    page.route("**/monitoring/laporan/**", no_route_to_server)
    ctx.set_offline(False)
    page.evaluate("window.pantauOffline.flush()")
    wait_until(page, lambda: cut)
    page.evaluate("window.pantauOffline.flush()")
    assert queue_size(page) == 1 and report_of(live_world) is None
    page.unroute("**/monitoring/laporan/**")
    fill(page, "25.000.000")
    page.get_by_role("button", name="Simpan draf").click()
    page.wait_for_function("document.body.dataset.antrean === '0'", timeout=15000)
    assert report_of(live_world).keuangan == 25_000_000
    assert KunciPengiriman.objects.count() == 2


def test_versions_keep_their_order_when_the_phone_clock_is_set_back(
    operator, live_server, live_world
):
    ctx, page = operator
    open_form(page, live_server.url, live_world.a.sub2)
    go_offline(ctx, page)
    save_offline(page, "20.000.000", 1)
    page.evaluate("() => { const now = Date.now() - 3600 * 1000; Date.now = () => now; }")
    save_offline(page, "25.000.000", 2)
    assert queued_values(page, "keuangan") == ["20.000.000", "25.000.000"]
    ctx.set_offline(False)
    page.wait_for_function("document.body.dataset.antrean === '0'", timeout=15000)
    assert report_of(live_world).keuangan == 25_000_000


def test_two_tabs_send_each_queued_version_once(operator, live_server, live_world):
    """Two Pantau tabs come back online together: one sends the queue, the other waits its turn
    and finds it empty (photos are not uploaded twice over an island connection)."""
    ctx, page = operator
    open_form(page, live_server.url, live_world.a.sub2)
    other = ctx.new_page()
    other.goto(f"{live_server.url}/monitoring/")
    go_offline(ctx, page)
    save_offline(page, "20.000.000", 1)
    save_offline(page, "25.000.000", 2)
    sent = []

    def slow_server(route):
        if route.request.method == "POST":
            sent.append(route.request.post_data_buffer)
            time.sleep(0.3)
        route.continue_()

    ctx.route("**/monitoring/laporan/**", slow_server)
    ctx.set_offline(False)  # both tabs hear "online" and start sending
    page.wait_for_function("document.body.dataset.antrean === '0'", timeout=15000)
    other.evaluate("window.pantauOffline.flush()")
    assert report_of(live_world).keuangan == 25_000_000
    assert len(sent) == 2


def test_a_refused_version_stays_on_the_phone_with_the_reason(operator, live_server, live_world):
    """A 422 never drops a queued report silently: it stays, marked, with the server's reason,
    on every page, until the operator discards it."""
    ctx, page = operator
    open_form(page, live_server.url, live_world.a.sub2)
    go_offline(ctx, page)
    fill(page, "20.000.000", fisik="150")
    page.get_by_role("button", name="Simpan draf").click()
    page.wait_for_function("document.body.dataset.antrean === '1'")
    ctx.set_offline(False)
    page.evaluate("window.pantauOffline.flush()")
    box = page.locator("#antrean-offline")
    box.get_by_text("ditolak server").wait_for()
    assert "Tidak boleh lebih dari 100" in box.inner_text()  # the reason
    assert queue_size(page) == 1 and report_of(live_world) is None
    page.goto(f"{live_server.url}/monitoring/")
    # the list is drawn from the phone's store after the page loads (offline.js render):
    # wait for it, as the operator's eye does, rather than read the box before it is drawn
    page.locator("#antrean-offline").get_by_text("ditolak server").wait_for()
    page.locator("#antrean-offline").get_by_role("button", name="buang").click()
    page.wait_for_function("document.body.dataset.antrean === '0'")
