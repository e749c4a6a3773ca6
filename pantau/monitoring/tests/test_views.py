"""Monitoring pages through the test client: entry list, phone form, sync endpoint, grid,
workflow steps, compliance, history, evidence files; each with its access rules."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import PASSWORD
from pantau.monitoring.models import Bukti, PeriodeLaporan, Realisasi
from pantau.monitoring.services import realisasi_save
from pantau.monitoring.tests.photos import jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _february(clock):
    clock.set("2026-02-05 10:00")


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def form_url(tenant, sub=None, bulan=1):
    return reverse("monitoring:laporan", args=[(sub or tenant.sub).pk, bulan])


class TestEntryList:
    def test_operator_sees_own_opd_with_missing_items(self, client, world):
        login(client, world.a.users["operator_opd"])
        page = client.get(reverse("monitoring:daftar"))
        assert page.status_code == 200
        assert "1.02.02.2.01.0001" in page.text and "belum diisi" in page.text
        assert "Januari 2026" in page.text  # January is still open on 5 February
        assert "1.03.03.2.01.0001" not in page.text  # PUPR's sub kegiatan

    def test_operator_cannot_pick_another_opd(self, client, world):
        login(client, world.a.users["operator_opd"])
        assert (
            client.get(reverse("monitoring:daftar") + f"?opd={world.a.pupr.pk}").status_code == 404
        )
        assert (
            client.get(reverse("monitoring:daftar") + f"?opd={world.b.dinkes.pk}").status_code
            == 404
        )

    def test_verifier_picks_any_opd_of_pemda(self, client, world):
        login(client, world.a.users["verifikator"])
        page = client.get(reverse("monitoring:daftar") + f"?opd={world.a.pupr.pk}")
        assert page.status_code == 200 and "1.03.03.2.01.0001" in page.text


class TestForm:
    def test_get_shows_previous_month_and_camera_input(self, client, world):
        login(client, world.a.users["operator_opd"])
        page = client.get(form_url(world.a))
        assert page.status_code == 200
        # the money field takes cents: a keypad with a decimal separator
        assert 'capture="environment"' in page.text and 'inputmode="decimal"' in page.text
        assert "Belum ada laporan bulan sebelumnya" in page.text

    def test_post_with_photo_and_indonesian_number(self, client, world):
        login(client, world.a.users["operator_opd"])
        photo = jpeg()
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = client.post(
            form_url(world.a),
            {
                "kunci": "k" * 32,
                "keuangan": "45.000.000",
                "fisik": "7,5",
                "kendala": "",
                "aksi": "simpan",
                "bukti": SimpleUploadedFile("lokasi.jpg", photo, content_type="image/jpeg"),
            },
        )
        assert response.status_code == 302
        r = Realisasi.objects.get()
        assert (r.keuangan, r.fisik, r.status) == (Decimal(45_000_000), Decimal("7.5"), "draft")
        assert Bukti.objects.get().diambil_pada is not None
        page = client.get(form_url(world.a))
        assert "45.000.000" in page.text and "PantauCam" not in page.text

    def test_bad_input_shown_in_indonesian_and_nothing_written(self, client, world):
        login(client, world.a.users["operator_opd"])
        response = client.post(
            form_url(world.a), {"kunci": "k" * 32, "keuangan": "1,250,000", "fisik": "120"}
        )
        assert response.status_code == 422
        assert "bukan angka yang sah" in response.text
        assert "1,250,000" in response.text  # what the user typed is kept
        assert not Realisasi.objects.exists()

    def test_bad_input_in_english_for_english_users(self, client, world):
        from django.conf import settings

        login(client, world.a.users["operator_opd"])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = client.post(
            form_url(world.a), {"kunci": "k" * 32, "keuangan": "abc", "fisik": "1"}
        )
        assert response.status_code == 422 and "not a valid number" in response.text

    def test_sync_endpoint_is_idempotent(self, client, world):
        login(client, world.a.users["operator_opd"])
        data = {"kunci": "s" * 32, "keuangan": "40.000.000", "fisik": "8", "aksi": "ajukan"}
        first = client.post(form_url(world.a), data, HTTP_X_PANTAU_SYNC="1")
        second = client.post(form_url(world.a), data, HTTP_X_PANTAU_SYNC="1")
        assert first.json()["ok"] and not first.json()["duplikat"]
        assert second.json()["ok"] and second.json()["duplikat"]
        assert Realisasi.objects.get().status == "diajukan"

    def test_sync_errors_are_json(self, client, world):
        login(client, world.a.users["operator_opd"])
        response = client.post(
            form_url(world.a),
            {"kunci": "e" * 32, "keuangan": "-5", "fisik": "1"},
            HTTP_X_PANTAU_SYNC="1",
        )
        assert response.status_code == 422 and response.json()["errors"]

    @pytest.mark.parametrize("role", ["kepala_opd", "verifikator", "pimpinan", "auditor", "admin"])
    def test_only_operator_can_post(self, client, world, role):
        login(client, world.a.users[role])
        page = client.get(form_url(world.a))
        assert page.status_code == 200 and 'name="keuangan"' not in page.text
        response = client.post(
            form_url(world.a), {"kunci": "r" * 32, "keuangan": "1", "fisik": "1"}
        )
        assert response.status_code == 403
        assert not Realisasi.objects.exists()

    def test_other_opd_and_other_pemda_404(self, client, world):
        login(client, world.a.users["operator_opd"])
        assert client.get(form_url(world.a, world.a.sub_pupr)).status_code == 404
        assert client.post(form_url(world.b), {"kunci": "z" * 32}).status_code == 404
        assert (
            client.get(reverse("monitoring:laporan", args=[world.a.sub.pk, 13])).status_code == 404
        )

    def test_closed_period_explained(self, client, world, clock):
        clock.set("2026-02-12 10:00")
        login(client, world.a.users["operator_opd"])
        page = client.get(form_url(world.a))
        assert "sudah ditutup" in page.text and 'name="keuangan"' not in page.text
        response = client.post(
            form_url(world.a), {"kunci": "c" * 32, "keuangan": "1", "fisik": "1"}
        )
        assert response.status_code == 422 and "sudah ditutup" in response.text


class TestWorkflowViews:
    def test_kepala_approves_and_verifier_verifies(self, client, world):
        r = realisasi_save(
            actor=world.a.users["operator_opd"],
            sub_kegiatan=world.a.sub,
            periode=PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=1),
            keuangan=Decimal(40_000_000),
            fisik=Decimal(8),
        )
        login(client, world.a.users["operator_opd"])
        client.post(reverse("monitoring:langkah", args=[r.pk]), {"langkah": "submit"})
        login(client, world.a.users["kepala_opd"])
        page = client.get(form_url(world.a))
        assert "Setujui" in page.text and "Kembalikan ke operator" in page.text
        client.post(reverse("monitoring:langkah", args=[r.pk]), {"langkah": "approve"})
        login(client, world.a.users["verifikator"])
        client.post(reverse("monitoring:langkah", args=[r.pk]), {"langkah": "verify"})
        r.refresh_from_db()
        assert r.status == "diverifikasi"

    def test_wrong_role_step_is_forbidden(self, client, world):
        r = realisasi_save(
            actor=world.a.users["operator_opd"],
            sub_kegiatan=world.a.sub,
            periode=PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=1),
            keuangan=Decimal(1),
            fisik=Decimal(1),
        )
        login(client, world.a.users["pimpinan"])
        assert (
            client.post(
                reverse("monitoring:langkah", args=[r.pk]), {"langkah": "submit"}
            ).status_code
            == 403
        )
        login(client, world.b.users["verifikator"])
        assert (
            client.post(
                reverse("monitoring:langkah", args=[r.pk]), {"langkah": "verify"}
            ).status_code
            == 404
        )


class TestGrid:
    def test_all_or_nothing(self, client, world):
        login(client, world.a.users["operator_opd"])
        url = reverse("monitoring:grid")
        assert client.get(url).status_code == 200
        bad = {
            f"keuangan-{world.a.sub.pk}": "10.000.000",
            f"fisik-{world.a.sub.pk}": "5",
            f"keuangan-{world.a.sub2.pk}": "999.000.000",
            f"fisik-{world.a.sub2.pk}": "5",
        }
        response = client.post(url, bad)
        assert response.status_code == 422 and "melebihi pagu" in response.text
        assert not Realisasi.objects.exists()
        bad[f"keuangan-{world.a.sub2.pk}"] = "20.000.000"
        assert client.post(url, bad).status_code == 302
        assert Realisasi.objects.count() == 2

    def test_grid_for_operators_only(self, client, world):
        login(client, world.a.users["kepala_opd"])
        assert client.get(reverse("monitoring:grid")).status_code == 403


class TestComplianceAndHistory:
    def test_compliance_for_bappeda(self, client, world, clock):
        clock.set("2026-02-20 10:00")
        login(client, world.a.users["verifikator"])
        page = client.get(reverse("monitoring:kepatuhan") + "?bulan=1")
        assert page.status_code == 200
        assert world.a.dinkes.nama in page.text and "Ada yang tidak melapor" in page.text
        assert world.b.dinkes.nama not in page.text

    @pytest.mark.parametrize("role", ["operator_opd", "kepala_opd"])
    def test_compliance_hidden_from_opd_roles(self, client, world, role):
        login(client, world.a.users[role])
        assert client.get(reverse("monitoring:kepatuhan")).status_code == 404

    def test_history_says_when_no_workflow_step_is_recorded(self, client, world):
        """A draft has no step yet: the section says so instead of a heading over nothing;
        the columns say which figure is the month's and which the running total."""
        login(client, world.a.users["operator_opd"])
        client.post(form_url(world.a), {"kunci": "t" * 32, "keuangan": "1.000", "fisik": "1"})
        page = client.get(reverse("monitoring:riwayat", args=[world.a.sub.pk])).text
        assert "Belum ada langkah alur kerja yang tercatat" in page
        assert "Keuangan bulan ini" in page and "Fisik kumulatif" in page
        client.post(
            form_url(world.a),
            {"kunci": "u" * 32, "keuangan": "1.000", "fisik": "1", "aksi": "ajukan"},
        )
        page = client.get(reverse("monitoring:riwayat", args=[world.a.sub.pk])).text
        assert "Belum ada langkah alur kerja" not in page and page.count(">Alur kerja<") == 1

    def test_history_and_private_photo_access(self, client, world):
        login(client, world.a.users["operator_opd"])
        from django.core.files.uploadedfile import SimpleUploadedFile

        client.post(
            form_url(world.a),
            {
                "kunci": "h" * 32,
                "keuangan": "1.000",
                "fisik": "1",
                "bukti": SimpleUploadedFile("a.jpg", jpeg(), content_type="image/jpeg"),
            },
        )
        bukti = Bukti.objects.get()
        page = client.get(reverse("monitoring:riwayat", args=[world.a.sub.pk]))
        assert (
            page.status_code == 200
            and reverse("monitoring:bukti-berkas", args=[bukti.pk, "thumb"]) in page.text
        )
        original = client.get(reverse("monitoring:bukti-berkas", args=[bukti.pk, "asli"]))
        assert original.status_code == 200 and b"".join(original.streaming_content) == jpeg()
        login(client, world.b.users["pimpinan"])
        assert (
            client.get(reverse("monitoring:bukti-berkas", args=[bukti.pk, "asli"])).status_code
            == 404
        )
        assert client.get(reverse("monitoring:riwayat", args=[world.a.sub.pk])).status_code == 404
        client.logout()
        assert (
            client.get(reverse("monitoring:bukti-berkas", args=[bukti.pk, "thumb"])).status_code
            == 302
        )


