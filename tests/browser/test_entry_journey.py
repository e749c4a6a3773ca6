"""Issue 9 §2 at a 360 px phone: money typed with cents is shown and re-saved to the cent, the
one primary action submits what the form shows, leaving with unsaved changes asks first, every
error is shown beside its field below the sticky navbar, and a doubtful photo looks doubtful."""

from decimal import Decimal

import pytest

from pantau.audit.models import AuditEvent
from pantau.monitoring.models import PeriodeLaporan, Realisasi
from pantau.monitoring.services import bukti_add, realisasi_save
from pantau.monitoring.tests.photos import jpeg
from tests.browser.support import ARTIFACTS, login, no_horizontal_scroll

pytestmark = pytest.mark.browser

KEUANGAN = "Realisasi keuangan bulan ini (Rp)"
FISIK = "Realisasi fisik kumulatif (%)"


@pytest.fixture
def operator(browser, live_server, live_world, clock):
    clock.set("2026-02-05 10:00")
    ctx = browser.new_context(
        viewport={"width": 360, "height": 800}, is_mobile=True, has_touch=True
    )
    page = ctx.new_page()
    login(page, live_server.url, "operator_opd.a")
    yield page
    ctx.close()


def open_form(page, base, sub):
    page.goto(f"{base}/monitoring/laporan/{sub.pk}/1/")
    page.wait_for_selector("form[data-offline-form]")


def test_money_round_trip_to_the_cent(operator, live_server, live_world):
    base, sub = live_server.url, live_world.a.sub
    open_form(operator, base, sub)
    operator.get_by_label(KEUANGAN).fill("1.250.000,50")
    operator.get_by_label(FISIK).fill("10")
    with operator.expect_navigation():
        operator.get_by_role("button", name="Simpan draf").click()
    operator.wait_for_selector("text=draf tersimpan")
    assert operator.get_by_label(KEUANGAN).input_value() == "1.250.000,50"
    assert Realisasi.objects.get(sub_kegiatan=sub).keuangan == Decimal("1250000.50")
    # saved again exactly as shown: still to the cent
    audit_before = AuditEvent.objects.count()
    with operator.expect_navigation():
        operator.get_by_role("button", name="Simpan draf").click()
    operator.wait_for_selector("text=draf tersimpan")
    assert AuditEvent.objects.count() == audit_before  # nothing changed, nothing written
    assert operator.get_by_label(KEUANGAN).input_value() == "1.250.000,50"
    assert Realisasi.objects.get(sub_kegiatan=sub).keuangan == Decimal("1250000.50")
    assert no_horizontal_scroll(operator)
    ARTIFACTS.mkdir(exist_ok=True)
    operator.screenshot(path=str(ARTIFACTS / "laporan-rupiah-sen.png"), full_page=True)


def test_submit_what_is_on_screen_and_unsaved_changes_warn(operator, live_server, live_world):
    base, world = live_server.url, live_world
    realisasi_save(
        actor=world.a.users["operator_opd"],
        sub_kegiatan=world.a.sub,
        periode=PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=1),
        keuangan=Decimal(40_000_000),
        fisik=Decimal(5),
    )
    open_form(operator, base, world.a.sub)
    # the edits on screen, not yet saved
    operator.get_by_label(KEUANGAN).fill("")
    operator.get_by_label(KEUANGAN).press_sequentially("45.000.000")
    operator.get_by_label(FISIK).fill("7,5")
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    operator.on("dialog", answer)
    operator.get_by_role("link", name="Laporan bulanan").first.click()
    operator.wait_for_timeout(500)
    assert asked == ["beforeunload"] and "/laporan/" in operator.url
    operator.remove_listener("dialog", answer)
    assert operator.get_by_label(KEUANGAN).input_value() == "45.000.000"
    # one primary action: it saves what the form shows, then submits it
    with operator.expect_navigation():
        operator.get_by_role("button", name="Simpan dan ajukan ke kepala OPD").click()
    operator.wait_for_selector("text=tersimpan dan diajukan ke kepala OPD")
    report = Realisasi.objects.get(sub_kegiatan=world.a.sub)
    assert (report.keuangan, report.fisik, report.status) == (
        Decimal(45_000_000),
        Decimal("7.5"),
        "diajukan",
    )
    assert operator.get_by_role("button", name="Ajukan").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    operator.screenshot(path=str(ARTIFACTS / "laporan-diajukan-apa-adanya.png"), full_page=True)


def test_every_error_beside_its_field_below_the_navbar(operator, live_server, live_world):
    base = live_server.url
    open_form(operator, base, live_world.a.sub)
    operator.get_by_label(KEUANGAN).fill("abc")
    operator.get_by_label(FISIK).fill("120")
    operator.get_by_role("button", name="Simpan draf").click()
    operator.wait_for_selector("#keuangan_error")
    assert "bukan angka yang sah" in operator.locator("#keuangan_error").inner_text()
    assert "Tidak boleh lebih dari 100" in operator.locator("#fisik_error").inner_text()
    summary = operator.locator("[data-error-summary]")
    # brought into view (the scroll may be smooth) and not hidden under the sticky navbar
    operator.wait_for_function(
        """() => {
          const box = document.querySelector("[data-error-summary]").getBoundingClientRect();
          const bar = document.querySelector("nav.navbar").getBoundingClientRect();
          return box.top >= bar.bottom - 1 && box.top < window.innerHeight / 2;
        }"""
    )
    assert summary.evaluate("el => el === document.activeElement")
    assert summary.evaluate("el => getComputedStyle(el).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert not Realisasi.objects.exists()
    assert no_horizontal_scroll(operator)
    ARTIFACTS.mkdir(exist_ok=True)
    operator.screenshot(path=str(ARTIFACTS / "laporan-galat.png"))


def test_doubtful_photo_looks_doubtful(browser, live_server, live_world, clock):
    clock.set("2026-02-05 10:00")
    base, world = live_server.url, live_world
    report = realisasi_save(
        actor=world.a.users["operator_opd"],
        sub_kegiatan=world.a.sub,
        periode=PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=1),
        keuangan=Decimal(10_000_000),
        fisik=Decimal(1),
    )
    photo = bukti_add(
        actor=world.a.users["operator_opd"],
        realisasi=report,
        name="tanpa-exif.jpg",
        data=jpeg(taken=None, lat=None, lng=None),
    )
    ctx = browser.new_context(viewport={"width": 360, "height": 800}, is_mobile=True)
    page = ctx.new_page()
    login(page, base, "pimpinan.a")
    page.goto(f"{base}/monitoring/sub-kegiatan/{world.a.sub.pk}/riwayat/")
    card = page.locator(".bukti-ragu").first
    assert "Perlu diperiksa" in card.inner_text()
    assert "Foto tidak memuat waktu pengambilan (EXIF)." in card.inner_text()
    assert no_horizontal_scroll(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "galeri-foto-ragu.png"), full_page=True)
    card.get_by_role("link", name="tanpa-exif.jpg", exact=True).click()
    page.wait_for_url(f"**/monitoring/bukti/{photo.pk}/")
    assert "Waktu pengambilan (EXIF)" in page.content() and "tidak tercatat" in page.content()
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "bukti-fakta.png"), full_page=True)
    ctx.close()
