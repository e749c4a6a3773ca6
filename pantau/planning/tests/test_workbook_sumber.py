"""The plan workbook's "Sumber Dana" sheet (issue 11 §3-§5): several funding sources with amounts
per sub kegiatan and version are exported, imported through `sumber_dana_rinci_set`'s rule, and
survive export -> import into an empty pemda -> export byte for byte; every fault is reported at
its sheet, row and column with nothing written; the same file twice changes nothing."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from pantau.audit.models import AuditEvent
from pantau.planning import services as ps
from pantau.planning.models import SubKegiatan, SumberDanaSubKegiatan
from pantau.planning.tests.test_workbook import _edit, _empty_pemda, _opds
from pantau.planning.workbook import COLUMNS, SUB, SUMBER, plan_csv_zip, plan_workbook
from pantau.planning.workbook_import import plan_file_dry_run, plan_file_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def split(world):
    """Sub kegiatan 0002 (pagu 300 jt): DAU 200 jt + DAK-F 100 jt, DAU the main source."""
    masters = {
        kode: ps.sumber_dana_create(actor=None, kode=kode, nama=nama)
        for kode, nama in (("DAU", "Dana Alokasi Umum"), ("DAK-F", "DAK Fisik"), ("PAD", "PAD"))
    }
    ps.sumber_dana_rinci_set(
        actor=None,
        sub_kegiatan=world.a.sub2,
        tahap="murni",
        rows=[(masters["DAU"], Decimal(200_000_000)), (masters["DAK-F"], Decimal(100_000_000))],
    )
    return masters


def _split_of(ta):
    return sorted(
        SumberDanaSubKegiatan.objects.filter(sub_kegiatan__tahun_anggaran=ta).values_list(
            "sub_kegiatan__kode", "tahap", "sumber_dana__kode", "jumlah"
        )
    )


def _main(ta, kode):
    return SubKegiatan.objects.get(tahun_anggaran=ta, kode=kode).sumber_dana.kode


class TestExport:
    def test_split_is_on_its_sheet_with_dropdown_and_instructions(self, world, split):
        data = plan_workbook(tahun_anggaran=world.a.ta, opds=[world.a.dinkes])
        book = load_workbook(io.BytesIO(data))
        rows = [[c.value for c in r] for r in book[SUMBER].iter_rows()]
        assert rows[0] == COLUMNS[SUMBER]
        kode_opd = world.a.dinkes.kode
        assert rows[1:] == [
            [kode_opd, "1.02.02.2.01.0002", "murni", "DAU", 200_000_000],
            [kode_opd, "1.02.02.2.01.0002", "murni", "DAK-F", 100_000_000],
        ]
        assert book[SUB]["F3"].value == "DAU"  # the main source stays in its column
        sources = {
            str(dv.sqref): dv.formula1 for dv in book[SUMBER].data_validations.dataValidation
        }
        assert any("Referensi" in f for ref, f in sources.items() if ref.startswith("D"))
        assert any("Sumber Dana" in (c.value or "") for c in book["Petunjuk"]["A"])


class TestRoundTrip:
    def test_export_import_into_empty_pemda_export_again_same_bytes(self, world, split):
        first = plan_workbook(tahun_anggaran=world.a.ta, opds=_opds(world.a.ta))
        ta = _empty_pemda()
        plan_file_import(actor=None, content=first, filename="r.xlsx", tahun_anggaran=ta)
        assert _split_of(ta) == _split_of(world.a.ta)
        assert len(_split_of(ta)) == 2
        assert _main(ta, "1.02.02.2.01.0002") == "DAU"
        assert plan_workbook(tahun_anggaran=ta, opds=_opds(ta)) == first

    def test_csv_zip_carries_the_split(self, world, split):
        data = plan_csv_zip(tahun_anggaran=world.a.ta, opds=_opds(world.a.ta))
        ta = _empty_pemda()
        plan_file_import(actor=None, content=data, filename="r.zip", tahun_anggaran=ta)
        assert _split_of(ta) == _split_of(world.a.ta)
        assert plan_csv_zip(tahun_anggaran=ta, opds=_opds(ta)) == data

    def test_equal_amounts_keep_the_main_source_named_in_the_file(self, world, split):
        ps.sumber_dana_rinci_set(
            actor=None,
            sub_kegiatan=world.a.sub2,
            tahap="murni",
            rows=[(split["DAU"], Decimal(150_000_000)), (split["DAK-F"], Decimal(150_000_000))],
        )
        assert _main(world.a.ta, "1.02.02.2.01.0002") == "DAU"  # listed after DAK-F in the file
        first = plan_workbook(tahun_anggaran=world.a.ta, opds=_opds(world.a.ta))
        ta = _empty_pemda()
        plan_file_import(actor=None, content=first, filename="r.xlsx", tahun_anggaran=ta)
        assert _main(ta, "1.02.02.2.01.0002") == "DAU"
        assert plan_workbook(tahun_anggaran=ta, opds=_opds(ta)) == first

    def test_empty_main_column_is_the_largest_source(self, world, split):
        data = plan_workbook(tahun_anggaran=world.a.ta, opds=[world.a.dinkes])
        data = _edit(data, SUB, {"F3": None})
        ta = _empty_pemda()
        plan_file_import(actor=None, content=data, filename="r.xlsx", tahun_anggaran=ta)
        assert _main(ta, "1.02.02.2.01.0002") == "DAU"

    def test_file_without_the_sheet_imports_as_before(self, world, split):
        data = plan_workbook(tahun_anggaran=world.a.ta, opds=[world.a.dinkes])
        book = load_workbook(io.BytesIO(data))
        del book[SUMBER]
        out = io.BytesIO()
        book.save(out)
        ta = _empty_pemda()
        plan_file_import(actor=None, content=out.getvalue(), filename="r.xlsx", tahun_anggaran=ta)
        assert SubKegiatan.objects.filter(tahun_anggaran=ta).count() == 2
        assert _split_of(ta) == []


class TestImport:
    def test_same_file_twice_changes_nothing(self, world, split):
        data = plan_workbook(tahun_anggaran=world.a.ta, opds=_opds(world.a.ta))
        ids = sorted(SumberDanaSubKegiatan.objects.values_list("pk", flat=True))
        last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        dry = plan_file_dry_run(
            actor=None, content=data, filename="r.xlsx", tahun_anggaran=world.a.ta
        )
        assert not dry.errors, dry.errors.errors
        assert dry.counts()["tetap"] == len(dry.rows)
        plan_file_import(actor=None, content=data, filename="r.xlsx", tahun_anggaran=world.a.ta)
        assert sorted(SumberDanaSubKegiatan.objects.values_list("pk", flat=True)) == ids
        # only the import's own summary events: no sumber_dana_rinci.set, no sub update
        assert not AuditEvent.objects.filter(pk__gt=last).exclude(action="plan.import").exists()

    def test_changed_split_is_set_by_the_service_rule_and_audited(self, world, split):
        data = plan_workbook(tahun_anggaran=world.a.ta, opds=[world.a.dinkes])
        data = _edit(data, SUMBER, {"E2": 150_000_000, "D3": "PAD", "E3": 150_000_000})
        dry = plan_file_dry_run(
            actor=None, content=data, filename="r.xlsx", tahun_anggaran=world.a.ta
        )
        assert not dry.errors, dry.errors.errors
        assert {r.outcome for r in dry.rows if r.sheet == SUMBER} == {"diubah"}
        plan_file_import(actor=None, content=data, filename="r.xlsx", tahun_anggaran=world.a.ta)
        assert _split_of(world.a.ta) == [
            ("1.02.02.2.01.0002", "murni", "DAU", Decimal(150_000_000)),
            ("1.02.02.2.01.0002", "murni", "PAD", Decimal(150_000_000)),
        ]
        assert _main(world.a.ta, "1.02.02.2.01.0002") == "DAU"
        event = AuditEvent.objects.filter(
            action="sumber_dana_rinci.set", object_id=str(world.a.sub2.pk)
        ).latest("pk")
        assert event.changes["sumber"] == [
            {"DAU": "200000000.00", "DAK-F": "100000000.00"},
            {"DAU": "150000000", "PAD": "150000000", "_utama": "DAU"},
        ]


FAULTS = {
    "unknown_code": ({"D2": "DBH-X"}, (SUMBER, 2, "D")),
    "text_in_number": ({"E3": "seratus juta"}, (SUMBER, 3, "E")),
    "duplicate_source": ({"D3": "DAU"}, (SUMBER, 3, "D")),
    "not_the_pagu": ({"E3": 100_000_001}, (SUMBER, 2, "E")),
    "sub_not_in_file": ({"B3": "1.02.02.2.01.0003"}, (SUMBER, 3, "B")),
    "bad_version": ({"C2": "awal"}, (SUMBER, 2, "C")),
    "perubahan_without_pagu": ({"C2": "perubahan", "C3": "perubahan"}, (SUMBER, 2, "E")),
    "formula": ({"E2": "=1+1"}, (SUMBER, 2, "E")),
    "main_not_largest": ({"SUB!F3": "DAK-F"}, (SUB, 3, "F")),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_fault_reported_at_its_cell_and_nothing_written(world, split, fault):
    cells, place = FAULTS[fault]
    data = plan_workbook(tahun_anggaran=world.a.ta, opds=[world.a.dinkes])
    sub_cells = {k[4:]: v for k, v in cells.items() if k.startswith("SUB!")}
    data = _edit(data, SUMBER, {k: v for k, v in cells.items() if not k.startswith("SUB!")})
    if sub_cells:
        data = _edit(data, SUB, sub_cells)
    dry = plan_file_dry_run(actor=None, content=data, filename="r.xlsx", tahun_anggaran=world.a.ta)
    assert place in {(e.sheet, e.row, e.column) for e in dry.errors.errors}, dry.errors.errors
    ta = _empty_pemda()
    with pytest.raises(ValidationError):
        plan_file_import(actor=None, content=data, filename="r.xlsx", tahun_anggaran=ta)
    assert not SubKegiatan.objects.filter(tahun_anggaran=ta).exists()
    assert _split_of(ta) == []


def test_header_renamed_is_the_wrong_template(world, split):
    data = plan_workbook(tahun_anggaran=world.a.ta, opds=[world.a.dinkes])
    data = _edit(data, SUMBER, {"E1": "Jumlah"})
    dry = plan_file_dry_run(actor=None, content=data, filename="r.xlsx", tahun_anggaran=world.a.ta)
    assert any("Jumlah (Rp)" in e.message for e in dry.errors.errors), dry.errors.errors


class TestPlanImportTree:
    """`plan_import` called with a tree (the SIPD path, the demo): the service's rule holds."""

    def _tree(self, world, sumber, main):
        return [
            {
                "kode": "1.02.02",
                "kegiatan": [
                    {
                        "kode": "1.02.02.2.01",
                        "sub_kegiatan": [
                            {
                                "kode": "1.02.02.2.01.0002",
                                "pagu_murni": Decimal(300_000_000),
                                "sumber_dana": main,
                                "sumber": {"murni": sumber},
                            }
                        ],
                    }
                ],
            }
        ]

    def test_largest_source_becomes_main_as_the_service_makes_it(self, world, split):
        from pantau.planning.imports import plan_import

        tree = self._tree(
            world, [(split["DAU"], "100.000.000"), (split["PAD"], "200.000.000")], split["DAU"]
        )
        plan_import(actor=None, tahun_anggaran=world.a.ta, opd=world.a.dinkes, programs=tree)
        assert _main(world.a.ta, "1.02.02.2.01.0002") == "PAD"
        assert _split_of(world.a.ta) == [
            ("1.02.02.2.01.0002", "murni", "DAU", Decimal(100_000_000)),
            ("1.02.02.2.01.0002", "murni", "PAD", Decimal(200_000_000)),
        ]

    def test_sources_not_adding_up_refused_with_nothing_written(self, world, split):
        from pantau.planning.imports import plan_import

        before = _split_of(world.a.ta)
        tree = self._tree(world, [(split["PAD"], Decimal(299_000_000))], split["PAD"])
        with pytest.raises(ValidationError, match="harus sama dengan pagu"):
            plan_import(actor=None, tahun_anggaran=world.a.ta, opd=world.a.dinkes, programs=tree)
        assert _split_of(world.a.ta) == before
        assert _main(world.a.ta, "1.02.02.2.01.0002") == "DAU"
