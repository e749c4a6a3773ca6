"""Tenancy isolation and per-role visibility of OPD data (selectors, access and views)."""

from decimal import Decimal

import pytest
from django.http import Http404
from django.urls import reverse

from conftest import PASSWORD, verify_report
from pantau.evaluation.selectors_opd import opd_progress, plan_tree_for_opd
from pantau.organisations.access import access_opd, scope_for
from pantau.organisations.selectors import opd_list_for_user
from pantau.planning.selectors import sub_kegiatan_visible

pytestmark = pytest.mark.django_db
PEMDA_WIDE = ["pimpinan", "admin", "verifikator", "auditor"]
OPD_BOUND = ["kepala_opd", "operator_opd"]


class TestSelectors:
    @pytest.mark.parametrize("role", PEMDA_WIDE)
    def test_pemda_wide_roles_see_every_opd_of_their_pemda_only(self, world, role):
        user = world.a.users[role]
        opds = set(opd_list_for_user(user=user))
        assert opds == {world.a.dinkes, world.a.pupr}
        subs = set(sub_kegiatan_visible(user=user))
        assert subs == {world.a.sub, world.a.sub2, world.a.sub_pupr}

    @pytest.mark.parametrize("role", OPD_BOUND)
    def test_opd_roles_see_their_opd_only(self, world, role):
        user = world.a.users[role]
        assert list(opd_list_for_user(user=user)) == [world.a.dinkes]
        assert set(sub_kegiatan_visible(user=user)) == {world.a.sub, world.a.sub2}
        assert set(opd_progress(user=user, tahun_anggaran=world.a.ta, bulan=12)) == {
            world.a.dinkes.pk
        }

    @pytest.mark.parametrize("role", PEMDA_WIDE + OPD_BOUND)
    def test_nothing_crosses_pemda(self, world, role):
        for tenant, other in ((world.a, world.b), (world.b, world.a)):
            user = tenant.users[role]
            assert all(o.pemda_id == tenant.pemda.pk for o in opd_list_for_user(user=user))
            assert all(s.pemda_id == tenant.pemda.pk for s in sub_kegiatan_visible(user=user))
            with pytest.raises(Http404):
                access_opd(user, other.dinkes.pk)
            with pytest.raises(Http404):
                plan_tree_for_opd(user=user, opd=other.dinkes, tahun_anggaran=other.ta, bulan=1)

    def test_operator_cannot_open_other_opd(self, world):
        with pytest.raises(Http404):
            access_opd(world.a.users["operator_opd"], world.a.pupr.pk)

    def test_user_without_membership_sees_nothing(self, world, django_user_model):
        user = django_user_model.objects.create_user("tamu", password=PASSWORD)
        assert scope_for(user).is_empty
        assert not opd_list_for_user(user=user).exists()
        assert not sub_kegiatan_visible(user=user).exists()

    def test_inactive_pemda_hidden(self, world):
        from pantau.organisations.services import pemda_update

        pemda_update(actor=None, pemda=world.a.pemda, aktif=False)
        assert not opd_list_for_user(user=world.a.users["pimpinan"]).exists()


class TestViews:
    def login(self, client, user):
        assert client.login(username=user.username, password=PASSWORD)

    @pytest.mark.parametrize("name", ["organisations:opd-list"])
    def test_anonymous_redirected_to_login(self, client, name):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))

    def test_empty_install_leads_to_the_first_run_screen(self, client, db):
        # no pemda yet: the first-run screen (decision 0019) instead of the sign-in page
        response = client.get(reverse("core:home"))
        assert response.status_code == 302 and response.url == reverse("core:pasang")

    def test_anonymous_opd_detail_redirected(self, client, world):
        response = client.get(reverse("organisations:opd-detail", args=[world.a.dinkes.pk]))
        assert response.status_code == 302

    @pytest.mark.parametrize("role", PEMDA_WIDE + OPD_BOUND)
    def test_role_matrix_on_opd_pages(self, client, world, role):
        self.login(client, world.a.users[role])
        own = client.get(reverse("organisations:opd-detail", args=[world.a.dinkes.pk]))
        assert own.status_code == 200
        assert "1.02.02.2.01.0001" in own.text and "Rp 600.000.000" in own.text
        other_opd = client.get(reverse("organisations:opd-detail", args=[world.a.pupr.pk]))
        assert other_opd.status_code == (200 if role in PEMDA_WIDE else 404)
        other_pemda = client.get(reverse("organisations:opd-detail", args=[world.b.dinkes.pk]))
        assert other_pemda.status_code == 404
        listing = client.get(reverse("organisations:opd-list"))
        assert world.a.dinkes.nama in listing.text
        assert (world.a.pupr.nama in listing.text) == (role in PEMDA_WIDE)
        assert world.b.dinkes.nama not in listing.text

    def test_opd_page_shows_realisation_and_progress(self, client, world, clock):
        clock.set("2026-02-03 08:00")
        from pantau.monitoring.models import PeriodeLaporan
        from pantau.monitoring.services import realisasi_save

        jan = PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=1)
        report = realisasi_save(
            actor=world.a.users["operator_opd"],
            sub_kegiatan=world.a.sub,
            periode=jan,
            keuangan=Decimal(45_000_000),
            fisik=Decimal("7.5"),
        )
        verify_report(world.a, report)
        self.login(client, world.a.users["operator_opd"])
        page = client.get(
            reverse("organisations:opd-detail", args=[world.a.dinkes.pk]) + "?tahun=2026&bulan=1"
        )
        assert "Rp 45.000.000" in page.text
        assert "7,5%" in page.text  # Indonesian decimal comma
        assert "(7,5%)" in page.text  # 45 jt of 600 jt

    def test_htmx_list_returns_partial(self, client, world):
        self.login(client, world.a.users["pimpinan"])
        response = client.get(reverse("organisations:opd-list") + "?q=PUPR", HTTP_HX_REQUEST="true")
        assert "<html" not in response.text
        assert world.a.pupr.nama in response.text and world.a.dinkes.nama not in response.text

    def test_home_shows_pemda_figures(self, client, world):
        self.login(client, world.a.users["pimpinan"])
        response = client.get(reverse("core:home"))
        assert response.status_code == 200
        assert "Kabupaten Uji A" in response.text and "Kabupaten Uji B" not in response.text

    def test_login_error_message_in_indonesian(self, client, world):
        response = client.post(reverse("login"), {"username": "pimpinan.a", "password": "salah"})
        assert "Nama pengguna atau kata sandi salah" in response.text

    def test_bad_query_parameters_do_not_crash(self, client, world):
        self.login(client, world.a.users["pimpinan"])
        url = reverse("organisations:opd-detail", args=[world.a.dinkes.pk])
        for query in ("?tahun=abc&bulan=99", "?tahun=1900", "?bulan=-1", "?jenis=xx"):
            assert client.get(url + query).status_code == 200
            assert client.get(reverse("organisations:opd-list") + query).status_code == 200
