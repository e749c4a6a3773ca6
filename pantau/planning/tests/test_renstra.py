"""Renstra data (decision 0038): the period, sasaran, program sasaran, Renstra targets and
earlier-year realisations, through their services and selectors."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from conftest import YEAR
from pantau.audit.models import AuditEvent
from pantau.planning.models import (
    PeriodeRenstra,
    ProgramSasaran,
    RealisasiRenstra,
    Sasaran,
    TargetRenstra,
)
from pantau.planning.selectors_renstra import periode_renstra_for, renstra_rows, sasaran_list
from pantau.planning.services import indikator_create
from pantau.planning.services_renstra import (
    periode_renstra_create,
    periode_renstra_update,
    program_sasaran_set,
    program_sasaran_set_many,
    renstra_indikator_set,
    renstra_indikator_set_many,
    sasaran_create,
    sasaran_delete,
    sasaran_set_many,
    sasaran_update,
)

pytestmark = pytest.mark.django_db


def _events(action):
    return AuditEvent.objects.filter(action=action).count()


@pytest.fixture
def renstra(world):
    a = world.a
    periode = periode_renstra_create(
        actor=None, opd=a.dinkes, tahun_awal=YEAR - 2, tahun_akhir=YEAR + 2
    )
    outcome = indikator_create(
        actor=None, induk=a.program, nama="Cakupan layanan", satuan="%", rumus=1, target_tahunan=80
    )
    output = indikator_create(
        actor=None, induk=a.kegiatan, nama="Puskesmas", satuan="unit", rumus=1, target_tahunan=3
    )
    return a, periode, outcome, output


class TestPeriodeRenstra:
    def test_created_with_audit(self, world):
        p = periode_renstra_create(
            actor=world.a.users["operator_opd"],
            opd=world.a.dinkes,
            tahun_awal=2024,
            tahun_akhir=2028,
        )
        assert (p.tahun_awal, p.tahun_akhir, p.pemda_id) == (2024, 2028, world.a.pemda.pk)
        assert _events("periode_renstra.create") == 1

    @pytest.mark.parametrize(("awal", "akhir"), [(2024, 2030), (2026, 2025)])
    def test_longer_than_six_years_or_reversed_refused(self, world, awal, akhir):
        with pytest.raises(ValidationError) as exc:
            periode_renstra_create(
                actor=None, opd=world.a.dinkes, tahun_awal=awal, tahun_akhir=akhir
            )
        assert "1 sampai 6 tahun" in " ".join(exc.value.messages)
        assert not PeriodeRenstra.objects.exists()

    def test_overlap_with_another_period_refused(self, world):
        periode_renstra_create(actor=None, opd=world.a.dinkes, tahun_awal=2021, tahun_akhir=2025)
        with pytest.raises(ValidationError) as exc:
            periode_renstra_create(
                actor=None, opd=world.a.dinkes, tahun_awal=2025, tahun_akhir=2029
            )
        assert "2021–2025" in " ".join(exc.value.messages)
        # another OPD's period may span the same years
        periode_renstra_create(actor=None, opd=world.a.pupr, tahun_awal=2025, tahun_akhir=2029)

    def test_database_refuses_seven_years_too(self, world):
        with pytest.raises(IntegrityError), transaction.atomic():
            PeriodeRenstra.objects.create(
                pemda=world.a.pemda, opd=world.a.dinkes, tahun_awal=2020, tahun_akhir=2026
            )

    def test_other_opd_operator_refused(self, world):
        with pytest.raises(PermissionDenied):
            periode_renstra_create(
                actor=world.a.users["operator_opd"],
                opd=world.a.pupr,
                tahun_awal=2024,
                tahun_akhir=2028,
            )
        assert not PeriodeRenstra.objects.exists()

    def test_update_may_not_leave_a_used_plan_year_outside(self, renstra):
        _a, periode, outcome, _ = renstra
        renstra_indikator_set(actor=None, indikator=outcome, target_k="95", target_rp="1000")
        with pytest.raises(ValidationError) as exc:
            periode_renstra_update(
                actor=None, periode=periode, tahun_awal=YEAR + 1, tahun_akhir=YEAR + 3
            )
        assert str(YEAR) in exc.value.messages[0]
        periode.refresh_from_db()
        assert periode.tahun_awal == YEAR - 2
        periode_renstra_update(
            actor=None, periode=periode, tahun_awal=YEAR - 1, tahun_akhir=YEAR + 3
        )
        assert _events("periode_renstra.update") == 1


class TestSasaran:
    def test_program_serves_several_sasaran_and_can_be_cleared(self, renstra):
        a, periode, _o, _k = renstra
        s1 = sasaran_create(
            actor=None,
            periode=periode,
            kode="S1",
            uraian="Meningkatnya derajat kesehatan",
            indikator="Angka harapan hidup",
        )
        s2 = sasaran_create(actor=None, periode=periode, kode="S2", uraian="Menurunnya stunting")
        program_sasaran_set(actor=a.users["operator_opd"], program=a.program, sasaran=[s2, s1])
        assert sorted(ProgramSasaran.objects.values_list("sasaran__kode", flat=True)) == [
            "S1",
            "S2",
        ]
        event = AuditEvent.objects.filter(action="program_sasaran.set").get()
        assert event.changes == {"sasaran": [[], ["S1", "S2"]]}
        program_sasaran_set(actor=None, program=a.program, sasaran=[s1, s2])  # same: no event
        assert _events("program_sasaran.set") == 1
        program_sasaran_set(actor=None, program=a.program, sasaran=[])
        assert not ProgramSasaran.objects.exists()

    def test_sasaran_of_another_opd_refused(self, renstra, world):
        a, _periode, _o, _k = renstra
        other = periode_renstra_create(
            actor=None, opd=a.pupr, tahun_awal=YEAR, tahun_akhir=YEAR + 4
        )
        foreign = sasaran_create(actor=None, periode=other, kode="P1", uraian="Jalan mantap")
        with pytest.raises(ValidationError):
            program_sasaran_set(actor=None, program=a.program, sasaran=[foreign])
        assert not ProgramSasaran.objects.exists()

    def test_duplicate_code_empty_text_and_delete_in_use(self, renstra):
        a, periode, _o, _k = renstra
        s1 = sasaran_create(actor=None, periode=periode, kode="S1", uraian="Sehat")
        with pytest.raises(ValidationError):
            sasaran_create(actor=None, periode=periode, kode="S1", uraian="Lagi")
        with pytest.raises(ValidationError) as exc:
            sasaran_update(actor=None, sasaran=s1, kode="S1", uraian="  ")
        assert "wajib" in exc.value.messages[0]
        program_sasaran_set(actor=None, program=a.program, sasaran=[s1])
        with pytest.raises(ValidationError) as exc:
            sasaran_delete(actor=None, sasaran=s1)
        assert "1.02.02" in exc.value.messages[0]
        program_sasaran_set(actor=None, program=a.program, sasaran=[])
        sasaran_delete(actor=None, sasaran=s1)
        assert not Sasaran.objects.exists()
        assert _events("sasaran.delete") == 1


class TestTargetRenstra:
    def test_target_and_earlier_years_set_in_one_audited_step(self, renstra):
        a, periode, outcome, _ = renstra
        renstra_indikator_set(
            actor=a.users["operator_opd"],
            indikator=outcome,
            target_k="95,5",
            target_rp="1.250.000.000,50",
            realisasi={YEAR - 2: ("70", "200000000"), YEAR - 1: ("78,25", "")},
        )
        t = TargetRenstra.objects.get()
        assert (t.target_k, t.target_rp, t.periode_id) == (
            Decimal("95.5"),
            Decimal("1250000000.50"),
            periode.pk,
        )
        years = {r.tahun: (r.realisasi_k, r.realisasi_rp) for r in RealisasiRenstra.objects.all()}
        assert years == {
            YEAR - 2: (Decimal("70"), Decimal("200000000")),
            YEAR - 1: (Decimal("78.25"), None),
        }
        event = AuditEvent.objects.filter(action="target_renstra.set").get()
        assert event.changes["target"] == [None, ["95.5", "1250000000.5"]]
        assert event.changes[f"realisasi_{YEAR - 1}"] == [None, ["78.25", None]]
        # the same values again change nothing and write no event
        renstra_indikator_set(
            actor=None,
            indikator=outcome,
            target_k="95.5",
            target_rp="1250000000.5",
            realisasi={YEAR - 2: ("70", "200000000"), YEAR - 1: ("78.25", "")},
        )
        assert _events("target_renstra.set") == 1

    @pytest.mark.parametrize(
        ("k", "rp", "text"),
        [
            ("-1", "", "negatif"),
            ("5", "-10", "negatif"),
            ("5", "100,555", "2 angka"),
            ("1,00001", "", "4 angka"),
            ("lima", "", "bukan angka"),
            ("", "1000", "wajib"),
        ],
    )
    def test_bad_values_refused_and_nothing_written(self, renstra, k, rp, text):
        _a, _p, outcome, _ = renstra
        with pytest.raises(ValidationError) as exc:
            renstra_indikator_set(actor=None, indikator=outcome, target_k=k, target_rp=rp)
        assert text in " ".join(exc.value.messages)
        assert not TargetRenstra.objects.exists()
        assert _events("target_renstra.set") == 0

    @pytest.mark.parametrize("offset", [-3, 0, 1])
    def test_realisation_only_in_earlier_years_of_the_period(self, renstra, offset):
        _a, _p, outcome, _ = renstra
        with pytest.raises(ValidationError) as exc:
            renstra_indikator_set(
                actor=None, indikator=outcome, target_k="1", realisasi={YEAR + offset: ("1", "")}
            )
        assert f"{YEAR - 2} sampai {YEAR - 1}" in exc.value.messages[0]
        assert not RealisasiRenstra.objects.exists()

    def test_no_period_for_the_year_refused(self, world):
        ind = indikator_create(
            actor=None, induk=world.a.program, nama="X", satuan="%", rumus=1, target_tahunan=1
        )
        with pytest.raises(ValidationError) as exc:
            renstra_indikator_set(actor=None, indikator=ind, target_k="1")
        assert "periode Renstra" in exc.value.messages[0]

    def test_sub_kegiatan_indicator_refused(self, renstra):
        a, _p, _o, _k = renstra
        ind = indikator_create(
            actor=None, induk=a.sub, nama="Gedung", satuan="unit", rumus=1, target_tahunan=1
        )
        with pytest.raises(ValidationError) as exc:
            renstra_indikator_set(actor=None, indikator=ind, target_k="1")
        assert "program atau kegiatan" in exc.value.messages[0]

    def test_clearing_removes_target_and_years(self, renstra):
        _a, _p, outcome, _ = renstra
        renstra_indikator_set(
            actor=None, indikator=outcome, target_k="9", realisasi={YEAR - 1: ("3", "")}
        )
        renstra_indikator_set(actor=None, indikator=outcome, target_k="", realisasi={})
        assert not TargetRenstra.objects.exists()
        assert not RealisasiRenstra.objects.exists()
        assert _events("target_renstra.set") == 2

    def test_inactive_opd_keeps_its_data(self, renstra):
        from pantau.organisations.models import Opd

        a, _p, outcome, _ = renstra
        Opd.objects.filter(pk=a.dinkes.pk).update(aktif=False)
        with pytest.raises(ValidationError) as exc:
            renstra_indikator_set(actor=None, indikator=outcome, target_k="1")
        assert "tidak aktif" in exc.value.messages[0]


class TestSelectors:
    def test_rows_carry_target_years_and_sasaran_for_e81(
        self, renstra, django_assert_max_num_queries
    ):
        a, periode, outcome, output = renstra
        s1 = sasaran_create(actor=None, periode=periode, kode="S1", uraian="Sehat")
        program_sasaran_set(actor=None, program=a.program, sasaran=[s1])
        renstra_indikator_set(
            actor=None,
            indikator=output,
            target_k="12",
            target_rp="500",
            realisasi={YEAR - 2: ("2", "100"), YEAR - 1: ("3", "90")},
        )
        user = a.users["kepala_opd"]
        with django_assert_max_num_queries(12):
            rows = renstra_rows(user=user, opd=a.dinkes, tahun_anggaran=a.ta)
        assert [(r.tingkat, r.indikator.pk) for r in rows] == [
            ("program", outcome.pk),
            ("kegiatan", output.pk),
        ]
        assert rows[0].target is None and rows[0].realisasi == []
        assert rows[1].target.target_k == Decimal("12")
        assert [r.tahun for r in rows[1].realisasi] == [YEAR - 2, YEAR - 1]
        assert rows[1].realisasi_tahun(YEAR - 1).realisasi_rp == Decimal("90")
        assert [s.kode for s in rows[1].sasaran] == ["S1"]
        assert periode_renstra_for(user=user, opd=a.dinkes, tahun=YEAR) == periode
        assert [s.kode for s in sasaran_list(user=user, periode=periode)] == ["S1"]

    def test_other_pemda_and_other_opd_see_nothing(self, renstra, world):
        a, periode, _o, _k = renstra
        b_admin = world.b.users["admin"]
        assert renstra_rows(user=b_admin, opd=a.dinkes, tahun_anggaran=a.ta) == []
        assert periode_renstra_for(user=b_admin, opd=a.dinkes, tahun=YEAR) is None
        assert sasaran_list(user=b_admin, periode=periode) == []
        # an operator of PUPR (another OPD of pemda A) is not in Dinkes' scope
        from pantau.organisations.services import membership_set, user_create

        op = user_create(actor=None, username="op.pupr.renstra", password="x-Renstra-2031!")
        membership_set(actor=None, user=op, pemda=a.pemda, role="operator_opd", opd=a.pupr)
        assert renstra_rows(user=op, opd=a.dinkes, tahun_anggaran=a.ta) == []


class TestDeletion:
    def test_deleting_an_indicator_records_its_renstra_data(self, renstra):
        from pantau.planning.services_hapus import indikator_delete

        _a, _p, _outcome, output = renstra
        renstra_indikator_set(
            actor=None, indikator=output, target_k="10", realisasi={YEAR - 1: ("4", "500")}
        )
        indikator_delete(actor=None, indikator=output)
        event = AuditEvent.objects.filter(action="indikator.delete").get()
        assert event.changes["_renstra"] == {
            "target": ["10.0000", None],
            "realisasi": {str(YEAR - 1): ["4.0000", "500.00"]},
        }
        assert not TargetRenstra.objects.exists() and not RealisasiRenstra.objects.exists()


class TestManyAtOnce:
    """The bulk services (imports, the demo) refuse rows of another OPD and write nothing."""

    def test_an_indicator_of_another_opd_refuses_the_whole_call(self, renstra, world):
        a, _periode, outcome, _output = renstra
        foreign = indikator_create(
            actor=None,
            induk=a.sub_pupr.kegiatan.program,
            nama="Jalan mantap",
            satuan="%",
            rumus=1,
            target_tahunan=50,
        )
        before = (TargetRenstra.objects.count(), _events("target_renstra.set"))
        with pytest.raises(ValidationError, match="bukan indikator OPD"):
            renstra_indikator_set_many(
                actor=None,
                opd=a.dinkes,
                tahun_anggaran=a.ta,
                values={outcome.pk: ("90", None, {}), foreign.pk: ("60", None, {})},
            )
        assert (TargetRenstra.objects.count(), _events("target_renstra.set")) == before

    def test_a_bad_figure_refuses_the_whole_call(self, renstra):
        a, _periode, outcome, output = renstra
        with pytest.raises(ValidationError, match="tidak boleh negatif"):
            renstra_indikator_set_many(
                actor=None,
                opd=a.dinkes,
                tahun_anggaran=a.ta,
                values={outcome.pk: ("90", None, {}), output.pk: ("-1", None, {})},
            )
        assert not TargetRenstra.objects.exists()

    def test_a_program_of_another_opd_refuses_the_whole_call(self, renstra):
        a, periode, _outcome, _output = renstra
        s1 = sasaran_create(actor=None, periode=periode, kode="S1", uraian="Sasaran satu")
        with pytest.raises(ValidationError, match="bukan program OPD"):
            program_sasaran_set_many(
                actor=None,
                opd=a.dinkes,
                tahun_anggaran=a.ta,
                links={a.program.pk: [s1], a.sub_pupr.kegiatan.program_id: [s1]},
            )
        assert not ProgramSasaran.objects.exists()

    def test_sasaran_many_write_what_one_by_one_writes(self, renstra, world):
        """New sasaran created, a changed one updated, an unchanged one untouched: the same
        rows and events as `sasaran_create`/`sasaran_update` one by one."""
        a, periode, _outcome, _output = renstra
        sasaran_create(actor=None, periode=periode, kode="S1", uraian="Sasaran satu")
        sasaran_create(actor=None, periode=periode, kode="S2", uraian="Sasaran dua")
        one = AuditEvent.objects.filter(action="sasaran.create").order_by("id").last()
        before = AuditEvent.objects.count()
        got = sasaran_set_many(
            actor=a.users["operator_opd"],
            periode=periode,
            values={
                "S1": ("Sasaran  satu", ""),  # the same once spaces are folded: unchanged
                "S2": ("Sasaran dua diperbarui", "Indeks kepuasan"),
                "S3": ("Sasaran tiga", ""),
            },
        )
        assert sorted(got) == ["S1", "S2", "S3"] and all(s.pk for s in got.values())
        rows = dict(Sasaran.objects.filter(periode=periode).values_list("kode", "uraian"))
        assert rows == {"S1": "Sasaran satu", "S2": "Sasaran dua diperbarui", "S3": "Sasaran tiga"}
        new = list(AuditEvent.objects.filter(pk__gt=one.pk).exclude(pk=one.pk).order_by("id"))
        assert AuditEvent.objects.count() - before == 2
        made = next(e for e in new if e.action == "sasaran.create" and "S3" in e.object_repr)
        assert made.changes == {
            "pemda_id": [None, a.pemda.pk],
            "periode_id": [None, periode.pk],
            "kode": [None, "S3"],
            "uraian": [None, "Sasaran tiga"],
            "indikator": [None, ""],
        }
        assert made.changes.keys() == one.changes.keys()  # what sasaran_create records
        updated = next(e for e in new if e.action == "sasaran.update")
        assert updated.changes == {
            "uraian": ["Sasaran dua", "Sasaran dua diperbarui"],
            "indikator": ["", "Indeks kepuasan"],
        }
        assert updated.actor == a.users["operator_opd"]

    def test_sasaran_many_refuse_a_code_given_twice_and_write_nothing(self, renstra):
        _a, periode, _outcome, _output = renstra
        with pytest.raises(ValidationError, match="sudah ada di periode"):
            sasaran_set_many(
                actor=None,
                periode=periode,
                values={"S1": ("Satu", ""), "S1 ": ("Satu lagi", "")},
            )
        assert not Sasaran.objects.exists() and not _events("sasaran.create")

    def test_sasaran_many_refuse_an_outsider(self, renstra, world):
        _a, periode, _outcome, _output = renstra
        with pytest.raises(PermissionDenied):
            sasaran_set_many(
                actor=world.b.users["operator_opd"], periode=periode, values={"S1": ("Satu", "")}
            )
        assert not Sasaran.objects.exists()
