"""The Renstra sheets of the plan workbook (decision 0038): the round trip stays byte-identical,
the same file twice changes nothing, each fault is reported at its cell and nothing is written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from conftest import YEAR
from pantau.audit.models import AuditEvent
from pantau.planning.models import (
    PeriodeRenstra,
    ProgramSasaran,
    RealisasiRenstra,
    Sasaran,
    TargetRenstra,
)
from pantau.planning.services import indikator_create
from pantau.planning.services_renstra import (
    periode_renstra_create,
    program_sasaran_set,
    renstra_indikator_set,
    sasaran_create,
)
from pantau.planning.tests.test_workbook import _edit, _empty_pemda, _opds
from pantau.planning.workbook import plan_csv_zip, plan_workbook
from pantau.planning.workbook_import import plan_file_dry_run, plan_file_import
from pantau.planning.workbook_renstra import PERIODE, REALISASI, SASARAN_PROGRAM, TARGET

pytestmark = pytest.mark.django_db


def _renstra_state(pemda_id):
    return (
        sorted(
            PeriodeRenstra.objects.filter(pemda_id=pemda_id).values_list(
                "opd__kode", "tahun_awal", "tahun_akhir"
            )
        ),
        sorted(
            Sasaran.objects.filter(pemda_id=pemda_id).values_list("kode", "uraian", "indikator")
        ),
        sorted(
            ProgramSasaran.objects.filter(pemda_id=pemda_id).values_list(
                "program__kode", "sasaran__kode"
            )
        ),
        sorted(
            TargetRenstra.objects.filter(pemda_id=pemda_id).values_list(
                "indikator__nama", "target_k", "target_rp", "updated_at"
            )
        ),
        sorted(
            RealisasiRenstra.objects.filter(pemda_id=pemda_id).values_list(
                "indikator__nama", "tahun", "realisasi_k", "realisasi_rp"
            )
        ),
    )


@pytest.fixture
def with_renstra(world):
    a = world.a
    periode = periode_renstra_create(
        actor=None, opd=a.dinkes, tahun_awal=YEAR - 2, tahun_akhir=YEAR + 2
    )
    s1 = sasaran_create(
        actor=None,
        periode=periode,
        kode="S1",
        uraian="Meningkatnya derajat kesehatan",
        indikator="AHH",
    )
    s2 = sasaran_create(actor=None, periode=periode, kode="S2", uraian="Menurunnya stunting")
    program_sasaran_set(actor=None, program=a.program, sasaran=[s1, s2])
    outcome = indikator_create(
        actor=None, induk=a.program, nama="Cakupan layanan", satuan="%", rumus=1, target_tahunan=80
    )
    output = indikator_create(
        actor=None,
        induk=a.kegiatan,
        nama="Puskesmas sesuai standar",
        satuan="unit",
        rumus=1,
        target_tahunan=3,
    )
    renstra_indikator_set(
        actor=None, indikator=outcome, target_k="95,5", target_rp="12.500.000.000,25"
    )
    renstra_indikator_set(
        actor=None,
        indikator=output,
        target_k="12",
        target_rp="3000000000",
        realisasi={YEAR - 2: ("2", "450000000"), YEAR - 1: ("4,5", "")},
    )
    return a


class TestRenstraRoundTrip:
    def test_export_import_into_empty_pemda_export_again_same_bytes(self, with_renstra, world):
        first = plan_workbook(tahun_anggaran=world.a.ta, opds=_opds(world.a.ta))
        ta = _empty_pemda()
        plan_file_import(actor=None, content=first, filename="r.xlsx", tahun_anggaran=ta)
        assert plan_workbook(tahun_anggaran=ta, opds=_opds(ta)) == first
        assert TargetRenstra.objects.filter(pemda_id=ta.pemda_id).count() == 2
        assert RealisasiRenstra.objects.get(
            pemda_id=ta.pemda_id, tahun=YEAR - 1
        ).realisasi_k == Decimal("4.5")
        assert sorted(
            ProgramSasaran.objects.filter(pemda_id=ta.pemda_id).values_list(
                "sasaran__kode", flat=True
            )
        ) == ["S1", "S2"]
        assert AuditEvent.objects.filter(action="renstra.import", pemda_id=ta.pemda_id).count() == 1

    def test_csv_zip_round_trip(self, with_renstra, world):
        data = plan_csv_zip(tahun_anggaran=world.a.ta, opds=_opds(world.a.ta))
        ta = _empty_pemda()
        plan_file_import(actor=None, content=data, filename="r.zip", tahun_anggaran=ta)
        assert plan_workbook(tahun_anggaran=ta, opds=_opds(ta)) == plan_workbook(
            tahun_anggaran=world.a.ta, opds=_opds(world.a.ta)
        )

    def test_same_file_twice_changes_nothing(self, with_renstra, world):
        data = plan_workbook(tahun_anggaran=world.a.ta, opds=_opds(world.a.ta))
        before = _renstra_state(world.a.pemda.pk)
        dry = plan_file_dry_run(
            actor=None, content=data, filename="r.xlsx", tahun_anggaran=world.a.ta
        )
        assert dry.counts()["tetap"] == len(dry.rows), [
            r.as_dict() for r in dry.rows if r.outcome != "tetap"
        ]
        events = AuditEvent.objects.exclude(action__in=["renstra.import", "plan.import"]).count()
        plan_file_import(actor=None, content=data, filename="r.xlsx", tahun_anggaran=world.a.ta)
        assert _renstra_state(world.a.pemda.pk) == before
        assert (
            AuditEvent.objects.exclude(action__in=["renstra.import", "plan.import"]).count()
            == events
        )

    def test_changed_target_is_imported_and_audited(self, with_renstra, world):
        data = plan_workbook(tahun_anggaran=world.a.ta, opds=[world.a.dinkes])
        data = _edit(data, TARGET, {"F2": 97})
        dry = plan_file_dry_run(
            actor=None, content=data, filename="r.xlsx", tahun_anggaran=world.a.ta
        )
        assert [r.outcome for r in dry.rows if r.sheet == TARGET] == ["diubah", "tetap"]
        plan_file_import(actor=None, content=data, filename="r.xlsx", tahun_anggaran=world.a.ta)
        assert TargetRenstra.objects.get(indikator__nama="Cakupan layanan").target_k == 97
        event = AuditEvent.objects.filter(action="target_renstra.set").order_by("id").last()
        assert event.changes["target"] == [["95.5", "12500000000.25"], ["97", "12500000000.25"]]

    def test_import_writes_what_the_services_write_one_by_one(self, with_renstra, world):
        """The import sets every OPD's targets and program sasaran together (decision 0021,
        item 16): the same events, with the same changes, as the services called one by one
        for pemda A (the fixture)."""

        def events(pemda_id):
            return sorted(
                (e.action, e.object_repr, repr(e.changes))
                for e in AuditEvent.objects.filter(
                    pemda_id=pemda_id, action__in=["target_renstra.set", "program_sasaran.set"]
                )
            )

        data = plan_workbook(tahun_anggaran=world.a.ta, opds=[world.a.dinkes])
        ta = _empty_pemda()
        plan_file_import(actor=None, content=data, filename="r.xlsx", tahun_anggaran=ta)
        assert len(events(ta.pemda_id)) == 3
        assert events(ta.pemda_id) == events(world.a.pemda.pk)

    def test_changed_earlier_years_are_written_and_audited(self, with_renstra, world):
        data = plan_workbook(tahun_anggaran=world.a.ta, opds=[world.a.dinkes])
        data = _edit(data, REALISASI, {"F2": "2,5", "F3": "5"})
        plan_file_import(actor=None, content=data, filename="r.xlsx", tahun_anggaran=world.a.ta)
        years = dict(
            RealisasiRenstra.objects.filter(pemda_id=world.a.pemda.pk).values_list(
                "tahun", "realisasi_k"
            )
        )
        assert years == {YEAR - 2: Decimal("2.5"), YEAR - 1: Decimal("5")}
        event = AuditEvent.objects.filter(action="target_renstra.set").order_by("id").last()
        assert event.changes == {
            f"realisasi_{YEAR - 2}": [["2", "450000000"], ["2.5", "450000000"]],
            f"realisasi_{YEAR - 1}": [["4.5", None], ["5", None]],
        }


FAULTS = {
    "period_too_long": (PERIODE, {"C2": YEAR + 8}, (PERIODE, 2, "C")),
    "period_without_plan_year": (PERIODE, {"B2": YEAR + 1, "C2": YEAR + 3}, (PERIODE, 2, "B")),
    "negative_target": (TARGET, {"F2": -1}, (TARGET, 2, "F")),
    "rp_three_decimals": (TARGET, {"G2": "1000,125"}, (TARGET, 2, "G")),
    "other_unit": (TARGET, {"E2": "orang"}, (TARGET, 2, "E")),
    "unknown_indicator": (TARGET, {"D2": "Tidak ada"}, (TARGET, 2, "D")),
    "sub_kegiatan_level": (TARGET, {"B2": "Sub Kegiatan"}, (TARGET, 2, "B")),
    "year_of_plan": (REALISASI, {"E2": YEAR}, (REALISASI, 2, "E")),
    "year_before_period": (REALISASI, {"E2": YEAR - 3}, (REALISASI, 2, "E")),
    "unknown_sasaran": (SASARAN_PROGRAM, {"C2": "S9"}, (SASARAN_PROGRAM, 2, "C")),
    "formula": (TARGET, {"G2": "=1+1"}, (TARGET, 2, "G")),
}


class TestRenstraRefusals:
    @pytest.mark.parametrize("fault", sorted(FAULTS))
    def test_fault_reported_at_its_cell_and_nothing_written(self, with_renstra, world, fault):
        sheet, cells, place = FAULTS[fault]
        data = _edit(plan_workbook(tahun_anggaran=world.a.ta, opds=[world.a.dinkes]), sheet, cells)
        dry = plan_file_dry_run(
            actor=None, content=data, filename="r.xlsx", tahun_anggaran=world.a.ta
        )
        assert place in {(e.sheet, e.row, e.column) for e in dry.errors.errors}, dry.errors.errors
        before = _renstra_state(world.a.pemda.pk)
        with pytest.raises(ValidationError):
            plan_file_import(actor=None, content=data, filename="r.xlsx", tahun_anggaran=world.a.ta)
        assert _renstra_state(world.a.pemda.pk) == before

    def test_older_template_without_renstra_sheets_still_imports(self, with_renstra, world):
        import io

        from openpyxl import load_workbook

        book = load_workbook(
            io.BytesIO(plan_workbook(tahun_anggaran=world.a.ta, opds=[world.a.dinkes]))
        )
        for name in (PERIODE, "Sasaran", SASARAN_PROGRAM, TARGET, REALISASI):
            del book[name]
        out = io.BytesIO()
        book.save(out)
        before = _renstra_state(world.a.pemda.pk)
        plan_file_import(
            actor=None, content=out.getvalue(), filename="r.xlsx", tahun_anggaran=world.a.ta
        )
        assert _renstra_state(world.a.pemda.pk) == before
