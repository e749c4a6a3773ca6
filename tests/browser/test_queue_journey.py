"""Issue 11 §6 at a 360 px phone viewport: the head of OPD sees how many reports wait, works
through the approval queue with "next", and the Bappeda verifier filters the verification queue
and verifies two reports in one go, one of which changed after the list was shown."""

from decimal import Decimal

import pytest

from pantau.monitoring.models import PeriodeLaporan, Realisasi
from pantau.monitoring.services import realisasi_save, realisasi_transition
from tests.browser.support import ARTIFACTS, login, no_horizontal_scroll, sign_out

pytestmark = pytest.mark.browser


def _submitted(world, sub, keuangan):
    a = world.a
    r = realisasi_save(
        actor=a.users["operator_opd"],
        sub_kegiatan=sub,
        periode=PeriodeLaporan.objects.get(tahun_anggaran=a.ta, bulan=1),
        keuangan=Decimal(keuangan),
        fisik=Decimal(5),
    )
    return realisasi_transition(actor=a.users["operator_opd"], realisasi=r, name="submit")


def test_head_then_verifier_bulk_verify(phone, live_server, live_world, clock):
    clock.set("2026-02-05 10:00")
    base, world, page = live_server.url, live_world, phone
    first = _submitted(world, world.a.sub, 30_000_000)
    clock.set("2026-02-05 11:00")
    second = _submitted(world, world.a.sub2, 15_000_000)

    # the head: the count on the home page, the queue, approve with "next"
    login(page, base, "kepala_opd.a")
    assert "2 laporan menunggu persetujuan" in page.content()
    page.get_by_role("link", name="Buka antrian").click()
    page.wait_for_selector(f'[data-laporan="{first.pk}"]')
    assert no_horizontal_scroll(page)
    page.locator(f'[data-laporan="{first.pk}"] a').click()
    page.get_by_role("button", name="Setujui").click()
    page.wait_for_selector("h1:has-text('Pembangunan Puskesmas')")  # the next one, by itself
    page.get_by_role("button", name="Setujui").click()
    page.wait_for_selector("text=Tidak ada lagi laporan yang menunggu")
    assert Realisasi.objects.filter(status="disetujui").count() == 2
    sign_out(page, base)

    # the verifier: the queue across OPDs, a search, then bulk verify
    login(page, base, "verifikator.a")
    page.goto(f"{base}/monitoring/antrian/verifikasi/")
    page.get_by_label("Cari kode, nama, atau OPD").fill("Puskesmas")
    page.get_by_role("button", name="Terapkan").click()
    page.wait_for_selector("[data-jumlah]:has-text('1 laporan')")
    page.goto(f"{base}/monitoring/antrian/verifikasi/")
    page.wait_for_selector("[data-jumlah]:has-text('2 laporan')")
    assert no_horizontal_scroll(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "antrian-verifikasi.png"), full_page=True)
    page.get_by_label("Pilih 1.02.02.2.01.0001 · Januari 2026").check()
    page.get_by_label("Pilih 1.02.02.2.01.0002 · Januari 2026").check()
    # meanwhile the second one is returned and approved again: it moved since the list
    clock.set("2026-02-05 12:00")
    a = world.a
    realisasi_transition(
        actor=a.users["verifikator"], realisasi=second, name="return_bappeda", catatan="x"
    )
    again = _submitted(world, world.a.sub2, 15_000_000)
    realisasi_transition(actor=a.users["kepala_opd"], realisasi=again, name="approve")
    page.get_by_role("button", name="Verifikasi yang dipilih").click()
    page.wait_for_selector("text=1 diverifikasi, 1 tidak diverifikasi")
    assert page.locator(f'[data-hasil="{first.pk}"][data-ok="1"]').count() == 1
    assert page.locator(f'[data-hasil="{second.pk}"][data-ok="0"]').count() == 1
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "antrian-verifikasi-hasil.png"), full_page=True)
    assert Realisasi.objects.get(pk=first.pk).status == "diverifikasi"
    assert Realisasi.objects.get(pk=second.pk).status == "disetujui"
