"""The archive on a 360 px phone (issue 14 §5, "Done when"): the head of the OPD builds the
month's Form B, signs it (it becomes final); a new verified monthly report then changes the
data, Bappeda sees the difference against the signed version, and the head of the OPD issues
version 2, which waits for its signature while version 1 stays in the archive."""

from decimal import Decimal

import pytest

from conftest import verified
from pantau.organisations.services_kelola import profil_update
from tests.browser.support import login, no_horizontal_scroll, sign_out

pytestmark = pytest.mark.browser

JT = Decimal(1_000_000)


def test_sign_then_difference_then_new_version(phone, live_server, live_world, clock):
    clock.set("2026-02-05 10:00")
    a = live_world.a
    verified(a, a.sub, 1, 100 * JT, 20)
    kepala = a.users["kepala_opd"]
    profil_update(
        actor=kepala, user=kepala, first_name="Siti", last_name="Rahma", nip="197501012000031001"
    )
    base = live_server.url

    login(phone, base, "kepala_opd.a")
    phone.goto(f"{base}/laporan-resmi/opd/{a.dinkes.pk}/2026/form-b/?bulan=1")
    phone.get_by_role("button", name="Buat PDF").click()
    phone.wait_for_url(f"{base}/laporan-resmi/arsip/**")
    assert "Menunggu tanda tangan: Mengetahui" in phone.locator("main").inner_text()
    phone.get_by_label("Tempat").fill("Wangi-Wangi")
    phone.get_by_role("button", name="Tanda tangani").click()
    phone.wait_for_selector('[data-tahap="final"]')
    main = phone.locator("main").inner_text()
    assert "Laporan ditandatangani." in main and "Siti Rahma" in main
    assert "Wangi-Wangi, 5 Februari 2026" in main
    assert no_horizontal_scroll(phone)
    signed_url = phone.url
    sign_out(phone, base)

    # sub B (pagu Rp 300 jt) gets a verified January report: Rp 30 jt, fisik 10 %
    verified(a, a.sub2, 1, 30 * JT, 10)
    login(phone, base, "verifikator.a")
    phone.goto(signed_url)
    phone.get_by_role("link", name="Perbedaan dengan data sekarang").click()
    phone.wait_for_selector("[data-beda]")
    changed = phone.locator(f'[data-diubah^="{a.sub2.kode}"]')
    assert "30.000.000" in changed.inner_text()  # Rp 30 jt, new in the realisation column
    assert no_horizontal_scroll(phone)
    sign_out(phone, base)

    login(phone, base, "kepala_opd.a")
    phone.goto(signed_url)
    phone.get_by_role("button", name="Terbitkan versi baru").click()
    phone.wait_for_selector("text=Versi laporan ini")
    main = phone.locator("main").inner_text()
    assert "versi 2" in main and "Menunggu tanda tangan: Mengetahui" in main
    assert phone.url != signed_url
    phone.get_by_role("link", name="Versi 1").click()
    assert "digantikan oleh" in phone.locator("main").inner_text()
