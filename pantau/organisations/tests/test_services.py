import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from pantau.audit.models import AuditEvent
from pantau.demo.plan import DATA
from pantau.organisations.choices import JenisOpd, Role
from pantau.organisations.models import Membership, Opd, Pemda, Wilayah
from pantau.organisations.services import (
    membership_remove,
    membership_set,
    opd_create,
    opd_update,
    pemda_create,
    user_create,
    wilayah_load,
)

pytestmark = pytest.mark.django_db
WAKATOBI = DATA / "wakatobi_wilayah_kepmendagri_2025.csv"


class TestWilayahLoad:
    def test_loads_real_wakatobi(self):
        result = wilayah_load(actor=None, path=WAKATOBI, sumber="Kepmendagri 300.2.2-2430/2025")
        pemda = result.pemda
        assert (pemda.kode, pemda.nama) == ("74.07", "Kabupaten Wakatobi")
        qs = Wilayah.objects.filter(pemda=pemda)
        assert qs.filter(tingkat="kecamatan").count() == 8
        assert qs.filter(tingkat="desa_kelurahan").count() == 100
        assert qs.filter(jenis="kelurahan").count() == 25
        assert qs.filter(jenis="desa").count() == 75
        tomia = qs.get(kode="74.07.03")
        assert tomia.nama == "Tomia" and tomia.anak.count() == 10
        assert AuditEvent.objects.filter(action="wilayah.create").count() == 109
        assert AuditEvent.objects.filter(action="pemda.create").count() == 1

    def test_reload_changes_nothing(self):
        wilayah_load(actor=None, path=WAKATOBI)
        result = wilayah_load(actor=None, path=WAKATOBI)
        assert (result.created, result.updated, result.unchanged) == (0, 0, 109)
        assert AuditEvent.objects.filter(action="wilayah.update").count() == 0

    def test_other_pemda_file_of_same_shape(self, tmp_path):
        path = tmp_path / "lain.csv"
        path.write_text(
            "kode,nama,tingkat,jenis,kode_induk\n"
            "74.01,Kabupaten Buton,kabupaten,,74\n74.01.01,Pasarwajo,kecamatan,,74.01\n"
            "74.01.01.1001,Pasarwajo,desa_kelurahan,kelurahan,74.01.01\n"
        )
        result = wilayah_load(actor=None, path=path)
        assert result.pemda.kode == "74.01" and result.created == 3

    @pytest.mark.parametrize(
        ("row", "fragment"),
        [
            ("74.07.01.3001,X,desa_kelurahan,desa,74.07.01", "tidak sesuai format"),
            ("74.07.01.1009,X,desa_kelurahan,desa,74.07.01", "kode kelurahan"),
            ("74.07.09.2001,X,desa_kelurahan,desa,74.07.09", "tidak ada di berkas"),
        ],
    )
    def test_bad_row_writes_nothing(self, tmp_path, row, fragment):
        path = tmp_path / "bad.csv"
        path.write_text(WAKATOBI.read_text() + row + "\n")
        with pytest.raises(ValidationError) as exc:
            wilayah_load(actor=None, path=path)
        assert fragment in " ".join(exc.value.messages)
        assert Pemda.objects.count() == 0 and Wilayah.objects.count() == 0
        assert AuditEvent.objects.count() == 0


class TestOpd:
    def test_create_and_update_audited(self):
        pemda = pemda_create(actor=None, kode="74.07", nama="Kabupaten Wakatobi")
        opd = opd_create(
            actor=None,
            pemda=pemda,
            kode="2.16.2.20.2.21.01.0000",
            nama="Diskominfo-SP",
            singkatan="Kominfo",
            jenis=JenisOpd.DINAS,
            kepala_nip="198001012005011001",
        )
        opd_update(actor=None, opd=opd, nama="Dinas Kominfo SP")
        event = AuditEvent.objects.get(action="opd.update")
        assert event.changes == {"nama": ["Diskominfo-SP", "Dinas Kominfo SP"]}
        assert (
            event.opd_id is None and event.pemda_id == pemda.pk
        )  # the OPD row itself has no opd_id

    @pytest.mark.parametrize(
        ("fields", "fragment"),
        [
            ({"kode": "2.16.01"}, "U.BB.U.BB.U.BB.NN.UUUU"),
            ({"kepala_nip": "12345"}, "18 angka"),
        ],
    )
    def test_bad_codes_refused(self, fields, fragment):
        pemda = pemda_create(actor=None, kode="74.07", nama="Kabupaten Wakatobi")
        params = {
            "kode": "2.16.2.20.2.21.01.0000",
            "nama": "X",
            "singkatan": "X",
            "jenis": JenisOpd.DINAS,
        }
        params.update(fields)
        with pytest.raises(ValidationError) as exc:
            opd_create(actor=None, pemda=pemda, **params)
        assert fragment in " ".join(exc.value.messages)
        assert Opd.objects.count() == 0

    def test_bad_pemda_code_and_timezone(self):
        with pytest.raises(ValidationError):
            pemda_create(actor=None, kode="7407", nama="X")
        with pytest.raises(ValidationError):
            pemda_create(actor=None, kode="74.07", nama="X", zona_waktu="Mars/Olympus")
        assert Pemda.objects.count() == 0


class TestMembership:
    def test_opd_role_needs_opd(self, world):
        user = user_create(actor=None, username="baru", password="x-Long-passw0rd")
        with pytest.raises(ValidationError):
            membership_set(actor=None, user=user, pemda=world.a.pemda, role=Role.OPERATOR_OPD)
        with pytest.raises(ValidationError):
            membership_set(
                actor=None, user=user, pemda=world.a.pemda, role=Role.PIMPINAN, opd=world.a.dinkes
            )

    def test_opd_of_other_pemda_refused(self, world):
        user = user_create(actor=None, username="baru", password="x-Long-passw0rd")
        with pytest.raises(ValidationError):
            membership_set(
                actor=None,
                user=user,
                pemda=world.a.pemda,
                role=Role.OPERATOR_OPD,
                opd=world.b.dinkes,
            )
        assert not Membership.objects.filter(user=user).exists()

    def test_role_change_audited_and_removed(self, world):
        user = world.a.users["operator_opd"]
        m = membership_set(
            actor=None, user=user, pemda=world.a.pemda, role=Role.KEPALA_OPD, opd=world.a.dinkes
        )
        event = AuditEvent.objects.filter(action="membership.update").get()
        assert event.changes == {"role": ["operator_opd", "kepala_opd"]}
        membership_remove(actor=None, membership=m)
        assert AuditEvent.objects.filter(action="membership.delete").exists()

    def test_database_constraint_backs_the_rule(self, world):
        with pytest.raises(IntegrityError):
            Membership.objects.create(
                user=world.a.users["pimpinan"], pemda=world.b.pemda, role="operator_opd"
            )

    def test_duplicate_username_refused(self, world):
        with pytest.raises(ValidationError) as exc:
            user_create(actor=None, username="PIMPINAN.a", password="x-Long-passw0rd")
        assert "sudah dipakai" in exc.value.messages[0]
