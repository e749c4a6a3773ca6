"""Issue 11 "Done when" at a 360 px phone: from an empty install to a first verified report.

The server's operator reads the one-time code (`pantau pasang_kode`), the first-run screen
installs Wakatobi with its bundled wilayah and nomenclature, the first admin creates two OPDs and
their people (an operator and a head each, and one Bappeda verifikator), each of whom signs in
with the temporary password and chooses their own. The operator of the first OPD downloads the
plan template, fills it the way a person does in Excel (Indonesian number text), uploads it,
reads the dry run, imports it, and edits one sub kegiatan on screen; the head submits the plan,
Bappeda validates and locks it as the DPA; the operator reports January with a photo, the head
approves it from the approval queue and the verifikator verifies it from the verification queue.
The figures then show on the OPD page and the dashboard.

With PANTAU_SCREENSHOTS=1 the pictures of the user guide's "Memulai" chapter are taken on the
way (docs/img/memulai-*.png)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from pantau.monitoring.tests.photos import jpeg
from tests.browser.support import doc_shot, login, sign_in_first_time, sign_out

pytestmark = pytest.mark.browser

ADMIN, ADMIN_SANDI = "sari.kominfo", "Wakatobi-Pasang-2026"
OPD1 = {
    "kode": "1.02.0.00.0.00.01.0000",
    "nama": "Dinas Kesehatan",
    "singkatan": "Dinkes",
    "bidang": "1.02",
}
OPD2 = {
    "kode": "1.01.0.00.0.00.01.0000",
    "nama": "Dinas Pendidikan dan Kebudayaan",
    "singkatan": "Dikbud",
    "bidang": "1.01",
}
PEOPLE = [  # username, first name, role, OPD
    ("rina.dinkes", "Rina", "operator_opd", OPD1),
    ("hasan.dinkes", "Hasan", "kepala_opd", OPD1),
    ("yusuf.dikbud", "Yusuf", "operator_opd", OPD2),
    ("ani.dikbud", "Ani", "kepala_opd", OPD2),
    ("laode.bappeda", "La Ode", "verifikator", None),
]
PROGRAM, KEGIATAN = "1.02.02", "1.02.02.2.01"
SUB_A, SUB_B = "1.02.02.2.01.0002", "1.02.02.2.01.0006"  # Pembangunan / Pengembangan Puskesmas


def _own(username):
    """The password each person chooses (unlike their name, as Django's validators want)."""
    return f"Terumbu-Karang-{sorted(p[0] for p in PEOPLE).index(username)}-Hoga"


def _install(page, base):
    """The server's operator runs `pantau pasang_kode`; the first-run screen does the rest."""
    out, err = io.StringIO(), io.StringIO()
    call_command("pasang_kode", stdout=out, stderr=err)
    code = out.getvalue().strip()
    page.goto(f"{base}/")
    page.wait_for_url(f"{base}/pasang/")
    page.fill("#id_kode", code)
    page.fill("#id_tahun", "2026")
    page.fill("#id_admin_first_name", "Wa Ode")
    page.fill("#id_admin_last_name", "Sari")
    page.fill("#id_admin_jabatan", "Pranata Komputer Diskominfo")
    page.fill("#id_admin_username", ADMIN)
    page.fill("#id_admin_password", ADMIN_SANDI)
    page.fill("#id_admin_password2", ADMIN_SANDI)
    doc_shot(page, "pasang")
    page.get_by_role("button", name="Pasang").click()
    page.wait_for_url(f"{base}/masuk/", timeout=120_000)
    page.wait_for_selector("text=terpasang")


def _opd_create(page, base, opd):
    page.goto(f"{base}/kelola/opd/baru/")
    page.fill("#id_kode", opd["kode"])
    page.fill("#id_nama", opd["nama"])
    page.fill("#id_singkatan", opd["singkatan"])
    page.select_option("#id_jenis", "dinas")
    page.fill("#id_bidang_urusan", opd["bidang"])
    if opd is OPD1:
        doc_shot(page, "opd-baru")
    page.get_by_role("button", name="Tambah OPD").click()
    page.wait_for_selector(f"text=OPD {opd['nama']} ditambahkan.")


def _account_create(page, base, username, first, role, opd) -> str:
    page.goto(f"{base}/kelola/akun/baru/")
    page.fill("#id_username", username)
    page.fill("#id_first_name", first)
    page.select_option("#id_role", role)
    if opd is not None:
        page.select_option("#id_opd", label=opd["nama"])
    page.get_by_role("button", name="Buat akun").click()
    temporary = page.locator("[data-sandi-sementara]").inner_text().strip()
    if username == PEOPLE[0][0]:
        doc_shot(page, "akun-dibuat")
    return temporary


def _fill_template(path):
    """What a person types in Excel: codes from the drop-downs, Indonesian number text."""
    book = load_workbook(path)
    kode = OPD1["kode"]
    book["Program"].append([kode, PROGRAM])
    book["Kegiatan"].append([kode, KEGIATAN])
    sub = book["Sub Kegiatan"]
    sub.append([kode, SUB_A, None, "150.000.000", None, "DAU"])
    sub.append([kode, SUB_B, None, "15.000.000", None, "PAD"])
    book["Indikator"].append(
        [kode, "Sub Kegiatan", SUB_A, "Puskesmas yang dibangun", "unit", 4, "1", "0", "0", "0", "1"]
    )
    fisik = ["2", "4", "5", "10", "20", "35", "50", "65", "80", "90", "95", "100"]
    rencana = book["Rencana Bulanan"]
    rencana.append([kode, SUB_A, "murni", *["12.500.000"] * 12, *fisik])
    rencana.append([kode, SUB_B, "murni", *["1.250.000"] * 12, *fisik])
    book.save(path)


def _plan_import(page, base, tmp_path):
    page.goto(f"{base}/impor/")
    doc_shot(page, "impor")
    with page.expect_download() as download:
        page.get_by_role("button", name="Unduh templat").click()
    path = tmp_path / "rencana-dinkes-2026.xlsx"
    download.value.save_as(path)
    assert load_workbook(path)["Sub Kegiatan"].max_row == 1  # an empty OPD: headers only
    _fill_template(path)
    page.locator("#berkas").set_input_files(path)  # its label names the formats accepted
    page.get_by_role("button", name="Uji coba").click()
    page.wait_for_selector("text=Impor sekarang")
    body = page.locator("main").inner_text()
    assert "0 galat" in body or "galat" not in body, body
    doc_shot(page, "uji-coba")
    page.get_by_role("button", name="Impor sekarang").click()
    page.wait_for_selector("text=Impor selesai", timeout=60_000)
    doc_shot(page, "impor-selesai")


def _sub_edit(page, base, sub):
    page.goto(f"{base}/rencana/")
    page.wait_for_selector("text=Versi dan persetujuan")
    with page.expect_navigation():
        page.locator(f"a[href$='/sub-kegiatan/{sub.pk}/']").click()
    page.get_by_label("Pagu murni (Rp)").fill("18.000.000")
    for m in range(1, 13):
        page.get_by_label(f"Kas bulan {m} (Rp)").fill("1.500.000")
    doc_shot(page, "sub-kegiatan-ubah")
    with page.expect_navigation():
        page.get_by_role("button", name="Simpan").click()
    page.wait_for_selector("text=Sub kegiatan tersimpan.")
    page.goto(f"{base}/rencana/")
    page.wait_for_selector("text=Rp 18.000.000")
    page.wait_for_selector("text=Rp 168.000.000")  # the plan's total follows the edit


def _plan_step(page, button, status_text):
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()
    page.wait_for_selector(f"[data-status] >> text={status_text}")


def test_first_day_of_a_new_pemda(
    browser, live_server, transactional_db, settings, tmp_path, clock
):
    from pantau.monitoring.models import Realisasi
    from pantau.organisations.models import Opd, Pemda
    from pantau.planning.models import DokumenRencana, RencanaBulanan, SubKegiatan

    clock.set("2026-01-05 08:00")
    settings.DATA_DIR = tmp_path / "data"
    base = live_server.url
    assert not Pemda.objects.exists()
    ctx = browser.new_context(
        viewport={"width": 360, "height": 760},
        is_mobile=True,
        has_touch=True,
        accept_downloads=True,
    )
    page = ctx.new_page()

    # 1. the install, then the first admin: two OPDs and their people
    _install(page, base)
    login(page, base, ADMIN, ADMIN_SANDI)
    for opd in (OPD1, OPD2):
        _opd_create(page, base, opd)
    page.goto(f"{base}/kelola/opd/")
    page.wait_for_selector(f"text={OPD2['nama']}")
    doc_shot(page, "opd-daftar")
    temporary = {u: _account_create(page, base, u, f, r, o) for u, f, r, o in PEOPLE}
    page.goto(f"{base}/kelola/akun/")
    doc_shot(page, "akun-daftar")
    sign_out(page, base)
    for n, username in enumerate(temporary):
        sign_in_first_time(page, base, username, temporary[username], _own(username))
        if n == 0:
            doc_shot(page, "sandi-diganti")
        sign_out(page, base)
    pemda = Pemda.objects.get()
    assert Opd.objects.filter(pemda=pemda).count() == 2

    # 2. the operator of Dinkes: the plan from the template workbook, one sub kegiatan edited
    operator = PEOPLE[0][0]
    login(page, base, operator, _own(operator))
    _plan_import(page, base, tmp_path)
    dinkes = Opd.objects.get(kode=OPD1["kode"])
    subs = SubKegiatan.objects.filter(opd=dinkes)
    assert sorted(subs.values_list("kode", "pagu_murni")) == [
        (SUB_A, Decimal(150_000_000)),
        (SUB_B, Decimal(15_000_000)),
    ]
    sub_b = subs.get(kode=SUB_B)
    _sub_edit(page, base, sub_b)
    sub_b.refresh_from_db()
    assert sub_b.pagu_murni == Decimal(18_000_000)
    kas = RencanaBulanan.objects.filter(sub_kegiatan=sub_b).values_list("anggaran_kas", flat=True)
    assert list(kas) == [Decimal(1_500_000)] * 12
    # the DPA document: started by the operator, submitted by the head, validated and locked
    # by Bappeda before anyone reports against it
    page.goto(f"{base}/rencana/")
    _plan_step(page, "Mulai dokumen DPA murni (versi 1)", "Draf")
    sign_out(page, base)
    head = PEOPLE[1][0]
    login(page, base, head, _own(head))
    page.goto(f"{base}/rencana/")
    _plan_step(page, "Ajukan ke Bappeda", "Diajukan")
    sign_out(page, base)
    verifikator = PEOPLE[4][0]
    login(page, base, verifikator, _own(verifikator))
    page.goto(f"{base}/rencana/{dinkes.pk}/2026/")
    _plan_step(page, "Validasi", "Divalidasi")
    _plan_step(page, "Kunci sebagai DPA", "Dikunci")
    page.wait_for_selector("text=sudah dikunci sebagai DPA")
    doc_shot(page, "rencana-dikunci")
    assert DokumenRencana.objects.get(opd=dinkes).status == "dikunci"
    sign_out(page, base)

    # 3. January's report: filled and submitted by the operator, approved, verified
    clock.set("2026-02-05 10:00")
    sub_a = subs.get(kode=SUB_A)
    login(page, base, operator, _own(operator))
    page.goto(f"{base}/monitoring/laporan/{sub_a.pk}/1/")
    page.wait_for_selector("form[data-offline-form]")
    page.get_by_label("Realisasi keuangan bulan ini (Rp)").fill("12.000.000")
    page.get_by_label("Realisasi fisik kumulatif (%)").fill("2,5")
    page.get_by_label("Foto lapangan dan dokumen").set_input_files(
        [{"name": "lokasi.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}]
    )
    doc_shot(page, "laporan")
    page.get_by_role("button", name="Simpan dan ajukan").click()
    page.wait_for_selector("text=Diajukan")
    sign_out(page, base)

    login(page, base, head, _own(head))
    page.wait_for_selector("text=1 laporan menunggu persetujuan")
    page.get_by_role("link", name="Buka antrian").click()
    report = Realisasi.objects.get(sub_kegiatan=sub_a)
    page.wait_for_selector(f'[data-laporan="{report.pk}"]')
    doc_shot(page, "antrian-persetujuan")
    page.locator(f'[data-laporan="{report.pk}"] a').click()
    page.get_by_role("button", name="Setujui").click()
    page.wait_for_selector("text=Tidak ada lagi laporan yang menunggu")
    sign_out(page, base)

    login(page, base, verifikator, _own(verifikator))
    page.goto(f"{base}/monitoring/antrian/verifikasi/")
    page.wait_for_selector("[data-jumlah]:has-text('1 laporan')")
    doc_shot(page, "antrian-verifikasi")
    page.get_by_label(f"Pilih {SUB_A} · Januari 2026").check()
    page.get_by_role("button", name="Verifikasi yang dipilih").click()
    page.wait_for_selector("text=1 diverifikasi")
    report.refresh_from_db()
    assert report.status == "diverifikasi"
    assert report.keuangan == Decimal(12_000_000)

    # 4. the verified figures on the OPD page and the dashboard
    page.goto(f"{base}/opd/{dinkes.pk}/?bulan=1")
    page.wait_for_selector("text=Rp 12.000.000")
    ringkasan = page.locator(".card", has_text="Ringkasan TA 2026").first.inner_text()
    # fisik weighted by pagu: 150 jt x 2,5% over 168 jt; the plan is 2% in January for both
    assert "Rp 12.000.000 (7,1%)" in ringkasan and "2,2% / 2,0%" in ringkasan, ringkasan
    assert "1 dari 2 sub kegiatan sudah melapor" in ringkasan, ringkasan
    doc_shot(page, "opd")
    page.goto(f"{base}/dasbor/?bulan=1")
    realisasi = page.locator(".figure-card", has_text="Realisasi keuangan")
    assert "Rp 12,0 jt" in realisasi.inner_text(), realisasi.inner_text()
    page.wait_for_selector(f"a:has-text('{OPD1['nama']}')")
    page.locator("#grafik-kurva").scroll_into_view_if_needed()  # charts draw when near
    page.wait_for_selector("#grafik-kurva svg")
    page.evaluate("window.scrollTo(0, 0)")
    doc_shot(page, "dasbor")
    ctx.close()
