"""Plan workbook import errors (issue 11 §4, review B1–B3): every error at its sheet, row and
column, all of them in the first round, no misleading follow-on errors, and nothing written."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from pantau.organisations.models import Wilayah
from pantau.planning.tests.test_workbook import _edit, _state, _with_indicator
from pantau.planning.workbook import INDIKATOR, KEGIATAN, PROGRAM, RENCANA, SUB, plan_workbook
from pantau.planning.workbook_import import plan_file_dry_run, plan_file_import

pytestmark = pytest.mark.django_db


def _wilayah(world):
    pemda = world.a.pemda
    kab = Wilayah.objects.create(pemda=pemda, kode="74.07", nama="Kab", tingkat="kabupaten")
    for kec in ("01", "02"):
        Wilayah.objects.create(
            pemda=pemda, kode=f"74.07.{kec}", nama=kec, tingkat="kecamatan", induk=kab
        )
    Wilayah.objects.create(
        pemda=pemda,
        kode="74.07.02.2001",
        nama="D",
        tingkat="desa_kelurahan",
        jenis="desa",
        induk=Wilayah.objects.get(pemda=pemda, kode="74.07.02"),
    )


def _errors(world, edits: list[tuple[str, dict]]):
    """Dry run of the exported plan with these edits; the import of it refused, nothing written.
    Returns {(sheet, row, column): [messages]}."""
    _with_indicator(world)
    data = plan_workbook(tahun_anggaran=world.a.ta, opds=[world.a.dinkes])
    for sheet, cells in edits:
        data = _edit(data, sheet, cells)
    dry = plan_file_dry_run(actor=None, content=data, filename="r.xlsx", tahun_anggaran=world.a.ta)
    before = _state(world.a.ta)
    with pytest.raises(ValidationError):
        plan_file_import(actor=None, content=data, filename="r.xlsx", tahun_anggaran=world.a.ta)
    assert _state(world.a.ta) == before
    found: dict[tuple, list[str]] = {}
    for e in dry.errors.errors:
        found.setdefault((e.sheet, e.row, e.column), []).append(e.message)
    return found


class TestSubKegiatanRulesAtTheirCell:
    def test_all_single_row_rules_in_one_round_with_a_cell_error(self, world):
        _wilayah(world)
        found = _errors(
            world,
            [
                (
                    SUB,
                    {
                        "D2": -5,  # negative pagu
                        "G2": "74.07.01",
                        "H2": "74.07.02.2001",  # desa of the other kecamatan
                        "I2": 200,
                        "J2": -999,
                        "L2": "abc",
                        "F3": "TIDAK-ADA",  # a cell error of another row: same round
                    },
                )
            ],
        )
        assert any("Pagu Murni" in m and "negatif" in m for m in found[(SUB, 2, "D")])
        assert any("Kode Desa" in m for m in found[(SUB, 2, "H")])
        assert any(m.startswith("Lintang:") and "90" in m for m in found[(SUB, 2, "I")])
        assert any(m.startswith("Bujur:") and "180" in m for m in found[(SUB, 2, "J")])
        assert any(m.startswith("NIP PPTK:") for m in found[(SUB, 2, "L")])
        assert (SUB, 3, "F") in found
        assert not [k for k in found if k[0] == SUB and k[2] == ""], found

    def test_lintang_without_bujur_at_the_empty_one(self, world):
        found = _errors(world, [(SUB, {"I2": 1})])
        assert any("bersama-sama" in m for m in found[(SUB, 2, "J")])


class TestCashPlanAtTheMonth:
    def test_fisik_going_down_at_that_months_column(self, world):
        # month 2's target fisik (column Q) below month 1's (8)
        found = _errors(world, [(RENCANA, {"Q2": 5})])
        assert any("Bulan 2" in m and "turun" in m for m in found[(RENCANA, 2, "Q")]), found

    def test_fisik_above_hundred_at_that_months_column(self, world):
        found = _errors(world, [(RENCANA, {"AA2": 101})])
        assert any("Bulan 12" in m for m in found[(RENCANA, 2, "AA")]), found

    def test_negative_cash_at_that_months_column(self, world):
        found = _errors(world, [(RENCANA, {"F2": -1})])
        assert any("negatif" in m for m in found[(RENCANA, 2, "F")]), found
        assert (RENCANA, 2, "D–O") in found  # the sum no longer equals the pagu


class TestNoMisleadingFollowOnErrors:
    @pytest.mark.parametrize(
        "cells", [{"D2": "=1+1"}, {"D2": "enam ratus juta"}, {"F2": "TIDAK-ADA"}]
    )
    def test_children_of_a_faulty_sub_name_its_row(self, world, cells):
        found = _errors(world, [(SUB, cells)])
        for place in ((INDIKATOR, 2, "C"), (RENCANA, 2, "B")):
            (message,) = found[place]
            assert "baris 2" in message and "berisi kesalahan" in message, found
            assert "tidak ada di berkas" not in message
        assert not any("tidak ada di berkas" in m for ms in found.values() for m in ms)

    def test_code_outside_bidang_urusan_says_so_on_every_level(self, world):
        found = _errors(
            world,
            [
                (PROGRAM, {"B2": "1.03.03"}),
                (KEGIATAN, {"B2": "1.03.03.2.01"}),
            ],
        )
        (program,) = found[(PROGRAM, 2, "B")]
        assert "bidang urusan 1.03" in program
        (kegiatan,) = found[(KEGIATAN, 2, "B")]
        assert "Program" in kegiatan and "baris 2" in kegiatan and "berisi kesalahan" in kegiatan
        # the sub kegiatan rows, under the kegiatan 1.02.02.2.01 now absent, say it is missing
        assert any("1.02.02.2.01" in m for m in found[(SUB, 2, "B")])

    def test_code_outside_bidang_urusan_without_its_program_row(self, world):
        found = _errors(world, [(KEGIATAN, {"B2": "1.03.03.2.01"})])
        (message,) = found[(KEGIATAN, 2, "B")]
        assert "di luar bidang urusan" in message, found


class TestServicesCheckAtTheColumn:
    """Rules only the services know (the model's field limits) are still placed at their cell,
    and Django's own messages, which do not name the field, carry its label."""

    def test_too_long_pptk_name_at_its_column(self, world):
        found = _errors(world, [(SUB, {"K2": "x" * 151})])
        (message,) = found[(SUB, 2, "K")]
        assert message.startswith("Nama PPTK:") and "150" in message, found

    def test_too_many_decimals_in_lintang_named_and_placed(self, world):
        found = _errors(world, [(SUB, {"I2": "-5,1234567", "J2": 123})])
        (message,) = found[(SUB, 2, "I")]
        assert message.lower().startswith("lintang:"), found


class TestNoFollowOnFromAnUnreadCell:
    def test_unknown_kecamatan_does_not_also_blame_the_desa(self, world):
        _wilayah(world)
        found = _errors(world, [(SUB, {"G2": "74.07.99", "H2": "74.07.02.2001"})])
        assert (SUB, 2, "G") in found
        assert (SUB, 2, "H") not in found, found

    def test_unreadable_lintang_does_not_also_ask_for_the_pair(self, world):
        found = _errors(world, [(SUB, {"I2": "utara", "J2": 123})])
        assert len(found[(SUB, 2, "I")]) == 1, found
        assert not any("bersama-sama" in m for ms in found.values() for m in ms), found


def test_messages_in_english_for_an_english_user(world):
    from django.utils import translation

    with translation.override("en"):
        found = _errors(world, [(SUB, {"D2": "=1+1", "I2": 200, "J2": 1})])
    assert any("has errors" in m for m in found[(RENCANA, 2, "B")]), found
    assert any("must be between -90 and 90" in m for m in found[(SUB, 2, "I")]), found


def test_cash_plan_of_a_faulty_sub_still_checked_for_its_months(world):
    # the sub kegiatan row has a bad NIP: its cash plan's pagu-free rules come in the same round
    found = _errors(world, [(SUB, {"L2": "abc"}), (RENCANA, {"Q2": 5})])
    assert (SUB, 2, "L") in found
    assert any("berisi kesalahan" in m for m in found[(RENCANA, 2, "B")]), found
    assert any("Bulan 2" in m for m in found[(RENCANA, 2, "Q")]), found


def test_perubahan_plan_without_pagu_perubahan_at_its_versi_cell(world):
    # the sub kegiatan has no Pagu Perubahan; its cash plan row is turned into version perubahan
    found = _errors(world, [(RENCANA, {"C2": "perubahan"})])
    assert any("pagu perubahan" in m for m in found[(RENCANA, 2, "C")]), found
