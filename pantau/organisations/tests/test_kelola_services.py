"""People and organisation services (issue 11 §2): accounts, profile, passwords, OPD merge and
split with history, and the refusals across pemdas."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import PASSWORD
from pantau.audit.models import AuditEvent
from pantau.organisations import services_kelola as svc
from pantau.organisations.choices import JenisOpd
from pantau.organisations.models import Membership, Opd, OpdRiwayat, Profil
from pantau.organisations.selectors_kelola import account_list, opd_lineage
from pantau.planning.models import SubKegiatan

pytestmark = pytest.mark.django_db
User = get_user_model()
TGL = dt.date(2026, 7, 1)
DASAR = "Perda Kabupaten Uji A Nomor 5 Tahun 2026"


def _admin(world, tag="a"):
    return getattr(world, tag).users["admin"]


class TestAccountCreate:
    def test_creates_account_role_and_temporary_password(self, world):
        a = world.a
        user, temp = svc.account_create(
            actor=_admin(world),
            pemda=a.pemda,
            username="siti.dinkes",
            role="operator_opd",
            opd=a.dinkes,
            first_name="Siti",
            last_name="Aminah",
            email="siti@uji.go.id",
            jabatan="Pengelola Data",
        )
        assert user.check_password(temp) and len(temp) == 19
        m = Membership.objects.get(user=user)
        assert (m.pemda, m.opd, m.role, m.jabatan) == (
            a.pemda,
            a.dinkes,
            "operator_opd",
            "Pengelola Data",
        )
        assert Profil.objects.get(user=user).wajib_ganti_sandi
        assert not user.is_staff and not user.is_superuser
        assert AuditEvent.objects.filter(action="user.create", object_id=str(user.pk)).exists()

    @pytest.mark.parametrize(
        "kwargs, field",
        [
            ({"role": "operator_opd"}, "opd"),  # OPD role without OPD
            ({"role": "raja"}, "role"),
            ({"role": "admin", "email": "bukan-email"}, "email"),
            ({"role": "admin", "username": "admin.a"}, "username"),  # taken (case-insensitive)
            ({"role": "admin", "username": "ada spasi"}, "username"),
        ],
    )
    def test_bad_input_refused_with_field_and_nothing_written(self, world, kwargs, field):
        before = (User.objects.count(), Membership.objects.count(), AuditEvent.objects.count())
        args = {"username": "baru", **kwargs}
        with pytest.raises(ValidationError) as exc:
            svc.account_create(actor=_admin(world), pemda=world.a.pemda, **args)
        assert field in exc.value.message_dict
        assert before == (
            User.objects.count(),
            Membership.objects.count(),
            AuditEvent.objects.count(),
        )

    def test_opd_of_another_pemda_refused(self, world):
        with pytest.raises(ValidationError):
            svc.account_create(
                actor=_admin(world),
                pemda=world.a.pemda,
                username="x",
                role="operator_opd",
                opd=world.b.dinkes,
            )
        assert not User.objects.filter(username="x").exists()

    @pytest.mark.parametrize(
        "role", ["pimpinan", "verifikator", "kepala_opd", "operator_opd", "auditor"]
    )
    def test_only_the_admin_creates(self, world, role):
        with pytest.raises(PermissionDenied):
            svc.account_create(
                actor=world.a.users[role], pemda=world.a.pemda, username="x", role="admin"
            )
        assert not User.objects.filter(username="x").exists()

    def test_admin_of_b_cannot_create_in_a(self, world):
        with pytest.raises(PermissionDenied):
            svc.account_create(
                actor=_admin(world, "b"), pemda=world.a.pemda, username="x", role="admin"
            )
        assert not User.objects.filter(username="x").exists()


class TestAccountChanges:
    def test_role_and_opd_change_through_membership(self, world):
        a = world.a
        user = a.users["verifikator"]
        svc.account_update(
            actor=_admin(world),
            pemda=a.pemda,
            user=user,
            role="kepala_opd",
            opd=a.pupr,
            first_name="Wa Ode",
            jabatan="Kepala Dinas PUPR",
        )
        m = Membership.objects.get(user=user)
        assert (m.role, m.opd, m.jabatan) == ("kepala_opd", a.pupr, "Kepala Dinas PUPR")
        assert User.objects.get(pk=user.pk).first_name == "Wa Ode"

    def test_admin_of_b_cannot_change_or_see_a_person_of_a(self, world):
        user = world.a.users["operator_opd"]
        for call in (
            lambda: svc.account_update(
                actor=_admin(world, "b"), pemda=world.b.pemda, user=user, role="admin"
            ),
            lambda: svc.account_set_active(
                actor=_admin(world, "b"), pemda=world.b.pemda, user=user, aktif=False
            ),
            lambda: svc.account_password_reset(
                actor=_admin(world, "b"), pemda=world.b.pemda, user=user
            ),
            lambda: svc.account_update(
                actor=_admin(world, "b"), pemda=world.a.pemda, user=user, role="admin"
            ),
        ):
            with pytest.raises(PermissionDenied):
                call()
        user.refresh_from_db()
        assert user.is_active and user.check_password(PASSWORD)
        assert Membership.objects.get(user=user).role == "operator_opd"
        assert user not in account_list(pemda=world.b.pemda)

    def test_a_person_with_a_role_in_another_pemda_is_not_the_admins(self, world):
        user = world.a.users["auditor"]
        from pantau.organisations.services import membership_set

        membership_set(actor=None, user=user, pemda=world.b.pemda, role="auditor")
        with pytest.raises(PermissionDenied):
            svc.account_set_active(actor=_admin(world), pemda=world.a.pemda, user=user, aktif=False)

    def test_superuser_accounts_never_changed_by_an_admin(self, world):
        boss = User.objects.create_superuser("root", password=PASSWORD)
        from pantau.organisations.services import membership_set

        membership_set(actor=None, user=boss, pemda=world.a.pemda, role="pimpinan")
        with pytest.raises(PermissionDenied):
            svc.account_password_reset(actor=_admin(world), pemda=world.a.pemda, user=boss)
        assert User.objects.get(pk=boss.pk).check_password(PASSWORD)

    def test_deactivate_and_reactivate(self, world):
        user = world.a.users["operator_opd"]
        svc.account_set_active(actor=_admin(world), pemda=world.a.pemda, user=user, aktif=False)
        assert not User.objects.get(pk=user.pk).is_active
        svc.account_set_active(actor=_admin(world), pemda=world.a.pemda, user=user, aktif=True)
        assert User.objects.get(pk=user.pk).is_active
        assert AuditEvent.objects.filter(action="user.deactivate").count() == 1

    def test_admin_cannot_deactivate_themselves(self, world):
        with pytest.raises(ValidationError):
            svc.account_set_active(
                actor=_admin(world), pemda=world.a.pemda, user=_admin(world), aktif=False
            )

    def test_admin_cannot_drop_their_own_admin_role(self, world):
        admin = _admin(world)
        with pytest.raises(ValidationError) as exc:
            svc.account_update(actor=admin, pemda=world.a.pemda, user=admin, role="auditor")
        assert "role" in exc.value.message_dict
        assert Membership.objects.get(user=admin).role == "admin"

    def test_password_reset_sets_temporary_and_must_change(self, world):
        user = world.a.users["operator_opd"]
        temp = svc.account_password_reset(actor=_admin(world), pemda=world.a.pemda, user=user)
        user.refresh_from_db()
        assert user.check_password(temp) and not user.check_password(PASSWORD)
        assert Profil.objects.get(user=user).wajib_ganti_sandi
        svc.password_set(actor=user, user=user, password="Sandi-Baru-Saya-2026")
        assert not Profil.objects.get(user=user).wajib_ganti_sandi

    def test_weak_own_password_refused(self, world):
        user = world.a.users["operator_opd"]
        with pytest.raises(ValidationError):
            svc.password_set(actor=user, user=user, password="12345678")
        user.refresh_from_db()
        assert user.check_password(PASSWORD)


class TestProfil:
    def test_profile_fields_and_position_on_membership(self, world):
        user = world.a.users["kepala_opd"]
        svc.profil_update(
            actor=user,
            user=user,
            first_name="La Ode",
            last_name="Hasan",
            email="hasan@uji.go.id",
            nip="197001012000031001",
            telepon="0812-3456-7890",
            jabatan="Kepala Dinas",
        )
        p = Profil.objects.get(user=user)
        assert (p.nip, p.telepon) == ("197001012000031001", "081234567890")
        assert Membership.objects.get(user=user).jabatan == "Kepala Dinas"

    @pytest.mark.parametrize(
        "field, value",
        [
            ("nip", "1970010120000310"),
            ("nip", "19700101200003100A"),
            ("telepon", "12345"),
            ("telepon", "0812"),
        ],
    )
    def test_bad_nip_or_phone_refused_and_nothing_changed(self, world, field, value):
        user = world.a.users["kepala_opd"]
        with pytest.raises(ValidationError) as exc:
            svc.profil_update(actor=user, user=user, first_name="X", **{field: value})
        assert field in exc.value.message_dict
        assert not Profil.objects.filter(user=user).exists()
        assert User.objects.get(pk=user.pk).first_name == ""

    @pytest.mark.parametrize(
        "phone", ["+62 812 3456 7890", "6281234567890", "(0404) 21234", "0404-2123456"]
    )
    def test_indonesian_phone_formats_accepted(self, world, phone):
        user = world.a.users["kepala_opd"]
        svc.profil_update(actor=user, user=user, first_name="X", telepon=phone)

    def test_only_the_owner_edits_a_profile(self, world):
        with pytest.raises(PermissionDenied):
            svc.profil_update(actor=_admin(world), user=world.a.users["kepala_opd"], first_name="X")


def _opd_fields(kode, singkatan, **extra):
    return {
        "kode": kode,
        "nama": f"Dinas {singkatan}",
        "singkatan": singkatan,
        "jenis": JenisOpd.DINAS,
        **extra,
    }


class TestOpdMergeSplit:
    def test_merge_into_new_opd_moves_members_and_keeps_history(self, world):
        a = world.a
        r = svc.opd_merge(
            actor=_admin(world),
            pemda=a.pemda,
            asal=[a.dinkes, a.pupr],
            tanggal=TGL,
            dasar_hukum=DASAR,
            baru=_opd_fields("1.02.0.00.0.00.02.0000", "DinkesPU", bidang_urusan="1.02; 1.03"),
        )
        baru = r.hasil.get()
        a.dinkes.refresh_from_db()
        a.pupr.refresh_from_db()
        assert not a.dinkes.aktif and not a.pupr.aktif and baru.aktif
        assert Opd.objects.filter(pk=a.dinkes.pk).exists()  # never deleted
        assert Membership.objects.get(user=a.users["operator_opd"]).opd == baru
        # plans stay with the old OPD, readable
        assert SubKegiatan.objects.get(pk=a.sub.pk).kegiatan.program.opd == a.dinkes
        assert opd_lineage(opd=a.dinkes)["menjadi"][0].hasil.get() == baru
        assert set(opd_lineage(opd=baru)["dari"][0].asal.all()) == {a.dinkes, a.pupr}
        assert r.oleh == _admin(world) and r.dasar_hukum == DASAR
        assert AuditEvent.objects.filter(action="opd.lebur", object_id=str(r.pk)).exists()

    def test_merge_into_one_of_them(self, world):
        a = world.a
        svc.opd_merge(
            actor=_admin(world),
            pemda=a.pemda,
            asal=[a.dinkes, a.pupr],
            tujuan=a.dinkes,
            tanggal=TGL,
            dasar_hukum=DASAR,
        )
        a.dinkes.refresh_from_db()
        a.pupr.refresh_from_db()
        assert a.dinkes.aktif and not a.pupr.aktif

    @pytest.mark.parametrize("case", ["one", "no_basis", "other_pemda", "no_target"])
    def test_merge_refusals_change_nothing(self, world, case):
        a = world.a
        kwargs = {
            "actor": _admin(world),
            "pemda": a.pemda,
            "asal": [a.dinkes, a.pupr],
            "tujuan": a.dinkes,
            "tanggal": TGL,
            "dasar_hukum": DASAR,
        }
        if case == "one":
            kwargs["asal"] = [a.dinkes]
        elif case == "no_basis":
            kwargs["dasar_hukum"] = " "
        elif case == "other_pemda":
            kwargs["asal"] = [a.dinkes, world.b.dinkes]
        else:
            kwargs["tujuan"] = None
        events = AuditEvent.objects.count()
        with pytest.raises((ValidationError, PermissionDenied)):
            svc.opd_merge(**kwargs)
        assert AuditEvent.objects.count() == events and not OpdRiwayat.objects.exists()
        assert Opd.objects.filter(aktif=False).count() == 0

    def test_split_moves_each_member_where_chosen(self, world):
        a = world.a
        op, kep = a.users["operator_opd"], a.users["kepala_opd"]
        r = svc.opd_split(
            actor=_admin(world),
            opd=a.dinkes,
            tanggal=TGL,
            dasar_hukum=DASAR,
            baru=[
                _opd_fields("1.02.0.00.0.00.03.0000", "Dinkes"),
                _opd_fields("1.02.0.00.0.00.04.0000", "RSUD", jenis=JenisOpd.RSUD),
            ],
            anggota={op.pk: 1, kep.pk: 0},
        )
        dinkes2, rsud = sorted(r.hasil.all(), key=lambda o: o.kode)
        assert Membership.objects.get(user=op).opd == rsud
        assert Membership.objects.get(user=kep).opd == dinkes2
        a.dinkes.refresh_from_db()
        assert not a.dinkes.aktif
        assert opd_lineage(opd=rsud)["dari"][0].asal.get() == a.dinkes

    def test_split_without_a_choice_for_every_member_refused(self, world):
        a = world.a
        opds = Opd.objects.count()
        with pytest.raises(ValidationError) as exc:
            svc.opd_split(
                actor=_admin(world),
                opd=a.dinkes,
                tanggal=TGL,
                dasar_hukum=DASAR,
                baru=[
                    _opd_fields("1.02.0.00.0.00.03.0000", "X1"),
                    _opd_fields("1.02.0.00.0.00.04.0000", "X2"),
                ],
                anggota={a.users["operator_opd"].pk: 0},
            )
        assert "kepala_opd.a" in " ".join(exc.value.messages)
        assert Opd.objects.count() == opds

    def test_deactivate_refused_while_accounts_work_there(self, world):
        with pytest.raises(ValidationError):
            svc.opd_set_active(actor=_admin(world), opd=world.a.dinkes, aktif=False)
        svc.opd_set_active(actor=_admin(world), opd=world.a.pupr, aktif=False)
        world.a.pupr.refresh_from_db()
        assert not world.a.pupr.aktif

    def test_admin_of_b_cannot_touch_opds_of_a(self, world):
        with pytest.raises(PermissionDenied):
            svc.opd_set_active(actor=_admin(world, "b"), opd=world.a.pupr, aktif=False)
        with pytest.raises(PermissionDenied):
            svc.opd_save(actor=_admin(world, "b"), pemda=world.b.pemda, opd=world.a.pupr, nama="X")
        world.a.pupr.refresh_from_db()
        assert world.a.pupr.aktif and world.a.pupr.nama != "X"


class TestPersonEventsInThePemdaTrail:
    """A person's own changes and an admin's password reset are in the pemda's audit trail
    (a profile has no pemda of its own: its events had gone to the global chain, out of every
    pemda's list), and every reset is recorded, also of an account that must already change its
    password."""

    def test_every_reset_by_the_admin_is_recorded_in_the_pemda(self, world):
        a = world.a
        user, _temp = svc.account_create(
            actor=_admin(world),
            pemda=a.pemda,
            username="baru.dinkes",
            role="operator_opd",
            opd=a.dinkes,
            first_name="Baru",
        )
        for _ in range(2):  # a new account already must change its password; then again
            svc.account_password_reset(actor=_admin(world), pemda=a.pemda, user=user)
        events = AuditEvent.objects.filter(action="user.password_reset_by_admin")
        assert events.count() == 2
        assert {e.pemda_id for e in events} == {a.pemda.pk}
        assert [e.changes["wajib_ganti_sandi"] for e in events.order_by("id")] == [
            [True, True],
            [True, True],
        ]
        assert AuditEvent.objects.get(action="profil.create").pemda_id == a.pemda.pk

    def test_own_profile_name_and_password_changes_are_in_the_pemda(self, world):
        a = world.a
        user = a.users["kepala_opd"]
        svc.profil_update(
            actor=user, user=user, first_name="La Ode", nip="197001012000031001", telepon=""
        )
        svc.password_set(actor=user, user=user, password="Sandi-Baru-Yang-Panjang-2026")
        for action in ("profil.update", "user.update", "user.password_change"):
            assert AuditEvent.objects.get(action=action).pemda_id == a.pemda.pk, action

    def test_the_pemda_audit_list_shows_them(self, world):
        from pantau.organisations import selectors_audit as sel

        a = world.a
        user = a.users["kepala_opd"]
        svc.profil_update(actor=user, user=user, first_name="La Ode", nip="197001012000031001")
        listed = sel.audit_event_list(pemda=a.pemda, saringan=sel.Saringan())
        assert listed.filter(action="profil.update").exists()
        event = listed.get(action="profil.update")
        assert sel.access_audit_event(user=_admin(world), pk=event.pk) == event


class TestPlainRefusals:
    def test_a_second_active_opd_with_the_same_name_or_short_name_is_refused(self, world):
        a = world.a
        with pytest.raises(ValidationError) as exc:
            svc.opd_save(
                actor=_admin(world),
                pemda=a.pemda,
                kode="7.01.0.00.0.00.99.0000",
                nama=" dinas  kesehatan a ".upper(),
                singkatan=a.dinkes.singkatan.lower(),
                jenis=JenisOpd.DINAS,
            )
        assert set(exc.value.message_dict) == {"nama", "singkatan"}
        assert a.dinkes.kode in exc.value.message_dict["nama"][0]
        assert not Opd.objects.filter(kode="7.01.0.00.0.00.99.0000").exists()

    def test_a_pemda_wide_role_with_an_opd_is_refused_not_cleared_in_silence(self, world):
        a = world.a
        with pytest.raises(ValidationError) as exc:
            svc.account_create(
                actor=_admin(world),
                pemda=a.pemda,
                username="budi.admin",
                role="admin",
                opd=a.dinkes,
                first_name="Budi",
            )
        assert "tidak terikat OPD: kosongkan OPD" in exc.value.message_dict["opd"][0]
        assert not User.objects.filter(username="budi.admin").exists()


def test_a_taken_opd_code_is_said_beside_the_code_field(world):
    a = world.a
    with pytest.raises(ValidationError) as exc:
        svc.opd_save(
            actor=_admin(world),
            pemda=a.pemda,
            kode=a.dinkes.kode,
            nama="Dinas Baru",
            singkatan="Dibar",
            jenis=JenisOpd.DINAS,
        )
    assert exc.value.message_dict["kode"] == ["Kode OPD ini sudah dipakai di pemda ini."]
