"""Issue 12 §1 on a 360 px phone (decision 0026): five wrong passwords lock the name on that
device, the right one then gets the lockout page, the pemda admin lifts the lock from the
account page, and the person ends the session left open on another device from `/akun/sesi/`."""

from __future__ import annotations

import pytest

from tests.browser.support import login

pytestmark = pytest.mark.browser


def _phone(browser, ua):
    context = browser.new_context(
        viewport={"width": 360, "height": 760}, is_mobile=True, has_touch=True, user_agent=ua
    )
    return context, context.new_page()


def _try(page, base, username, password):
    page.goto(f"{base}/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Masuk").click()


def test_lockout_unlock_and_ending_another_session(browser, live_world, live_server):
    base = live_server.url
    a = live_world.a
    person = a.users["operator_opd"]
    tablet_ctx, tablet = _phone(browser, "Mozilla/5.0 (Linux; Android 14) Firefox/133.0")
    phone_ctx, phone = _phone(browser, "Mozilla/5.0 (Linux; Android 14) Chrome/130.0 Mobile")
    admin_ctx, admin = _phone(browser, "Mozilla/5.0 (Linux; Android 14) Chrome/130.0 Mobile")
    try:
        login(tablet, base, person.username)  # left open on a tablet
        for _i in range(5):
            _try(phone, base, person.username, "salah-sekali-2026")
        _try(phone, base, person.username, "uji-rahasia-2026")  # the right one: still locked
        said = phone.locator("#pesan-terkunci").inner_text()
        assert "Terlalu banyak percobaan masuk" in said and "admin pemda" in said
        assert phone.url == f"{base}/masuk/"

        login(admin, base, a.users["admin"].username)
        admin.goto(f"{base}/kelola/akun/{person.pk}/?pemda={a.pemda.pk}")
        assert "Masuk dikunci" in admin.locator("#akun-terkunci").inner_text()
        with admin.expect_navigation():
            admin.get_by_role("button", name="Buka kunci masuk").click()
        assert "dibuka" in admin.locator("main").inner_text()

        login(phone, base, person.username)
        phone.goto(f"{base}/akun/sesi/")
        sessions = phone.locator("#daftar-sesi")
        assert "sesi ini" in sessions.inner_text() and "Firefox, Android" in sessions.inner_text()
        with phone.expect_navigation():
            phone.get_by_role("button", name="Akhiri", exact=True).click()
        assert "Sesi diakhiri." in phone.locator("main").inner_text()
        assert "Firefox" not in phone.locator("#daftar-sesi").inner_text()

        tablet.goto(f"{base}/akun/profil/")
        assert tablet.url.startswith(f"{base}/masuk/")
    finally:
        for ctx in (tablet_ctx, phone_ctx, admin_ctx):
            ctx.close()
