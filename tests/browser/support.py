"""Helpers shared by the browser journeys.

Every browser context the journeys open is watched (`watch`): each page, when it has loaded and
after every htmx swap, checks itself at the phone's width and reports to the test:

- **no sideways scrolling**: `document.documentElement.scrollWidth` is at most the layout
  viewport's width (`clientWidth`, 360; `innerWidth` grows when a phone zooms out of a page that
  is too wide); the elements that stick out are named;
- **touch targets** (WCAG 2.5.5): every visible link, button, form control and summary is at
  least 44 x 44 CSS px, counting a checkbox's or radio's label as its target. Exceptions
  (WCAG 2.5.8): a link inside running text (an inline link whose block holds other text), and
  elements that are not shown (zero size, `visibility: hidden`, the skip link until focused).
  A Bootstrap `stretched-link` is measured by the box it stretches over.

The test fails at its end (fixture `_layout_checked` in conftest.py) with every problem found,
page by page. `LAYOUT_CHECK` is the same check as a function, for tests that call it directly.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.sync_api import expect

from conftest import PASSWORD, needs_second_factor, second_factor_device, totp_code

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DOC_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "img"

LAYOUT_CHECK = (Path(__file__).with_name("layout_check.js")).read_text()

_WATCH = (
    """
(() => {
  const check = CHECK;
  const report = () => {
    const problems = check();
    if (problems.length) window.__pantauLayout({url: location.href, problems});
  };
  const later = () => requestAnimationFrame(() => requestAnimationFrame(report));
  window.addEventListener("load", later);
  document.addEventListener("htmx:afterSettle", later);
  document.addEventListener("pantau:drawn", later);
})();
"""
).replace("CHECK", LAYOUT_CHECK.strip())

_watched: list[dict] = []


def watch(context):
    """Check every page this browser context opens (see the module's docstring)."""

    def record(_source, found):
        _watched.append(found)

    context.expose_binding("__pantauLayout", record)
    context.add_init_script(_WATCH)
    return context


def layout_problems() -> list[str]:
    """The problems reported since the last call, one line per page (and forget them)."""
    out = [f"{found['url']}: " + "; ".join(found["problems"]) for found in _watched]
    _watched.clear()
    return out


def login(page, base, username, password=PASSWORD):
    """Signs in through the form; a person whose role requires a second factor (or who has
    one) gets the test app when they have none and types its code at /masuk/verifikasi/."""
    device = _second_factor(username)
    page.goto(f"{base}/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    if device is not None:
        page.wait_for_url(f"{base}/masuk/verifikasi/**")
        enter_code(page, totp_code(device))
    page.wait_for_url(f"{base}/")


def _second_factor(username):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        return None
    return second_factor_device(user, create=needs_second_factor(user))


def enter_code(page, code):
    """The second step of signing in: the code, then Verifikasi."""
    page.fill("#id_kode", code)
    page.get_by_role("button", name="Verifikasi", exact=True).click()


def sign_in_first_time(page, base, username, temporary, new_password):
    """A new account's first sign-in: the temporary password an admin handed over, then the
    forced change to the person's own (every other page leads to the change until then)."""
    page.goto(f"{base}/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(temporary)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}/akun/sandi/")
    page.fill("#id_old_password", temporary)
    page.fill("#id_new_password1", new_password)
    page.fill("#id_new_password2", new_password)
    with page.expect_navigation():
        page.get_by_role("button", name="Ganti kata sandi").click()
    said = page.locator("main").inner_text()
    assert "Kata sandi diganti." in said, page.url
    assert "Ganti kata sandi sementara" not in said  # no stale warning beside it


def doc_shot(page, name):
    """A phone-size picture for the user guide (docs/img/memulai-<name>.png), taken only when
    PANTAU_SCREENSHOTS=1, so that an ordinary test run never rewrites the docs."""
    if os.environ.get("PANTAU_SCREENSHOTS") == "1":
        page.screenshot(path=str(DOC_IMAGES / f"memulai-{name}.png"), full_page=True)


def open_menu(page):
    """Open the phone menu and wait until Bootstrap's collapse has finished: a click during the
    animation can land on a moving (or still clipped) item and miss it (stop 21's CI: Keluar
    clicked offline while the menu was opening, and no submission happened at all)."""
    page.get_by_role("button", name="Buka menu").click()
    # (an `expect`, not wait_for_function: Playwright evaluates that one with eval, which the
    # Content Security Policy refuses on pages opened without bypass_csp)
    expect(page.locator("#nav")).to_have_class(re.compile(r"\bshow\b"))
    expect(page.locator("#nav")).not_to_have_class(re.compile(r"\bcollapsing\b"))


def sign_out(page, base):
    """Keluar from the menu, online, once the menu is open (`open_menu`), waiting for the
    navigation around the click; if it fails, say where the browser ended up, for the CI log."""
    open_menu(page)
    keluar = page.get_by_role("button", name="Keluar")
    keluar.wait_for(state="visible")
    try:
        with page.expect_navigation(url=f"{base}/masuk/", timeout=60_000):
            keluar.click()
    except Exception as exc:
        where = page.url
        text = page.locator("body").inner_text()[:500]
        raise AssertionError(f"sign-out did not reach /masuk/: at {where}: {text}") from exc


def no_horizontal_scroll(page):
    # clientWidth: the layout viewport; innerWidth grows when a mobile browser zooms out
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def open_form(page, base, sub, bulan=1):
    """The phone form of a sub kegiatan's monthly report."""
    page.goto(f"{base}/monitoring/laporan/{sub.pk}/{bulan}/")
    page.wait_for_selector("form[data-offline-form]")


def queue_size(page):
    return page.evaluate("window.pantauOffline.items().then(i => i.length)")  # evaluate awaits


def queued_values(page, name):
    """One field's value in each queued report, oldest first (the order they are sent in)."""
    return page.evaluate(
        "name => window.pantauOffline.items().then(items => items.map("
        "i => (i.entries.find(e => e[0] === name) || [])[1]))",
        name,
    )


def go_offline(ctx, page) -> None:
    """Cut the connection and wait until the page knows it: Chromium flips `navigator.onLine`
    (which offline.js reads) a moment after the network is cut, and a click in that moment
    submitted the form to the network instead (stop 21's CI: the sign-out form reached Chrome's
    error page instead of the "needs a connection" note)."""
    ctx.set_offline(True)
    page.wait_for_function("!navigator.onLine")
