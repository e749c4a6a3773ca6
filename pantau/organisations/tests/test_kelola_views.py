"""The people and organisation screens per role, and every user's password pages (issue 11 §2)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from conftest import PASSWORD
from pantau.audit.models import AuditEvent
from pantau.organisations.models import Membership, Opd, OpdRiwayat, Profil

pytestmark = pytest.mark.django_db
User = get_user_model()
NOT_ADMIN = ["pimpinan", "verifikator", "kepala_opd", "operator_opd", "auditor"]


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _new_account(**extra):
    return {
        "username": "siti.dinkes",
        "first_name": "Siti",
        "last_name": "Aminah",
        "email": "siti@uji.go.id",
        "role": "operator_opd",
        "jabatan": "Pengelola Data",
        **extra,
    }


class TestWhoReachesKelola:
    @pytest.mark.parametrize("role", NOT_ADMIN)
    def test_other_roles_get_404_and_nothing_changes(self, client, world, role):
        a = world.a
        _login(client, a.users[role])
        target = a.users["operator_opd"]
        for url in (
            reverse("kelola:akun-list"),
            reverse("kelola:akun-baru"),
            reverse("kelola:akun-detail", args=[target.pk]),
            reverse("kelola:opd-list"),
            reverse("kelola:opd-detail", args=[a.pupr.pk]),
        ):
            assert client.get(url).status_code == 404, url
        events = AuditEvent.objects.count()
        posts = [
            (reverse("kelola:akun-baru"), _new_account(opd=a.dinkes.pk)),
            (reverse("kelola:akun-aktif", args=[target.pk]), {"aktif": "0"}),
            (reverse("kelola:akun-reset-sandi", args=[target.pk]), {}),
            (reverse("kelola:opd-aktif", args=[a.pupr.pk]), {"aktif": "0"}),
            (
                reverse("kelola:opd-baru"),
                {"kode": "1.02.0.00.0.00.09.0000", "nama": "X", "singkatan": "X", "jenis": "dinas"},
            ),
        ]
        for url, data in posts:
            assert client.post(url, data).status_code == 404, url
        assert AuditEvent.objects.count() == events
        target.refresh_from_db()
        assert target.is_active and target.check_password(PASSWORD)
        assert not User.objects.filter(username="siti.dinkes").exists()

    def test_visitor_is_sent_to_sign_in(self, client, world):
        response = client.get(reverse("kelola:akun-list"))
        assert response.status_code == 302 and reverse("login") in response["Location"]

    def test_admin_of_b_sees_none_of_a(self, client, world):
        _login(client, world.b.users["admin"])
        page = client.get(reverse("kelola:akun-list")).content.decode()
        assert "admin.b" in page and "operator_opd.a" not in page
        # asking for pemda A by id, or an A account/OPD under B: 404, nothing changes
        assert (
            client.get(reverse("kelola:akun-list") + f"?pemda={world.a.pemda.pk}").status_code
            == 404
        )
        a_user = world.a.users["operator_opd"]
        assert client.get(reverse("kelola:akun-detail", args=[a_user.pk])).status_code == 404
        assert (
            client.post(reverse("kelola:akun-aktif", args=[a_user.pk]), {"aktif": "0"}).status_code
            == 404
        )
        assert (
            client.post(
                reverse("kelola:akun-reset-sandi", args=[a_user.pk]) + f"?pemda={world.a.pemda.pk}"
            ).status_code
            == 404
        )
        assert client.get(reverse("kelola:opd-detail", args=[world.a.dinkes.pk])).status_code == 404
        a_user.refresh_from_db()
        assert a_user.is_active and a_user.check_password(PASSWORD)

    def test_superuser_manages_any_pemda(self, client, world):
        User.objects.create_superuser("root", password=PASSWORD)
        client.login(username="root", password=PASSWORD)
        page = client.get(reverse("kelola:akun-list") + f"?pemda={world.b.pemda.pk}")
        assert page.status_code == 200 and "admin.b" in page.content.decode()


class TestAdminAccountScreens:
    def test_create_shows_temporary_password_once(self, client, world):
        a = world.a
        _login(client, a.users["admin"])
        response = client.post(reverse("kelola:akun-baru"), _new_account(opd=a.dinkes.pk))
        assert response.status_code == 200
        temp = response.context["sandi"]
        assert temp in response.content.decode()
        assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
        user = User.objects.get(username="siti.dinkes")
        assert user.check_password(temp)
        assert Membership.objects.get(user=user).opd == a.dinkes

    def test_opd_role_without_opd_refused_beside_the_field(self, client, world):
        _login(client, world.a.users["admin"])
        response = client.post(reverse("kelola:akun-baru"), _new_account())
        assert response.status_code == 200
        assert response.context["form"].errors["opd"]
        assert not User.objects.filter(username="siti.dinkes").exists()

    def test_opd_of_another_pemda_not_offered(self, client, world):
        _login(client, world.a.users["admin"])
        response = client.post(reverse("kelola:akun-baru"), _new_account(opd=world.b.dinkes.pk))
        assert response.context["form"].errors["opd"]
        assert not User.objects.filter(username="siti.dinkes").exists()

    def test_search_and_filters(self, client, world):
        _login(client, world.a.users["admin"])
        url = reverse("kelola:akun-list")
        rows = lambda q: {u.username for u in client.get(url + q).context["rows"]}  # noqa: E731
        assert rows("?role=auditor") == {"auditor.a"}
        assert rows(f"?opd={world.a.dinkes.pk}") == {"kepala_opd.a", "operator_opd.a"}
        assert rows("?q=verif") == {"verifikator.a"}
        User.objects.filter(username="auditor.a").update(is_active=False)
        assert rows("?aktif=0") == {"auditor.a"}

    def test_change_role_deactivate_and_reset(self, client, world):
        a = world.a
        _login(client, a.users["admin"])
        user = a.users["verifikator"]
        response = client.post(
            reverse("kelola:akun-detail", args=[user.pk]),
            {"first_name": "Wa Ode", "role": "kepala_opd", "opd": a.pupr.pk},
        )
        assert response.status_code == 302
        assert Membership.objects.get(user=user).role == "kepala_opd"
        client.post(reverse("kelola:akun-aktif", args=[user.pk]), {"aktif": "0"})
        assert not User.objects.get(pk=user.pk).is_active
        response = client.post(reverse("kelola:akun-reset-sandi", args=[user.pk]))
        assert User.objects.get(pk=user.pk).check_password(response.context["sandi"])


class TestTemporaryPasswordMustBeChanged:
    def test_first_sign_in_leads_to_password_change_and_then_free(self, client, world):
        _login(client, world.a.users["admin"])
        temp = client.post(
            reverse("kelola:akun-baru"), _new_account(opd=world.a.dinkes.pk)
        ).context["sandi"]
        client.logout()
        assert client.login(username="siti.dinkes", password=temp)
        response = client.get(reverse("monitoring:daftar"))
        assert response.status_code == 302 and response["Location"] == reverse("akun:sandi")
        assert "sementara" in client.get(reverse("akun:sandi")).content.decode()
        response = client.post(
            reverse("akun:sandi"),
            {
                "old_password": temp,
                "new_password1": "Laut-Biru-Wangi-2026",
                "new_password2": "Laut-Biru-Wangi-2026",
            },
        )
        assert response.status_code == 302
        assert not Profil.objects.get(user__username="siti.dinkes").wajib_ganti_sandi
        page = client.get(reverse("monitoring:daftar"))
        assert page.status_code == 200
        # the redirects before the change left no stale "change your temporary password"
        assert "sementara" not in page.content.decode()
        assert AuditEvent.objects.filter(action="user.password_change").exists()


class TestOwnPassword:
    def test_change_with_validators(self, client, world):
        user = world.a.users["operator_opd"]
        _login(client, user)
        response = client.post(
            reverse("akun:sandi"),
            {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
        )
        assert response.status_code == 200 and response.context["form"].errors
        user.refresh_from_db()
        assert user.check_password(PASSWORD)

    def test_wrong_old_password_refused(self, client, world):
        user = world.a.users["operator_opd"]
        _login(client, user)
        response = client.post(
            reverse("akun:sandi"),
            {
                "old_password": "salah",
                "new_password1": "Laut-Biru-Wangi-2026",
                "new_password2": "Laut-Biru-Wangi-2026",
            },
        )
        assert response.status_code == 200
        user.refresh_from_db()
        assert user.check_password(PASSWORD)


class TestForgottenPassword:
    def test_reset_by_email_link_once(self, client, world):
        user = world.a.users["operator_opd"]
        User.objects.filter(pk=user.pk).update(email="op@uji.go.id")
        login_page = client.get(reverse("login")).content.decode()
        assert reverse("akun:sandi-lupa") in login_page and "Lupa kata sandi?" in login_page
        response = client.post(reverse("akun:sandi-lupa"), {"email": "op@uji.go.id"})
        assert response.status_code == 302
        assert len(mail.outbox) == 1
        body = mail.outbox[0].body
        assert "kata sandi baru" in body and "op@uji.go.id" in mail.outbox[0].to
        link = re.search(r"https?://[^/]+(/akun/sandi/reset/\S+)", body).group(1)
        form_page = client.get(link, follow=True)
        assert form_page.context["validlink"]
        new = "Karang-Tomia-Indah-2026"
        post_url = form_page.redirect_chain[-1][0]
        response = client.post(post_url, {"new_password1": new, "new_password2": new})
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.check_password(new)
        assert AuditEvent.objects.filter(
            action="user.password_reset", object_id=str(user.pk)
        ).exists()
        # the link is spent
        again = client.get(link, follow=True)
        assert not again.context["validlink"]

    def test_unknown_address_answers_the_same_and_sends_nothing(self, client, world):
        known = world.a.users["operator_opd"]
        User.objects.filter(pk=known.pk).update(email="op@uji.go.id")
        r1 = client.post(reverse("akun:sandi-lupa"), {"email": "tidak.ada@uji.go.id"})
        r2 = client.post(reverse("akun:sandi-lupa"), {"email": "op@uji.go.id"})
        assert r1.status_code == r2.status_code == 302 and r1["Location"] == r2["Location"]
        assert len(mail.outbox) == 1

    def test_email_in_english_for_english_users(self, client, world):
        User.objects.filter(pk=world.a.users["operator_opd"].pk).update(email="op@uji.go.id")
        client.post(reverse("set_language"), {"language": "en", "next": "/"})
        client.post(reverse("akun:sandi-lupa"), {"email": "op@uji.go.id"})
        assert "new password" in mail.outbox[0].body.lower()


class TestProfilPage:
    def test_profile_saved_and_bad_nip_refused(self, client, world):
        user = world.a.users["kepala_opd"]
        _login(client, user)
        bad = client.post(reverse("akun:profil"), {"first_name": "La Ode", "nip": "123"})
        assert bad.status_code == 200 and bad.context["form"].errors["nip"]
        assert not Profil.objects.filter(user=user).exists()
        ok = client.post(
            reverse("akun:profil"),
            {
                "first_name": "La Ode",
                "nip": "197001012000031001",
                "telepon": "0812 3456 7890",
                "jabatan": "Kepala Dinas",
            },
        )
        assert ok.status_code == 302
        assert Profil.objects.get(user=user).telepon == "081234567890"
        assert Membership.objects.get(user=user).jabatan == "Kepala Dinas"


class TestOpdScreens:
    def test_merge_through_the_screen_and_lineage_links(self, client, world):
        a = world.a
        _login(client, a.users["admin"])
        response = client.post(
            reverse("kelola:opd-lebur"),
            {
                "asal": [a.dinkes.pk, a.pupr.pk],
                "tujuan": a.dinkes.pk,
                "tanggal": "2026-07-01",
                "dasar_hukum": "Perda 5/2026",
            },
        )
        assert response.status_code == 302
        assert OpdRiwayat.objects.get().jenis == "lebur"
        page = client.get(reverse("kelola:opd-detail", args=[a.pupr.pk])).content.decode()
        assert "Dilebur ke" in page and a.dinkes.nama in page
        assert not Opd.objects.get(pk=a.pupr.pk).aktif

    def test_split_through_the_screen(self, client, world):
        a = world.a
        _login(client, a.users["admin"])
        data = {"kirim": "1", "jumlah": "2", "tanggal": "2026-07-01", "dasar_hukum": "Perda 5/2026"}
        for i, kode in enumerate(["1.02.0.00.0.00.03.0000", "1.02.0.00.0.00.04.0000"]):
            data |= {
                f"kode_{i}": kode,
                f"nama_{i}": f"OPD {i}",
                f"singkatan_{i}": f"O{i}",
                f"jenis_{i}": "dinas",
            }
        data |= {
            f"anggota_{a.users['kepala_opd'].pk}": "0",
            f"anggota_{a.users['operator_opd'].pk}": "1",
        }
        response = client.post(reverse("kelola:opd-pecah", args=[a.dinkes.pk]), data)
        assert response.status_code == 302, response.context["form"].errors
        assert Membership.objects.get(user=a.users["operator_opd"]).opd.singkatan == "O1"
        page = client.get(reverse("kelola:opd-detail", args=[a.dinkes.pk])).content.decode()
        assert "Dipecah menjadi" in page

    def test_duplicate_code_refused_beside_the_field(self, client, world):
        _login(client, world.a.users["admin"])
        response = client.post(
            reverse("kelola:opd-baru"),
            {
                "kode": world.a.dinkes.kode,
                "nama": "Dinas Lain",
                "singkatan": "DL",
                "jenis": "dinas",
            },
        )
        assert response.status_code == 200
        assert "sudah dipakai" in response.content.decode()
        assert not Opd.objects.filter(singkatan="DL").exists()


def test_an_empty_account_csv_is_named_as_empty(client, world):
    """A 0-byte file chosen is not answered "Pilih berkas CSV" (choose a file)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    _login(client, world.a.users["admin"])
    page = client.post(
        reverse("kelola:akun-impor") + f"?pemda={world.a.pemda.pk}",
        {"pemda": world.a.pemda.pk, "berkas": SimpleUploadedFile("akun.csv", b"", "text/csv")},
    ).content.decode()
    assert "Berkas akun.csv kosong (0 bita)" in page and "Pilih berkas CSV." not in page
