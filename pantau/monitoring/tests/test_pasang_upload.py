"""The first-run screen installs any pemda from its own wilayah file (issue 11 §1): the file's
checks name the row and the column, and a refusal writes nothing (no half pemda)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pantau.audit.models import AuditEvent
from pantau.monitoring import services_pasang as pasang
from pantau.organisations.models import Pemda, Wilayah
from pantau.planning.models import Nomenklatur, TahunAnggaran

pytestmark = pytest.mark.django_db
SANDI = "Buton-Pasang-2026"
HEADER = "kode,nama,tingkat,jenis,kode_induk\n"
BUTON = (
    HEADER + "74.04,Kabupaten Buton,kabupaten,,74\n"
    "74.04.01,Pasarwajo,kecamatan,,74.04\n"
    "74.04.01.2001,Kondowa,desa_kelurahan,desa,74.04.01\n"
    "74.04.01.1002,Pasarwajo,desa_kelurahan,kelurahan,74.04.01\n"
)
NOMEN = (
    "kode,nomenklatur,tingkat,kode_asli_sumber\n"
    "1,URUSAN PEMERINTAHAN WAJIB YANG BERKAITAN DENGAN PELAYANAN DASAR,urusan,1\n"
    "1.02,URUSAN PEMERINTAHAN BIDANG KESEHATAN,bidang_urusan,1.02\n"
)


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


def _admin(**extra):
    return {
        "tahun": 2026,
        "admin_username": "admin.buton",
        "admin_password": SANDI,
        "admin_first_name": "La Ode",
        **extra,
    }


def _nothing_written():
    return (
        not Pemda.objects.exists()
        and not Wilayah.objects.exists()
        and not get_user_model().objects.exists()
        and not AuditEvent.objects.exists()
    )


def _refusal(content, **kwargs):
    with pytest.raises(ValidationError) as info:
        pasang.pemda_install_upload(actor=None, wilayah_content=content, **_admin(), **kwargs)
    assert _nothing_written()
    return info.value.message_dict


class TestPemdaInstallUpload:
    def test_installs_the_pemda_of_the_file(self):
        result = pasang.pemda_install_upload(
            actor=None, wilayah_content=BUTON.encode(), wilayah_nama_berkas="buton.csv", **_admin()
        )
        pemda = Pemda.objects.get()
        assert (pemda.kode, pemda.nama) == ("74.04", "Kabupaten Buton")
        assert result.wilayah == 4 and Wilayah.objects.filter(pemda=pemda).count() == 4
        assert Wilayah.objects.get(kode="74.04.01").sumber == "Berkas unggahan buton.csv"
        assert TahunAnggaran.objects.filter(pemda=pemda, tahun=2026).exists()
        assert Nomenklatur.objects.filter(tahun=2026).count() > 2000  # the bundled one

    def test_own_nomenclature_file_replaces_the_bundled_one(self):
        pasang.pemda_install_upload(
            actor=None,
            wilayah_content=BUTON.encode(),
            nomenklatur_content=NOMEN.encode(),
            **_admin(),
        )
        assert Nomenklatur.objects.filter(tahun=2026).count() == 2

    def test_entered_code_and_name_that_match_the_file_are_accepted(self):
        pasang.pemda_install_upload(
            actor=None,
            wilayah_content=BUTON.encode(),
            pemda_kode="74.04",
            pemda_nama="kabupaten  buton",
            **_admin(),
        )
        assert Pemda.objects.get().kode == "74.04"

    def test_entered_code_not_in_the_file_refused(self):
        errors = _refusal(BUTON.encode(), pemda_kode="74.07")
        assert "baris 2, kolom kode: 74.04" in errors["pemda_kode"][0]

    def test_entered_name_not_in_the_file_refused(self):
        errors = _refusal(BUTON.encode(), pemda_nama="Kabupaten Wakatobi")
        assert "Kabupaten Buton" in errors["pemda_nama"][0]

    def test_not_a_csv_refused(self):
        errors = _refusal(b"PK\x03\x04\x00\x00binary\xff\xfe")
        assert "bukan CSV" in errors["wilayah_berkas"][0]

    def test_wrong_columns_refused_naming_them(self):
        errors = _refusal(b"kode,nama,level\n74.04,Kabupaten Buton,kabupaten\n")
        assert errors["wilayah_berkas"][0].startswith("Baris 1: kolom tingkat, jenis, kode_induk")

    def test_codes_of_another_pemda_refused_with_row_and_column(self):
        content = BUTON + "74.07.01,Wangi-Wangi,kecamatan,,74.04\n"
        errors = _refusal(content.encode())
        assert any(
            m.startswith("Baris 6, kolom kode: kode 74.07.01 bukan wilayah Kabupaten Buton")
            for m in errors["wilayah_berkas"]
        )

    def test_duplicate_codes_refused_naming_both_rows(self):
        content = BUTON + "74.04.01,Pasarwajo Lagi,kecamatan,,74.04\n"
        errors = _refusal(content.encode())
        assert (
            "Baris 6, kolom kode: kode 74.04.01 ganda (sudah ada di baris 3)."
            in (errors["wilayah_berkas"])
        )

    def test_parent_missing_refused_in_its_column(self):
        content = BUTON + "74.04.02.2001,Lapandewa,desa_kelurahan,desa,74.04.02\n"
        errors = _refusal(content.encode())
        assert (
            "Baris 6, kolom kode_induk: kode induk 74.04.02 tidak ada di berkas."
            in (errors["wilayah_berkas"])
        )

    def test_unknown_level_refused_in_its_column(self):
        content = BUTON + "74.04.01.2002,Wasuemba,dusun,,74.04.01\n"
        errors = _refusal(content.encode())
        assert any(m.startswith("Baris 6, kolom tingkat:") for m in errors["wilayah_berkas"])

    def test_no_kabupaten_row_refused(self):
        errors = _refusal((HEADER + "74.04.01,Pasarwajo,kecamatan,,74.04\n").encode())
        assert "tepat satu baris" in errors["wilayah_berkas"][0]

    def test_huge_file_refused_by_the_upload_guard(self):
        content = BUTON.encode() + b"#" * (pasang.UPLOAD_MAX_BYTES + 1)
        errors = _refusal(content)
        assert "terlalu besar" in errors["wilayah_berkas"][0]

    def test_too_many_rows_refused_by_the_upload_guard(self, monkeypatch):
        monkeypatch.setattr(pasang, "WILAYAH_MAX_ROWS", 3)
        errors = _refusal(BUTON.encode())
        assert errors["wilayah_berkas"]

    def test_bad_nomenclature_file_refused_and_nothing_written(self):
        with pytest.raises(ValidationError) as info:
            pasang.pemda_install_upload(
                actor=None,
                wilayah_content=BUTON.encode(),
                nomenklatur_content=b"kode,nama\n1,X\n",
                **_admin(),
            )
        assert "kolom nomenklatur, tingkat" in info.value.message_dict["nomenklatur_berkas"][0]
        assert _nothing_written()

    def test_a_late_refusal_leaves_no_half_pemda(self):
        """The file passes its checks, the nomenclature's rows do not: the wilayah already
        loaded in the transaction is rolled back."""
        bad_rows = "kode,nomenklatur,tingkat\n1,URUSAN,urusan\n1.0x,BUKAN KODE,bidang_urusan\n"
        with pytest.raises(ValidationError):
            pasang.pemda_install_upload(
                actor=None,
                wilayah_content=BUTON.encode(),
                nomenklatur_content=bad_rows.encode(),
                **_admin(),
            )
        assert _nothing_written()


def _post(client, **extra):
    client.get(reverse("core:pasang"))
    data = {
        "kode": pasang.setup_code_get_or_make(),
        "tahun": "2026",
        "admin_first_name": "La Ode",
        "admin_username": "admin.buton",
        "admin_password": SANDI,
        "admin_password2": SANDI,
        "wilayah_pilihan": "unggah",
        **extra,
    }
    return client.post(reverse("core:pasang"), data)


def _file(content, name="buton.csv"):
    return SimpleUploadedFile(name, content if isinstance(content, bytes) else content.encode())


class TestFirstRunScreenUpload:
    def test_page_documents_the_columns_and_defaults_to_the_bundled_file(self, client):
        page = client.get(reverse("core:pasang"))
        html = page.content.decode()
        assert 'enctype="multipart/form-data"' in html
        for column in ("kode_induk", "tingkat", "jenis"):
            assert f"<code>{column}</code>" in html
        assert page.context["form"]["wilayah_pilihan"].initial == "bawaan"

    def test_uploaded_file_installs_its_pemda(self, client):
        response = _post(client, wilayah_berkas=_file(BUTON), pemda_kode="74.04")
        assert response.status_code == 302, response.context["form"].errors
        assert Pemda.objects.get().nama == "Kabupaten Buton"
        assert not pasang.setup_code_path().exists()

    def test_upload_chosen_without_a_file_refused(self, client):
        response = _post(client)
        assert response.context["form"].errors["wilayah_berkas"]
        assert _nothing_written() and pasang.setup_code_path().is_file()

    def test_bad_file_shown_beside_the_field_and_nothing_written(self, client):
        content = BUTON + "74.04.01,Dua,kecamatan,,74.04\n"
        response = _post(client, wilayah_berkas=_file(content))
        assert response.status_code == 200
        errors = response.context["form"].errors["wilayah_berkas"]
        assert any("Baris 6, kolom kode" in e for e in errors)
        assert "Baris 6, kolom kode" in response.content.decode()
        assert _nothing_written() and pasang.setup_code_path().is_file()

    def test_entered_code_that_does_not_match_refused_beside_it(self, client):
        response = _post(client, wilayah_berkas=_file(BUTON), pemda_kode="74.07")
        assert response.context["form"].errors["pemda_kode"]
        assert _nothing_written()

    def test_wrong_setup_code_refused_before_the_file_is_read(self, client):
        response = _post(client, wilayah_berkas=_file(BUTON), kode="SALAH-0000")
        assert "Kode pemasangan salah" in response.content.decode()
        assert _nothing_written()

    def test_upload_over_the_request_limit_refused(self, client, settings):
        settings.UPLOAD_MAX_MB = 1
        response = _post(client, wilayah_berkas=_file(b"x" * (2 * 1024 * 1024)))
        assert response.status_code == 200
        assert "terlalu besar" in response.content.decode()
        assert _nothing_written()

    def test_english_page(self, client):
        client.cookies["django_language"] = "en"
        page = client.get(reverse("core:pasang"), HTTP_ACCEPT_LANGUAGE="en")
        html = page.content.decode()
        assert "Upload the pemda&#x27;s own wilayah file (CSV)" in html
        assert "Shape of the wilayah file" in html

    def test_english_refusal_names_row_and_column(self, client):
        client.cookies["django_language"] = "en"
        content = BUTON + "74.04.01,Dua,kecamatan,,74.04\n"
        response = _post(client, wilayah_berkas=_file(content))
        assert "Row 6, column kode: code 74.04.01 duplicated (already in row 3)." in (
            response.content.decode()
        )
        assert _nothing_written()
