"""Bad input at the web layer (issue 12, "Bad input"; R5): each is refused with the right status
and a message in words, nothing is changed, and nothing answers 500."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from pantau.audit.models import AuditEvent
from pantau.monitoring.models import Bukti, Realisasi
from pantau.monitoring.tests.photos import jpeg

pytestmark = pytest.mark.django_db


def login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)


def _profile(user) -> dict:
    return {
        "first_name": "Nama Baru",
        "last_name": user.last_name,
        "email": "baru@example.org",
        "nip": "",
        "telepon": "",
    }


class TestForgedCsrfAndSession:
    def test_a_forged_csrf_token_is_refused_with_the_stale_form_page(self, world):
        client = Client(enforce_csrf_checks=True)
        user = world.a.users["operator_opd"]
        login(client, user)
        client.get(reverse("akun:profil"))  # sets the real CSRF cookie
        before = AuditEvent.objects.count()
        response = client.post(
            reverse("akun:profil"), {**_profile(user), "csrfmiddlewaretoken": "x" * 64}
        )
        assert response.status_code == 403
        assert "Formulir ini sudah kedaluwarsa" in response.text
        user.refresh_from_db()
        assert user.first_name != "Nama Baru" and AuditEvent.objects.count() == before

    def test_a_tampered_session_cookie_is_an_anonymous_visitor(self, client, world):
        login(client, world.a.users["admin"])
        real = client.cookies["sessionid"].value
        client.cookies["sessionid"] = real[:-4] + ("AAAA" if not real.endswith("AAAA") else "BBBB")
        response = client.get(reverse("core:home"))
        assert response.status_code == 302 and reverse("login") in response["Location"]
        client.cookies["sessionid"] = "../../etc/passwd\x00"
        assert client.get(reverse("core:home")).status_code == 302


class TestOversizedBodies:
    def test_a_body_over_the_memory_limit_answers_413_in_words(self, client, world, settings):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
        user = world.a.users["operator_opd"]
        login(client, user)
        response = client.post(
            reverse("akun:profil"), {**_profile(user), "last_name": "x" * 20_000}
        )
        assert response.status_code == 413
        assert "Isian terlalu besar" in response.text and "Tidak ada yang disimpan" in response.text
        user.refresh_from_db()
        assert user.first_name != "Nama Baru"

    def test_too_many_fields_answer_413(self, client, world, settings):
        settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
        login(client, world.a.users["operator_opd"])
        body = {f"f{i}": "1" for i in range(200)}
        response = client.post(reverse("akun:profil"), body)
        assert response.status_code == 413

    def test_the_english_page_for_an_english_user(self, client, world, settings):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
        login(client, world.a.users["operator_opd"])  # (logout clears the cookies)
        client.cookies["django_language"] = "en"
        response = client.post(reverse("akun:profil"), {"last_name": "x" * 5000})
        assert response.status_code == 413 and "The form sent is too large" in response.text


class TestHeaderInjectionAndRedirects:
    def test_a_bad_host_header_answers_400(self, client):
        response = client.get("/masuk/", HTTP_HOST="evil.example")
        assert response.status_code == 400
        assert "alamatnya tidak dikenal" in response.text

    @pytest.mark.parametrize(
        "target",
        [
            "//evil.example/",
            "/\\evil.example/",
            "https://evil.example/",
            "/\r\nSet-Cookie: x=1",
            "\x00//evil.example",
        ],
    )
    def test_sign_in_never_sends_the_user_away_or_splits_a_header(self, client, world, target):
        response = client.post(
            reverse("login") + "?next=x",
            {
                "username": world.a.users["admin"].username,
                "password": PASSWORD,
                "next": target,
            },
        )
        assert response.status_code == 302
        location = response["Location"]
        assert "evil.example" not in location and "\n" not in location and "\r" not in location
        assert "Set-Cookie" not in str(response.cookies.get("x", ""))

    def test_the_language_switch_does_not_redirect_away(self, client):
        response = client.post("/i18n/setlang/", {"language": "en", "next": "//evil.example/"})
        assert response.status_code == 302 and "evil.example" not in response["Location"]

    @pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example/", "/\\/evil.example"])
    def test_a_workflow_step_does_not_redirect_away(self, client, world, clock, target):
        from pantau.monitoring.models import PeriodeLaporan
        from pantau.monitoring.services import realisasi_save

        clock.set("2026-02-05 10:00")
        periode = PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=1)
        report = realisasi_save(
            actor=world.a.users["operator_opd"],
            sub_kegiatan=world.a.sub,
            periode=periode,
            keuangan=Decimal(10_000_000),
            fisik=Decimal(5),
        )
        login(client, world.a.users["operator_opd"])
        response = client.post(
            reverse("monitoring:langkah", args=[report.pk]),
            {"langkah": "submit", "next": target},
        )
        assert response.status_code == 302
        assert "evil.example" not in response["Location"]


class TestPathTraversalInNames:
    @pytest.mark.parametrize(
        "name",
        ["../../x.jpg", "/etc/passwd.jpg", "..\\..\\win.jpg", "a\x00b.jpg", 'q"\r\nX-A: 1.jpg'],
    )
    def test_an_uploaded_name_keeps_no_path_nor_control_character(self, client, world, name):
        login(client, world.a.users["operator_opd"])
        response = client.post(
            reverse("monitoring:laporan", args=[world.a.sub.pk, 1]),
            {
                "kunci": "k" * 32,
                "keuangan": "45.000.000",
                "fisik": "7,5",
                "kendala": "",
                "aksi": "simpan",
                "bukti": SimpleUploadedFile(name, jpeg(), content_type="image/jpeg"),
            },
        )
        assert response.status_code in (302, 422), response.status_code
        for b in Bukti.objects.all():
            shown = b.nama_berkas
            assert "/" not in shown and "\\" not in shown and ".." not in shown, shown
            assert not any(ord(c) < 32 for c in shown), shown
            assert b.berkas.count("/") == 2 and ".." not in b.berkas  # YYYY/MM/<uuid>.jpg
            page = client.get(reverse("monitoring:bukti-berkas", args=[b.pk, "asli"]))
            assert page.status_code == 200
            for value in page.headers.values():
                assert "\n" not in value and "\r" not in value

    def test_a_document_name_cannot_break_its_download_header(self, client, world, clock):
        from pantau.monitoring.models import PeriodeLaporan
        from pantau.monitoring.services import bukti_add, realisasi_save

        clock.set("2026-02-05 10:00")
        periode = PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=1)
        report = realisasi_save(
            actor=world.a.users["operator_opd"],
            sub_kegiatan=world.a.sub,
            periode=periode,
            keuangan=Decimal(10_000_000),
            fisik=Decimal(5),
        )
        pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
        doc = bukti_add(
            actor=world.a.users["operator_opd"],
            realisasi=report,
            name='la"por;an.pdf',
            data=pdf,
        )
        Bukti.objects.filter(pk=doc.pk).update(nama_berkas='x"\r\n; filename="evil.exe.pdf')
        login(client, world.a.users["operator_opd"])
        response = client.get(reverse("monitoring:bukti-berkas", args=[doc.pk, "asli"]))
        assert response.status_code == 200
        disposition = response["Content-Disposition"]
        assert disposition.startswith("inline; filename")
        assert "\r" not in disposition and "\n" not in disposition
        assert 'filename="evil.exe.pdf"' not in disposition

    @pytest.mark.parametrize(
        "tail", ["..%2F..%2Fsettings.py", "%2e%2e%2F%2e%2e%2Fetc%2Fpasswd", "..%5C..%5Cx.csv"]
    )
    def test_a_download_name_with_a_path_reads_no_other_file(
        self, client, catalogue, settings, tail
    ):
        from pantau.opendata.ids import resource_id

        settings.OPENDATA_DEFAULT_PEMDA = "74.07"
        ds = catalogue.public[0]
        rid = resource_id(ds.uid, "csv")
        base = f"/dataset/{ds.nama}/resource/{rid}/download/"
        response = client.get(base + tail)
        if "%2F" in tail.upper():
            assert response.status_code == 404  # a "/" in the name matches no URL
            return
        # the name is cosmetic: the file is chosen by the resource id, never by the name
        assert response.status_code == 200
        assert response.content == client.get(base + f"{ds.nama}.csv").content
        assert ".." not in response["Content-Disposition"]
        assert "\\" not in response["Content-Disposition"]

    def test_an_unknown_evidence_variant_is_not_found(self, client, world, clock):
        from pantau.monitoring.models import PeriodeLaporan
        from pantau.monitoring.services import bukti_add, realisasi_save

        clock.set("2026-02-05 10:00")
        periode = PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=1)
        report = realisasi_save(
            actor=world.a.users["operator_opd"],
            sub_kegiatan=world.a.sub,
            periode=periode,
            keuangan=Decimal(10_000_000),
            fisik=Decimal(5),
        )
        photo = bukti_add(
            actor=world.a.users["operator_opd"], realisasi=report, name="a.jpg", data=jpeg()
        )
        login(client, world.a.users["operator_opd"])
        base = f"/monitoring/bukti/{photo.pk}/"
        assert client.get(base + "asli/").status_code == 200
        for variant in ("..%2F..%2Fsettings.py", "asli%00", "..", "berkas", "ASLI"):
            assert client.get(base + variant + "/").status_code == 404, variant


def test_nothing_was_written_by_refused_requests(world):
    assert Realisasi.objects.count() == 0
    assert get_user_model().objects.filter(first_name="Nama Baru").count() == 0
