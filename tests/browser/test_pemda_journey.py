"""Issue 11 §1-2 on a 360 px phone: an empty install leads to the first-run screen, the server
operator's code installs the pemda, the first admin signs in and creates an account; no page
scrolls sideways and every target is large enough (the layout watch of conftest.py)."""

import pytest

from tests.browser.support import ARTIFACTS, login, no_horizontal_scroll

pytestmark = pytest.mark.browser
SANDI = "Wakatobi-Pasang-2026"


def _shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"pemda-{name}.png"), full_page=True)


def test_first_run_then_the_admin_creates_an_account(
    phone, live_server, transactional_db, settings, tmp_path
):
    from django.contrib.auth import get_user_model

    from pantau.monitoring import services_pasang as pasang
    from pantau.organisations.models import Membership

    settings.DATA_DIR = tmp_path / "data"
    base = live_server.url
    phone.goto(f"{base}/")
    phone.wait_for_url(f"{base}/pasang/")
    assert no_horizontal_scroll(phone)
    _shot(phone, "pasang")
    phone.fill("#id_kode", pasang.setup_code_get_or_make())
    phone.fill("#id_tahun", "2026")
    phone.fill("#id_admin_first_name", "Wa Ode")
    phone.fill("#id_admin_last_name", "Sari")
    phone.fill("#id_admin_username", "sari.kominfo")
    phone.fill("#id_admin_password", SANDI)
    phone.fill("#id_admin_password2", SANDI)
    phone.get_by_role("button", name="Pasang").click()
    phone.wait_for_url(f"{base}/masuk/", timeout=120_000)
    assert "terpasang" in phone.locator("body").inner_text()

    # the admin's role requires a second factor: the test app's code after the password
    login(phone, base, "sari.kominfo", SANDI)
    phone.goto(f"{base}/kelola/opd/baru/")
    phone.fill("#id_kode", "1.02.0.00.0.00.01.0000")
    phone.fill("#id_nama", "Dinas Kesehatan")
    phone.fill("#id_singkatan", "Dinkes")
    phone.select_option("#id_jenis", "dinas")
    phone.get_by_role("button", name="Tambah OPD").click()
    phone.wait_for_selector("text=OPD Dinas Kesehatan ditambahkan.")

    phone.goto(f"{base}/kelola/akun/baru/")
    assert no_horizontal_scroll(phone)
    _shot(phone, "akun-baru")
    phone.fill("#id_username", "siti.dinkes")
    phone.fill("#id_first_name", "Siti")
    phone.fill("#id_email", "siti@wakatobikab.go.id")
    phone.select_option("#id_role", "operator_opd")
    phone.select_option("#id_opd", label="Dinas Kesehatan")
    phone.get_by_role("button", name="Buat akun").click()
    temp = phone.locator("[data-sandi-sementara]").inner_text().strip()
    assert no_horizontal_scroll(phone)
    _shot(phone, "akun-dibuat")
    user = get_user_model().objects.get(username="siti.dinkes")
    assert user.check_password(temp)
    assert Membership.objects.get(user=user).opd.singkatan == "Dinkes"

    # deactivating asks first: cancelled, nothing happens; confirmed, the account is inactive
    phone.goto(f"{base}/kelola/akun/{user.pk}/")
    asked = []
    phone.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    phone.get_by_role("button", name="Nonaktifkan akun").click()
    phone.wait_for_timeout(300)  # a dismissed dialog leaves the page as it was
    assert asked and "Nonaktifkan akun siti.dinkes?" in asked[0]
    user.refresh_from_db()
    assert user.is_active
    phone.once("dialog", lambda d: d.accept())
    phone.get_by_role("button", name="Nonaktifkan akun").click()
    phone.wait_for_selector("text=Aktifkan kembali")
    user.refresh_from_db()
    assert not user.is_active

    # many at once: the dry run lists each row, nothing is written yet
    phone.goto(f"{base}/kelola/akun/impor/")
    csv = (
        b"nama_pengguna;nama_depan;nama_belakang;email;peran;kode_opd;jabatan\n"
        b"budi.dinkes;Budi;;;kepala_opd;1.02.0.00.0.00.01.0000;Kepala Dinas\n"
        b"wa.bappeda;Wa Ode;;bukan-email;verifikator;;\n"
    )
    phone.set_input_files(
        "#berkas", files=[{"name": "akun.csv", "mimeType": "text/csv", "buffer": csv}]
    )
    phone.get_by_role("button", name="Periksa (belum menyimpan)").click()
    phone.wait_for_selector("text=Hasil pemeriksaan")
    assert "baris 3, kolom email" in phone.locator("body").inner_text()
    assert no_horizontal_scroll(phone)
    _shot(phone, "akun-impor")
    assert not get_user_model().objects.filter(username="budi.dinkes").exists()


def test_first_run_installs_a_pemda_from_its_own_wilayah_file(
    phone, live_server, transactional_db, settings, tmp_path
):
    """Another kabupaten than the bundled one: its wilayah file uploaded on a 360 px phone."""
    from pantau.monitoring import services_pasang as pasang
    from pantau.organisations.models import Pemda, Wilayah

    settings.DATA_DIR = tmp_path / "data"
    wilayah = tmp_path / "buton.csv"
    wilayah.write_text(
        "kode,nama,tingkat,jenis,kode_induk\n"
        "74.04,Kabupaten Buton,kabupaten,,74\n"
        "74.04.01,Pasarwajo,kecamatan,,74.04\n"
        "74.04.01.2001,Kondowa,desa_kelurahan,desa,74.04.01\n",
        encoding="utf-8",
    )
    bad = tmp_path / "salah.csv"
    bad.write_text(wilayah.read_text() + "74.07.01,Wangi-Wangi,kecamatan,,74.04\n")
    base = live_server.url
    phone.goto(f"{base}/pasang/")
    phone.fill("#id_kode", pasang.setup_code_get_or_make())
    phone.fill("#id_tahun", "2026")
    phone.get_by_label("Unggah berkas wilayah pemda sendiri (CSV)").check()
    phone.set_input_files("#id_wilayah_berkas", str(bad))
    phone.fill("#id_pemda_kode", "74.04")
    phone.fill("#id_admin_first_name", "La Ode")
    phone.fill("#id_admin_username", "admin.buton")
    phone.fill("#id_admin_password", SANDI)
    phone.fill("#id_admin_password2", SANDI)
    phone.get_by_role("button", name="Pasang").click()
    phone.wait_for_selector("text=Baris 5, kolom kode")
    assert no_horizontal_scroll(phone)
    _shot(phone, "pasang-berkas-salah")
    assert not Pemda.objects.exists()

    phone.get_by_label("Unggah berkas wilayah pemda sendiri (CSV)").check()
    phone.set_input_files("#id_wilayah_berkas", str(wilayah))
    phone.fill("#id_admin_password", SANDI)
    phone.fill("#id_admin_password2", SANDI)
    phone.get_by_role("button", name="Pasang").click()
    phone.wait_for_url(f"{base}/masuk/", timeout=120_000)
    assert "Kabupaten Buton terpasang" in phone.locator("body").inner_text()
    assert Wilayah.objects.filter(pemda__kode="74.04").count() == 3
