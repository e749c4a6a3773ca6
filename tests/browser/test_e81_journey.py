"""Formulir E.81 on a 360 px phone (issue 14 "Done when"): the head of the OPD drafts the
quarter's E.81, edits a factor and signs it ("Disusun"); Bappeda's verifier evaluates and signs
("Dievaluasi"), the report is final; a later change of its data (a Renstra target) shows as a
difference against the signed version."""

import pytest

from pantau.organisations.services_kelola import profil_update
from pantau.planning.services_renstra import renstra_indikator_set
from pantau.reports.tests.worlds import e81
from tests.browser.support import login, no_horizontal_scroll, sign_out

pytestmark = pytest.mark.browser


def _person(user, first, last, nip):
    profil_update(actor=user, user=user, first_name=first, last_name=last, nip=nip)


def test_e81_drafted_edited_signed_evaluated_then_a_difference(
    phone, live_server, live_world, clock
):
    clock.set("2026-07-08 09:00")
    a = e81(live_world)
    _person(a.users["kepala_opd"], "Wa Ode", "Sitti", "197501012000032001")
    _person(a.users["verifikator"], "La Ode", "Amir", "196801011990031002")
    base = live_server.url
    e81_url = f"{base}/laporan-resmi/opd/{a.dinkes.pk}/2026/e81/?triwulan=2"

    # the head of the OPD reads the draft, writes the driving factor in the OPD's own words
    login(phone, base, "kepala_opd.a")
    phone.goto(e81_url)
    main = phone.locator("main").inner_text()
    assert "Draf dari catatan realisasi" in main and "Cuaca buruk" in main
    assert no_horizontal_scroll(phone)
    phone.get_by_role("link", name="Sunting faktor pendorong").click()
    phone.get_by_label("Faktor pendorong keberhasilan pencapaian").fill(
        "Puskesmas keliling menjangkau pulau-pulau kecil."
    )
    phone.get_by_role("button", name="Simpan").click()
    phone.wait_for_url(f"{base}/laporan-resmi/opd/**")
    assert "Puskesmas keliling menjangkau pulau-pulau kecil." in phone.locator("main").inner_text()

    # builds the PDF and signs it: the evaluation by Bappeda is what it waits for next
    phone.get_by_role("button", name="Buat PDF").click()
    phone.wait_for_url(f"{base}/laporan-resmi/arsip/**")
    assert "Menunggu tanda tangan: Disusun oleh" in phone.locator("main").inner_text()
    phone.get_by_label("Tempat").fill("Wangi-Wangi")
    phone.get_by_role("button", name="Tanda tangani").click()
    phone.wait_for_selector("text=Laporan ditandatangani.")
    main = phone.locator("main").inner_text()
    assert "Wa Ode Sitti" in main and "Menunggu tanda tangan: Dievaluasi oleh" in main
    assert no_horizontal_scroll(phone)
    signed_url = phone.url
    sign_out(phone, base)

    # Bappeda evaluates and signs: final
    login(phone, base, "verifikator.a")
    phone.goto(signed_url)
    phone.get_by_label("Tempat").fill("Wangi-Wangi")
    phone.get_by_role("button", name="Tanda tangani").click()
    phone.wait_for_selector('[data-tahap="final"]')
    main = phone.locator("main").inner_text()
    assert "La Ode Amir" in main and "Wangi-Wangi, 8 Juli 2026" in main
    assert no_horizontal_scroll(phone)

    # the Renstra target of "Cakupan layanan kesehatan dasar" is raised from 95 to 100 later
    renstra_indikator_set(actor=None, indikator=a.i3, target_k="100", target_rp="3000000000")
    phone.goto(signed_url)
    phone.get_by_role("link", name="Perbedaan dengan data sekarang").click()
    phone.wait_for_selector("[data-beda]")
    assert phone.locator("[data-beda]").get_attribute("data-beda") == "1"  # one row changed
    changed = phone.locator('[data-diubah*="Cakupan layanan kesehatan dasar"]').inner_text()
    assert "95" in changed and "100" in changed  # column 5 (target Renstra, K): 95 → 100
    assert no_horizontal_scroll(phone)
