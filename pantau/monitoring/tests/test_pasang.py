"""A clean install (issue 11 §1): the command and the first-run screen."""

import io
import stat

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from pantau.audit.models import AuditEvent
from pantau.monitoring import services_pasang as pasang
from pantau.monitoring.models import PeriodeLaporan
from pantau.organisations.models import Membership, Pemda, Wilayah
from pantau.planning.models import Nomenklatur, TahunAnggaran

pytestmark = pytest.mark.django_db
SANDI = "Wakatobi-Pasang-2026"


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


def _command(monkeypatch, *args, password=SANDI):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    out = io.StringIO()
    call_command("pemda_pasang", "--sandi-stdin", "--tahun", "2026", *args, stdout=out)
    return out.getvalue()


class TestPemdaPasangCommand:
    def test_creates_pemda_nomenclature_year_and_admin(self, monkeypatch):
        out = _command(monkeypatch, "--admin", "admin.kominfo", "--admin-email", "a@b.go.id")
        pemda = Pemda.objects.get()
        assert pemda.kode == "74.07" and "terpasang" in out
        assert Wilayah.objects.filter(pemda=pemda).count() == 109
        assert Nomenklatur.objects.filter(tahun=2026).count() > 2000
        ta = TahunAnggaran.objects.get(pemda=pemda)
        assert ta.tahun == 2026 and PeriodeLaporan.objects.filter(tahun_anggaran=ta).count() == 12
        m = Membership.objects.get(pemda=pemda)
        assert m.role == "admin" and m.opd is None
        admin = m.user
        assert admin.username == "admin.kominfo" and admin.check_password(SANDI)
        assert not admin.is_superuser
        assert AuditEvent.objects.filter(action="membership.create", pemda_id=pemda.pk).exists()

    def test_second_run_refuses_and_changes_nothing(self, monkeypatch):
        _command(monkeypatch, "--admin", "admin.kominfo")
        events = AuditEvent.objects.count()
        with pytest.raises(CommandError, match="sudah terpasang"):
            _command(monkeypatch, "--admin", "admin.lain")
        assert AuditEvent.objects.count() == events
        assert not get_user_model().objects.filter(username="admin.lain").exists()

    def test_weak_password_refused_before_anything_is_written(self, monkeypatch):
        with pytest.raises(CommandError):
            _command(monkeypatch, "--admin", "admin.kominfo", password="123")
        assert not Pemda.objects.exists() and not get_user_model().objects.exists()

    def test_bad_wilayah_file_refused_and_nothing_written(self, monkeypatch, tmp_path):
        bad = tmp_path / "w.csv"
        bad.write_text(
            "kode,nama,tingkat,jenis,kode_induk\n74.07,Kab,kabupaten,,\n74.07.99x,X,kecamatan,,74.07\n"
        )
        with pytest.raises(CommandError, match="Baris 3"):
            _command(monkeypatch, "--admin", "admin.kominfo", "--wilayah", str(bad))
        assert not Pemda.objects.exists() and not get_user_model().objects.exists()

    def test_setup_code_command_writes_a_private_file(self):
        out = io.StringIO()
        call_command("pasang_kode", stdout=out, stderr=io.StringIO())
        path = pasang.setup_code_path()
        assert out.getvalue().strip() == path.read_text().strip()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        # asked again: the same code
        again = io.StringIO()
        call_command("pasang_kode", stdout=again, stderr=io.StringIO())
        assert again.getvalue() == out.getvalue()


def _form(code, **extra):
    return {
        "kode": code,
        "tahun": "2026",
        "admin_first_name": "Wa Ode",
        "admin_last_name": "Sari",
        "admin_jabatan": "Pranata Komputer",
        "admin_email": "sari@wakatobikab.go.id",
        "admin_username": "sari.kominfo",
        "admin_password": SANDI,
        "admin_password2": SANDI,
        **extra,
    }


class TestFirstRunScreen:
    def test_root_leads_to_the_setup_page_while_no_pemda_exists(self, client):
        response = client.get("/")
        assert response.status_code == 302 and response["Location"] == reverse("core:pasang")
        page = client.get(reverse("core:pasang"))
        assert page.status_code == 200
        assert "kode" in page.context["form"].fields
        # the code is now on the server, readable by its operator only
        assert stat.S_IMODE(pasang.setup_code_path().stat().st_mode) == 0o600
        assert pasang.setup_code_get_or_make() not in page.content.decode()

    def test_wrong_code_refused_and_nothing_written(self, client):
        client.get(reverse("core:pasang"))
        response = client.post(reverse("core:pasang"), _form("SALAH-0000"))
        assert response.status_code == 200
        assert "Kode pemasangan salah" in response.content.decode()
        assert not Pemda.objects.exists() and not get_user_model().objects.exists()
        assert pasang.setup_code_path().is_file()  # still usable with the right code

    def test_right_code_installs_and_the_page_is_gone_for_good(self, client):
        client.get(reverse("core:pasang"))
        code = pasang.setup_code_get_or_make()
        response = client.post(reverse("core:pasang"), _form(code.lower()))
        assert response.status_code == 302 and response["Location"] == reverse("login")
        pemda = Pemda.objects.get()
        admin = get_user_model().objects.get(username="sari.kominfo")
        m = Membership.objects.get(user=admin)
        assert (m.pemda, m.role, m.jabatan) == (pemda, "admin", "Pranata Komputer")
        assert TahunAnggaran.objects.filter(pemda=pemda, tahun=2026).exists()
        assert not pasang.setup_code_path().exists()
        assert client.get(reverse("core:pasang")).status_code == 404
        again = client.post(reverse("core:pasang"), _form(code, admin_username="penyusup"))
        assert again.status_code == 404
        assert not get_user_model().objects.filter(username="penyusup").exists()
        assert client.get("/").get("Location") != reverse("core:pasang")

    def test_bad_admin_input_shown_beside_the_field_and_nothing_written(self, client):
        client.get(reverse("core:pasang"))
        code = pasang.setup_code_get_or_make()
        response = client.post(
            reverse("core:pasang"),
            _form(code, admin_password="sari", admin_password2="sari"),
        )
        assert response.status_code == 200
        assert response.context["form"].errors["admin_password"]
        assert not Pemda.objects.exists()
        assert pasang.setup_code_path().is_file()

    def test_gone_when_a_pemda_exists(self, client, world):
        assert client.get(reverse("core:pasang")).status_code == 404
        assert not pasang.setup_code_path().exists()
