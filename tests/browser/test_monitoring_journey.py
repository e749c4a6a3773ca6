"""Issue journey at a 360 px phone viewport: an operator reports with a GPS photo, goes offline,
reports again, comes back online and both reports arrive once; the head of the OPD approves one
and returns the other; the Bappeda verifier verifies."""

import pytest

from pantau.monitoring.models import Bukti, Realisasi
from pantau.monitoring.tests.photos import jpeg
from tests.browser.support import (
    ARTIFACTS,
    go_offline,
    login,
    no_horizontal_scroll,
    open_form,
    queue_size,
    queued_values,
)

pytestmark = pytest.mark.browser


def test_operator_offline_then_head_and_verifier(browser, live_server, live_world, clock):
    clock.set("2026-02-05 10:00")
    base, world = live_server.url, live_world
    ctx = browser.new_context(
        viewport={"width": 360, "height": 760}, is_mobile=True, has_touch=True
    )
    page = ctx.new_page()
    login(page, base, "operator_opd.a")
    from pantau.organisations.models import Wilayah
    from pantau.planning.services import sub_kegiatan_update

    kab = Wilayah.objects.create(
        pemda=world.a.pemda, kode="74.07", nama="Kabupaten Uji A", tingkat="kabupaten"
    )
    long_name = Wilayah.objects.create(  # the report form's code line must wrap, not widen
        pemda=world.a.pemda,
        kode="74.07.02",
        nama="Wangi-Wangi Selatan Kepulauan Tukang Besi",
        tingkat="kecamatan",
        induk=kab,
    )
    sub_kegiatan_update(actor=None, sub_kegiatan=world.a.sub, kecamatan=long_name)
    page.goto(f"{base}/monitoring/grid/?bulan=1")  # the grid of many reports fits the phone
    assert "Isi banyak sekaligus" in page.content() and no_horizontal_scroll(page)

    # 1. online: realisation with a photo carrying GPS EXIF, saved and submitted
    page.goto(f"{base}/monitoring/")
    assert "belum diisi" in page.content()
    open_form(page, base, world.a.sub)
    page.get_by_label("Realisasi keuangan bulan ini (Rp)").fill("45.000.000")
    page.get_by_label("Realisasi fisik kumulatif (%)").fill("7,5")
    # a photo the phone failed to save (0 bytes) is refused by name, not dropped in silence
    page.get_by_label("Foto lapangan dan dokumen").set_input_files(
        [
            {"name": "lokasi.jpg", "mimeType": "image/jpeg", "buffer": jpeg()},
            {"name": "kosong.jpg", "mimeType": "image/jpeg", "buffer": b""},
        ]
    )
    page.get_by_role("button", name="Simpan dan ajukan").click()
    page.wait_for_selector("text=Berkas kosong.jpg kosong.")
    assert not Realisasi.objects.exists()
    assert page.get_by_label("Realisasi fisik kumulatif (%)").input_value() == "7,5"
    open_form(page, base, world.a.sub)  # afresh (the refusal's summary says "belum diajukan")
    page.get_by_label("Realisasi keuangan bulan ini (Rp)").fill("45.000.000")
    page.get_by_label("Realisasi fisik kumulatif (%)").fill("7,5")
    page.get_by_label("Foto lapangan dan dokumen").set_input_files(
        [{"name": "lokasi.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}]
    )
    page.get_by_role("button", name="Simpan dan ajukan").click()
    page.wait_for_selector("text=Diajukan")
    assert "-5,311" in page.content()  # GPS read from EXIF on the server (Indonesian decimals)
    assert no_horizontal_scroll(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "laporan-diajukan.png"), full_page=True)

    # 2. offline: the second report is kept on the phone
    open_form(page, base, world.a.sub2)
    go_offline(ctx, page)
    page.get_by_label("Realisasi keuangan bulan ini (Rp)").fill("20.000.000")
    page.get_by_label("Realisasi fisik kumulatif (%)").fill("6")
    page.get_by_label("Foto lapangan dan dokumen").set_input_files(
        [{"name": "gudang.jpg", "mimeType": "image/jpeg", "buffer": jpeg(color=(10, 200, 10))}]
    )
    page.get_by_role("button", name="Simpan dan ajukan").click()
    page.wait_for_selector("text=Antrean luring")
    assert queue_size(page) == 1
    assert Realisasi.objects.filter(sub_kegiatan=world.a.sub2).count() == 0
    page.screenshot(path=str(ARTIFACTS / "antrean-luring.png"), full_page=True)

    # 3. back online: the queue is sent by itself
    page.evaluate("window.pantauOffline.items().then(i => { window.keptCopy = i[0]; })")
    ctx.set_offline(False)
    page.wait_for_function("document.body.dataset.antrean === '0'", timeout=15000)
    assert Realisasi.objects.filter(sub_kegiatan=world.a.sub2).count() == 1

    # 4. a flaky connection delivers the same report again (the phone never heard the answer
    #    and kept its copy): the server recognises the key and applies nothing twice
    page.evaluate("window.pantauOffline.add(window.keptCopy)")
    assert queue_size(page) == 1
    page.evaluate("window.pantauOffline.flush()")  # awaited: the answer is in when it returns
    page.wait_for_function("document.body.dataset.antrean === '0'", timeout=15000)
    reports = Realisasi.objects.filter(sub_kegiatan=world.a.sub2)
    assert reports.count() == 1 and reports.get().status == "diajukan"
    assert Bukti.objects.filter(realisasi__sub_kegiatan=world.a.sub2).count() == 1
    assert Realisasi.objects.count() == 2
    ctx.close()

    # 5. the head of the OPD approves one and returns the other
    ctx = browser.new_context(viewport={"width": 360, "height": 760}, is_mobile=True)
    page = ctx.new_page()
    login(page, base, "kepala_opd.a")
    open_form_readonly = f"{base}/monitoring/laporan/{world.a.sub.pk}/1/"
    page.goto(open_form_readonly)
    page.get_by_role("button", name="Setujui").click()
    page.wait_for_selector("text=Disetujui kepala OPD")
    page.goto(f"{base}/monitoring/laporan/{world.a.sub2.pk}/1/")
    page.get_by_label("Catatan (wajib)").fill("Foto gudang kurang jelas, ulangi.")
    page.get_by_role("button", name="Kembalikan ke operator").click()
    page.wait_for_selector("text=Foto gudang kurang jelas")
    ctx.close()

    # 6. the verifier verifies the approved report
    ctx = browser.new_context(viewport={"width": 360, "height": 760}, is_mobile=True)
    page = ctx.new_page()
    login(page, base, "verifikator.a")
    page.goto(f"{base}/monitoring/laporan/{world.a.sub.pk}/1/")
    page.get_by_role("button", name="Verifikasi").click()
    page.wait_for_selector("text=Diverifikasi")
    page.goto(f"{base}/monitoring/kepatuhan/?bulan=1")
    assert world.a.dinkes.nama in page.content()
    page.screenshot(path=str(ARTIFACTS / "kepatuhan.png"), full_page=True)
    ctx.close()

    statuses = dict(Realisasi.objects.values_list("sub_kegiatan_id", "status"))
    assert statuses == {world.a.sub.pk: "diverifikasi", world.a.sub2.pk: "dikembalikan"}


def test_two_offline_versions_arrive_in_order(browser, live_server, live_world, clock):
    """A report corrected twice while offline: both versions are sent, oldest first, and the
    correction wins; each submission has its own key, so neither is mistaken for the other."""
    from pantau.monitoring.models import KunciPengiriman

    clock.set("2026-02-05 10:00")
    base, world = live_server.url, live_world
    ctx = browser.new_context(viewport={"width": 360, "height": 760}, is_mobile=True)
    page = ctx.new_page()
    login(page, base, "operator_opd.a")
    open_form(page, base, world.a.sub2)
    go_offline(ctx, page)
    for n, amount in enumerate(("20.000.000", "25.000.000"), start=1):
        page.get_by_label("Realisasi keuangan bulan ini (Rp)").fill(amount)
        page.get_by_label("Realisasi fisik kumulatif (%)").fill("6")
        page.get_by_role("button", name="Simpan draf").click()
        page.wait_for_function(f"document.body.dataset.antrean === '{n}'")
    assert queued_values(page, "keuangan") == ["20.000.000", "25.000.000"]
    ctx.set_offline(False)
    page.wait_for_function("document.body.dataset.antrean === '0'", timeout=15000)
    report = Realisasi.objects.get(sub_kegiatan=world.a.sub2)
    assert report.keuangan == 25_000_000 and report.status == "draft"
    assert KunciPengiriman.objects.count() == 2
    ctx.close()
