"""Two-factor sign-in at 360 px (issue 12 §1, decision 0027): an admin, whose role requires a
second factor, enrols an authenticator app at first sign-in, keeps the recovery codes, signs
out, and signs in again with the app's code; a recovery code signs in once."""

import os
import re
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD, totp_code
from tests.browser.support import ARTIFACTS, enter_code, no_horizontal_scroll, sign_out

pytestmark = pytest.mark.browser


def _shot(page, name):
    if os.environ.get("PANTAU_SCREENSHOTS") == "1":
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"totp-{name}.png"), full_page=True)


def _password(page, base, username):
    page.goto(f"{base}/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def test_admin_enrols_signs_out_and_signs_in_with_the_code(phone, live_server, live_world):
    base = live_server.url
    admin = live_world.a.users["admin"]
    _password(phone, base, admin.username)
    # the role requires a second factor: every page leads to enrolment first
    phone.wait_for_url(f"{base}/akun/2fa/**")
    assert "mewajibkan verifikasi dua langkah" in phone.locator("main").inner_text()
    _shot(phone, "1-wajib")
    phone.get_by_role("button", name="Mulai aktifkan").click()
    phone.wait_for_selector("img.faktor-qr")
    # the QR image loads from its own URL (a strict CSP allows no inline data)
    phone.wait_for_function("document.querySelector('img.faktor-qr').naturalWidth > 100")
    key = phone.locator("code.faktor-kunci").inner_text().replace(" ", "")
    assert no_horizontal_scroll(phone)
    _shot(phone, "2-pindai")
    # the phone's app: the key typed in, its current code (django-otp's TOTP)
    code = f"{TOTP(b32decode(key)).token():06d}"
    phone.get_by_label("Kode 6 angka dari aplikasi").fill(code)
    phone.get_by_role("button", name="Aktifkan").click()
    phone.wait_for_url(f"{base}/akun/2fa/pemulihan/**")
    codes = re.findall(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", phone.locator("main").inner_text())
    assert len(set(codes)) == 10
    assert "Verifikasi dua langkah aktif." in phone.locator("main").inner_text()
    assert no_horizontal_scroll(phone)
    _shot(phone, "3-kode-pemulihan")
    phone.get_by_role("button", name="Saya sudah menyimpan kode ini").click()
    phone.wait_for_url(f"{base}/")
    device = TOTPDevice.objects.get(user=admin, confirmed=True)
    sign_out(phone, base)

    # the next sign-in: password, then the app's code
    _password(phone, base, admin.username)
    phone.wait_for_url(f"{base}/masuk/verifikasi/**")
    phone.goto(f"{base}/kelola/akun/")  # nothing before the code
    phone.wait_for_url(f"{base}/masuk/verifikasi/**")
    _shot(phone, "4-verifikasi")
    enter_code(phone, "000000" if totp_code(device) != "000000" else "111111")
    phone.wait_for_selector("text=Kode salah")
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    enter_code(phone, totp_code(device))
    phone.wait_for_url(f"{base}/kelola/akun/")
    assert no_horizontal_scroll(phone)
    sign_out(phone, base)

    # a lost phone: a recovery code signs in once
    _password(phone, base, admin.username)
    phone.wait_for_url(f"{base}/masuk/verifikasi/**")
    phone.locator("summary").filter(has_text="Ponsel hilang").click()
    enter_code(phone, codes[0])
    phone.wait_for_url(f"{base}/")
    phone.wait_for_selector("text=Anda masuk dengan kode pemulihan; tersisa 9")
    _shot(phone, "5-pemulihan-dipakai")
    sign_out(phone, base)
    _password(phone, base, admin.username)
    phone.wait_for_url(f"{base}/masuk/verifikasi/**")
    enter_code(phone, codes[0])
    phone.wait_for_selector("text=sudah dipakai")
