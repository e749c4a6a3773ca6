"""Issue 12 §2: the strict Content Security Policy breaks nothing. A citizen and several roles
visit the main pages at 360 px (portal, map, dashboard with its charts, report form, the
offline page, the Django admin); any `securitypolicyviolation` event or console CSP error fails
the journey, and so does a page whose scripts did not run (charts, map, progress bars)."""

from __future__ import annotations

import pytest

from conftest import PASSWORD, Catalogue
from tests.browser.support import layout_problems, login, sign_out
from tests.browser.test_citizen_journey import _seed_public_project

pytestmark = pytest.mark.browser

REPORT = """(() => {
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__pantauCsp({url: location.href, directive: e.violatedDirective,
                        blocked: e.blockedURI, sample: e.sample || ""});
  });
})();"""


@pytest.fixture
def csp_phone(browser):
    context = browser.new_context(
        viewport={"width": 360, "height": 760}, is_mobile=True, has_touch=True, bypass_csp=False
    )
    found: list[str] = []
    context.expose_binding(
        "__pantauCsp",
        lambda _src, v: found.append(f"{v['url']}: {v['directive']} {v['blocked']} {v['sample']}"),
    )
    context.add_init_script(REPORT)
    page = context.new_page()
    page.on(
        "console",
        lambda m: (
            found.append(f"console: {m.text}")
            if "Content Security Policy" in m.text or "Refused to" in m.text
            else None
        ),
    )
    yield page, found
    context.close()


def _visit(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status < 400, (url, response and response.status)
    assert "script-src 'self'" in (response.headers.get("content-security-policy") or "")
    page.wait_for_load_state("networkidle")


def test_main_pages_run_under_the_strict_policy(
    csp_phone, live_server, live_world, clock, settings
):
    settings.OPENDATA_DEFAULT_PEMDA = "74.07"
    catalogue = Catalogue(live_world)
    _seed_public_project(live_world, clock)
    page, found = csp_phone
    base = live_server.url
    a = live_world.a

    # an anonymous citizen: portal, activities with the map, datasets, one dataset
    for path in (
        "/publik/",
        "/publik/kegiatan/",
        "/dataset/",
        f"/dataset/{catalogue.public[0].nama}/",
    ):
        _visit(page, base + path)
    _visit(page, base + "/publik/kegiatan/")
    page.wait_for_selector(
        "#peta-publik.leaflet-container", state="attached", timeout=10_000
    )  # the map script ran
    widths = page.eval_on_selector_all(
        ".progress-bar[data-lebar]", "els => els.map(e => e.style.width)"
    )
    assert widths and all(w.endswith("%") for w in widths), widths  # gaya.js set them
    _visit(page, base + "/masuk/")

    # an operator: home, monthly list, report form, the offline page
    login(page, base, a.users["operator_opd"].username)
    for path in (
        "/",
        "/monitoring/",
        f"/monitoring/laporan/{a.sub.pk}/1/",
        "/luring/",
        "/akun/profil/",
    ):
        _visit(page, base + path)
    sign_out(page, base)

    # the leadership: dashboard with charts and map; the filter applies itself when chosen
    login(page, base, a.users["pimpinan"].username)
    _visit(page, base + "/dasbor/")
    for chart in ("#grafik-kurva", "#grafik-distribusi", "#peta"):  # drawn when near the screen
        page.locator(chart).scroll_into_view_if_needed()
        page.wait_for_selector(f"{chart} svg, {chart}.leaflet-container", state="attached")
    page.locator("#grafik-kurva svg").first.hover()  # a tooltip (richText: no HTML styles)
    page.wait_for_timeout(300)
    page.evaluate("window.scrollTo(0, 0)")
    with page.expect_navigation():
        page.select_option("#periode", index=1)
    sign_out(page, base)

    # the pemda admin: people and OPDs
    login(page, base, a.users["admin"].username)
    _visit(page, base + "/kelola/")
    sign_out(page, base)

    problems = layout_problems()  # our pages at 360 px; the Django admin below is not ours
    assert not problems, "\n".join(problems)

    # the Django admin (reference data) under the same policy: its pages, a list, a form
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("akar", "akar@example.org", PASSWORD)
    login(page, base, "akar")
    for path in ("/admin/", "/admin/auth/user/", "/admin/auth/user/add/", "/admin/auth/group/add/"):
        _visit(page, base + path)

    layout_problems()  # Django's admin has its own (desktop) layout: not judged here
    assert not found, "CSP violations:\n" + "\n".join(found)