def test_service_worker_served_from_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response["Service-Worker-Allowed"] == "/"
    assert "pantau-pages" in response.content.decode()


class TestIndicatorValuesInForm:
    def test_values_saved_with_report_and_checked(self, client, world, clock):
        from pantau.monitoring.models import RealisasiIndikator
        from pantau.planning.choices import Rumus
        from pantau.planning.services import indikator_create

        clock.set("2026-04-03 09:00")  # March (end of TW I) is open
        ind = indikator_create(
            actor=None,
            induk=world.a.sub,
            nama="Cakupan layanan",
            satuan="%",
            rumus=Rumus.PERSENTASE,
            target_tahunan=Decimal(90),
            target_tw1=Decimal(20),
            target_tw4=Decimal(90),
        )
        login(client, world.a.users["operator_opd"])
        page = client.get(form_url(world.a, bulan=3))
        assert "Cakupan layanan (%)" in page.text and "Akhir triwulan 1" in page.text
        bad = client.post(
            form_url(world.a, bulan=3),
            {"kunci": "i" * 32, "keuangan": "1.000", "fisik": "1", f"indikator-{ind.pk}": "120"},
        )
        assert bad.status_code == 422 and "antara 0 dan 100" in bad.text
        assert not Realisasi.objects.exists() and not RealisasiIndikator.objects.exists()
        ok = client.post(
            form_url(world.a, bulan=3),
            {"kunci": "j" * 32, "keuangan": "1.000", "fisik": "1", f"indikator-{ind.pk}": "22,5"},
        )
        assert ok.status_code == 302
        assert RealisasiIndikator.objects.get().nilai == Decimal("22.5")

    def test_indicator_of_other_sub_refused(self, client, world):
        from pantau.planning.choices import Rumus
        from pantau.planning.services import indikator_create

        other = indikator_create(
            actor=None,
            induk=world.a.sub2,
            nama="Lain",
            satuan="unit",
            rumus=Rumus.TREN_POSITIF,
            target_tahunan=Decimal(2),
        )
        login(client, world.a.users["operator_opd"])
        response = client.post(
            form_url(world.a),
            {"kunci": "o" * 32, "keuangan": "1", "fisik": "1", f"indikator-{other.pk}": "1"},
        )
        assert response.status_code == 422 and not Realisasi.objects.exists()
