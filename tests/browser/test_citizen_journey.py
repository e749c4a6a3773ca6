"""Issue 5: a citizen on a 360 px phone finds a project in their kecamatan, sees its progress
and photos, downloads a dataset; axe-core reports no serious or critical violation."""

from decimal import Decimal
from pathlib import Path

import pytest

from conftest import Catalogue, classify, verify_report
from tests.browser.support import ARTIFACTS, no_horizontal_scroll

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def _seed_public_project(world, clock):
    from pantau.monitoring.models import PeriodeLaporan
    from pantau.monitoring.services import bukti_add, realisasi_save
    from pantau.monitoring.tests.photos import jpeg
    from pantau.organisations.models import Wilayah
    from pantau.planning.services import sub_kegiatan_update

    clock.set("2026-07-05T10:00")
    a = world.a
    kab = Wilayah.objects.create(
        pemda=a.pemda, kode="74.07", nama="Kabupaten Uji A", tingkat="kabupaten"
    )
    kec = Wilayah.objects.create(
        pemda=a.pemda, kode="74.07.05", nama="Tomia", tingkat="kecamatan", induk=kab
    )
    Wilayah.objects.create(
        pemda=a.pemda, kode="74.07.01", nama="Wangi-Wangi", tingkat="kecamatan", induk=kab
    )
    sub_kegiatan_update(
        actor=None,
        sub_kegiatan=a.sub,
        kecamatan=kec,
        latitude=Decimal("-5.77"),
        longitude=Decimal("123.92"),
    )
    operator = a.users["operator_opd"]
    report = realisasi_save(
        actor=operator,
        sub_kegiatan=a.sub,
        periode=PeriodeLaporan.objects.get(tahun_anggaran=a.ta, bulan=6),
        keuangan=Decimal(150_000_000),
        fisik=Decimal(40),
        penjelasan="Sesuai kontrak.",
    )
    photo = bukti_add(
        actor=operator, realisasi=report, name="rs.jpg", data=jpeg(lat=-5.77, lng=123.92)
    )
    verify_report(a, report)
    classify(a, a.sub, "publik")
    classify(a, photo, "publik")


def _axe(page, name):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa']})"
    )
    bad = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{name}: {bad}"


def test_citizen_finds_a_project_and_downloads_a_dataset(phone, live_server, live_world, clock):
    Catalogue(live_world)
    _seed_public_project(live_world, clock)
    page, base = phone, live_server.url
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(f"{base}/")  # a visitor lands on the portal, not on a sign-in form
    assert page.url.endswith("/publik/")
    assert page.get_by_role("heading", name="Pembangunan Kabupaten Uji A").is_visible()
    assert no_horizontal_scroll(page)
    _axe(page, "beranda")
    page.screenshot(path=str(ARTIFACTS / "publik-beranda.png"), full_page=True)

    page.get_by_role("link", name="Kegiatan", exact=True).first.click()
    page.get_by_label("Kecamatan").select_option(label="Tomia")
    page.get_by_role("button", name="Tampilkan").click()
    page.wait_for_load_state()
    assert "1 kegiatan" in page.content()
    assert no_horizontal_scroll(page)
    _axe(page, "kegiatan")
    page.screenshot(path=str(ARTIFACTS / "publik-kegiatan.png"), full_page=True)
    page.get_by_role("link", name="Pembangunan Rumah Sakit").first.click()
    page.wait_for_load_state()
    assert "40,0%" in page.content()  # verified physical progress
    image = page.get_by_role("img", name="Foto Pembangunan Rumah Sakit, laporan Juni 2026")
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    assert image.is_visible()
    assert no_horizontal_scroll(page)
    _axe(page, "kegiatan-detail")
    page.screenshot(path=str(ARTIFACTS / "publik-kegiatan-detail.png"), full_page=True)

    page.get_by_role("link", name="Dataset", exact=True).first.click()
    page.get_by_label("Cari dataset").fill("puskesmas")
    page.get_by_role("button", name="Cari").click()
    page.get_by_role("link", name="Jumlah Puskesmas per Kecamatan 2025").click()
    page.wait_for_load_state()
    assert no_horizontal_scroll(page)
    _axe(page, "dataset")
    page.screenshot(path=str(ARTIFACTS / "publik-dataset.png"), full_page=True)
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV", exact=True).click()
    target = ARTIFACTS / "puskesmas.csv"
    info.value.save_as(str(target))
    assert target.read_text().splitlines() == [
        "kecamatan,jumlah",
        "Wangi-Wangi,3",
        "Kaledupa,2",
        "Tomia,2",
    ]
