"""The plan workbook: template/export, dry run, import (all-or-nothing, idempotent), round trip,
refusals by sheet/row/column, and a property test with random faults."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from pantau.audit.models import AuditEvent
from pantau.monitoring.services import tahun_anggaran_open
from pantau.organisations.choices import JenisOpd
from pantau.organisations.services import opd_create, pemda_create
from pantau.planning.models import Indikator, Kegiatan, Program, RencanaBulanan, SubKegiatan
from pantau.planning.services import indikator_create
from pantau.planning.workbook import COLUMNS, INDIKATOR, RENCANA, SUB, plan_csv_zip, plan_workbook
from pantau.planning.workbook_import import plan_file_dry_run, plan_file_import

pytestmark = pytest.mark.django_db


def _state(ta):
    """The plan of a year as plain values (codes, not ids), to compare two pemdas or two moments."""
    return (
        sorted(Program.objects.filter(tahun_anggaran=ta).values_list("opd__kode", "kode")),
        sorted(Kegiatan.objects.filter(program__tahun_anggaran=ta).values_list("kode", flat=True)),
        sorted(
            SubKegiatan.objects.filter(tahun_anggaran=ta).values_list(
                "kode", "pagu_murni", "pagu_perubahan", "pptk_nip", "updated_at"
            )
        ),
        sorted(
            RencanaBulanan.objects.filter(sub_kegiatan__tahun_anggaran=ta).values_list(
                "sub_kegiatan__kode", "tahap", "bulan", "anggaran_kas", "target_fisik"
            )
        ),
        sorted(
            Indikator.objects.filter(tahun_anggaran=ta).values_list(
                "nama", "satuan", "rumus", "target_tahunan", "target_tw4"
            )
        ),
    )


def _empty_pemda():
    pemda = pemda_create(actor=None, kode="74.05", nama="Kabupaten Kosong")
    for kode, nama, singkatan, bidang in (
        ("1.02.0.00.0.00.01.0000", "Dinas Kesehatan", "Dinkes", "1.02"),
        ("1.03.0.00.0.00.01.0000", "Dinas PUPR", "PUPR", "1.03"),
    ):
        opd_create(
            actor=None,
            pemda=pemda,
            kode=kode,
            nama=nama,
            singkatan=singkatan,
            jenis=JenisOpd.DINAS,
            bidang_urusan=bidang,
        )
    return tahun_anggaran_open(actor=None, pemda=pemda, tahun=2026)


def _opds(ta):
    from pantau.organisations.models import Opd

    return list(Opd.objects.filter(pemda_id=ta.pemda_id).order_by("kode"))


def _edit(content: bytes, sheet: str, cells: dict[str, object], merge: str = "") -> bytes:
    book = load_workbook(io.BytesIO(content))
    ws = book[sheet]
    for ref, value in cells.items():
        ws[ref] = value
    if merge:
        ws.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _with_indicator(world):
    indikator_create(
        actor=None,
        induk=world.a.sub,
        nama="Rumah sakit terbangun",
        satuan="unit",
        rumus=4,
        target_tahunan=Decimal(1),
        target_tw4=Decimal(1),
    )


class TestRoundTrip:
    def test_export_import_into_empty_pemda_export_again_same_bytes(self, world):
        _with_indicator(world)
        first = plan_workbook(tahun_anggaran=world.a.ta, opds=_opds(world.a.ta))
        ta = _empty_pemda()
        plan_file_import(actor=None, content=first, filename="r.xlsx", tahun_anggaran=ta)
        second = plan_workbook(tahun_anggaran=ta, opds=_opds(ta))
        assert second == first
        assert SubKegiatan.objects.filter(tahun_anggaran=ta).count() == 3
        assert RencanaBulanan.objects.filter(sub_kegiatan__tahun_anggaran=ta).count() == 12

    def test_csv_zip_imports_to_the_same_plan(self, world):
        _with_indicator(world)
        data = plan_csv_zip(tahun_anggaran=world.a.ta, opds=_opds(world.a.ta))
        ta = _empty_pemda()
        plan_file_import(actor=None, content=data, filename="r.zip", tahun_anggaran=ta)
        assert plan_workbook(tahun_anggaran=ta, opds=_opds(ta)) == plan_workbook(
            tahun_anggaran=world.a.ta, opds=_opds(world.a.ta)
        )

    def test_template_has_instructions_dropdowns_and_hidden_reference(self, world):
        book = load_workbook(io.BytesIO(plan_workbook(tahun_anggaran=world.a.ta, opds=[])))
        assert book.sheetnames[0] == "Petunjuk"
        assert book["Referensi"].sheet_state == "hidden"
        sources = [dv.formula1 for dv in book[SUB].data_validations.dataValidation]
        assert any("Referensi" in s for s in sources)
        assert [c.value for c in book[RENCANA][1]] == COLUMNS[RENCANA]


class TestImport:
    def test_same_file_twice_changes_nothing(self, world):
        _with_indicator(world)
        data = plan_workbook(tahun_anggaran=world.a.ta, opds=_opds(world.a.ta))
        before = _state(world.a.ta)
        result = plan_file_dry_run(
            actor=None, content=data, filename="r.xlsx", tahun_anggaran=world.a.ta
        )
        assert set(result.counts()) and result.counts()["tetap"] == len(result.rows)
        plan_file_import(actor=None, content=data, filename="r.xlsx", tahun_anggaran=world.a.ta)
        assert _state(world.a.ta) == before

    def test_changed_pagu_with_its_cash_plan_is_updated_and_audited(self, world):
        data = plan_workbook(tahun_anggaran=world.a.ta, opds=[world.a.dinkes])
        # sub 0001 is row 2; its murni plan row 2: raise the pagu by 12 and each month by 1
        cells = {"D2": 600_000_012}
        cells |= {f"{c}2": 50_000_001 for c in "DEFGHIJKLMNO"}
        data = _edit(data, SUB, {"D2": 600_000_012})
        data = _edit(
            data, RENCANA, {k: v for k, v in cells.items() if k != "D2"} | {"D2": 50_000_001}
        )
        dry = plan_file_dry_run(
            actor=None, content=data, filename="r.xlsx", tahun_anggaran=world.a.ta
        )
        assert not dry.errors, dry.errors.errors
        outcomes = {(r.sheet, r.row): r.outcome for r in dry.rows}
        assert outcomes[(SUB, 2)] == "diubah" and outcomes[(SUB, 3)] == "tetap"
        plan_file_import(actor=None, content=data, filename="r.xlsx", tahun_anggaran=world.a.ta)
        world.a.sub.refresh_from_db()
        assert world.a.sub.pagu_murni == Decimal(600_000_012)
        assert AuditEvent.objects.filter(
            action="sub_kegiatan.update", object_id=str(world.a.sub.pk)
        ).exists()

    def test_operator_rows_of_another_opd_refused_and_audited(self, world):
        operator = world.a.users["operator_opd"]  # of Dinkes
        data = plan_workbook(tahun_anggaran=world.a.ta, opds=_opds(world.a.ta))
        before = _state(world.a.ta)
        with pytest.raises(ValidationError, match="OPD Anda sendiri"):
            plan_file_import(
                actor=operator, content=data, filename="r.xlsx", tahun_anggaran=world.a.ta
            )
        assert _state(world.a.ta) == before
        event = AuditEvent.objects.get(action="plan.import_refused")
        assert event.changes["_summary"]["opd_lain"] == [world.a.pupr.kode]

    def test_dry_run_with_rows_of_another_opd_is_audited_too(self, world):
        operator = world.a.users["operator_opd"]
        data = plan_workbook(tahun_anggaran=world.a.ta, opds=_opds(world.a.ta))
        dry = plan_file_dry_run(
            actor=operator, content=data, filename="r.xlsx", tahun_anggaran=world.a.ta
        )
        assert dry.foreign == {world.a.pupr.kode}
        event = AuditEvent.objects.get(action="plan.import_refused")
        assert event.changes["_summary"]["uji_coba"] is True


FAULTS = {
    "text_in_number": (SUB, {"D2": "enam ratus juta"}, "", (SUB, 2, "D")),
    "unknown_code": (SUB, {"B3": "1.02.02.2.01.0009"}, "", (SUB, 3, "B")),
    "formula": (SUB, {"D3": "=1+1"}, "", (SUB, 3, "D")),
    "merged": (SUB, {}, "K2:L2", (SUB, 2, "K")),
    "duplicate": (SUB, {"B3": "1.02.02.2.01.0001"}, "", (SUB, 3, "")),
    "cash_not_pagu": (RENCANA, {"E2": 50_000_100}, "", (RENCANA, 2, "D–O")),
    "outside_bidang": ("Program", {"B2": "1.03.03"}, "", ("Program", 2, "B")),
    "renamed_column": (SUB, {"D1": "Pagu"}, "", ("", None, "")),
    "bad_rumus": (INDIKATOR, {"F2": 7}, "", (INDIKATOR, 2, "F")),
}


class TestRefusals:
    @pytest.mark.parametrize("fault", sorted(FAULTS))
    def test_fault_reported_at_its_cell_and_nothing_written(self, world, fault):
        _with_indicator(world)
        sheet, cells, merge, place = FAULTS[fault]
        data = plan_workbook(tahun_anggaran=world.a.ta, opds=[world.a.dinkes])
        data = _edit(data, sheet, cells, merge)
        dry = plan_file_dry_run(
            actor=None, content=data, filename="r.xlsx", tahun_anggaran=world.a.ta
        )
        assert place in {(e.sheet, e.row, e.column) for e in dry.errors.errors}, dry.errors.errors
        before = _state(world.a.ta)
        with pytest.raises(ValidationError):
            plan_file_import(actor=None, content=data, filename="r.xlsx", tahun_anggaran=world.a.ta)
        assert _state(world.a.ta) == before

    def test_not_a_spreadsheet(self, world):
        with pytest.raises(ValidationError, match="bukan lembar kerja"):
            plan_file_dry_run(
                actor=None, content=b"%PDF-1.4 ...", filename="a.pdf", tahun_anggaran=world.a.ta
            )

    def test_too_large_refused_by_the_guard(self, world, settings):
        settings.SPREADSHEET_MAX_UPLOAD_MB = 1
        with pytest.raises(ValidationError, match="terlalu besar"):
            plan_file_dry_run(
                actor=None,
                content=b"PK" + b"0" * (2 * 1024 * 1024),
                filename="a.xlsx",
                tahun_anggaran=world.a.ta,
            )

    def test_other_workbook_is_wrong_template(self, world):
        from openpyxl import Workbook

        book, out = Workbook(), io.BytesIO()
        book.active.append(["nama", "nilai"])
        book.save(out)
        dry = plan_file_dry_run(
            actor=None, content=out.getvalue(), filename="a.xlsx", tahun_anggaran=world.a.ta
        )
        assert "Bukan templat rencana" in str(dry.errors.errors[0])


# ---------------------------------------------------------------- property test

VALID_SUBS = ["1.02.02.2.01.0001", "1.02.02.2.01.0002", "1.02.02.2.01.0003"]


def _plan_file(ta, opd, subs, faults) -> bytes:
    """A workbook written from scratch with openpyxl: the template's headers and the given subs
    (kode, pagu in millions, cash split), with the chosen faults applied."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Petunjuk"
    sheets = {}
    for name, columns in COLUMNS.items():
        ws = book.create_sheet(name)
        ws.append(
            [
                "Pagu" if (name == SUB and c == "Pagu Murni" and "missing_column" in faults) else c
                for c in columns
            ]
        )
        sheets[name] = ws
    sheets["Program"].append([opd.kode, "1.02.02"])
    sheets["Kegiatan"].append([opd.kode, "1.02.02.02.01"])
    for i, (kode, juta, uneven) in enumerate(subs):
        pagu = juta * 1_000_000
        if "unknown_code" in faults and i == 0:
            kode = "1.02.02.2.01.0099"
        pagu_cell = f"{pagu:,}".replace(",", ".")  # Indonesian grouping: 12.000.000
        if "bad_number" in faults and i == 0:
            pagu_cell = "dua belas juta"
        sheets[SUB].append(
            [opd.kode, kode, None, pagu_cell, None, None, None, None, None, None, "Budi", None]
        )
        kas = [pagu // 12] * 11 + [pagu - pagu // 12 * 11]
        if uneven:
            kas[0], kas[1] = kas[0] + 1000, kas[1] - 1000
        if "cash_off" in faults and i == 0:
            kas[5] += 1
        fisik = [m * 8 for m in range(1, 12)] + [100]
        sheets[RENCANA].append([opd.kode, kode, "murni", *kas, *fisik])
        sheets[INDIKATOR].append(
            [opd.kode, "Sub Kegiatan", kode, f"Output {kode}", "unit", 4, 2, None, None, None, 2]
        )
    if "duplicate" in faults and subs:
        sheets[SUB].append(list(next(sheets[SUB].iter_rows(min_row=2, values_only=True))))
    if "formula" in faults and subs:
        sheets[SUB]["L2"] = "=A1"
    if "merged" in faults and subs:
        sheets[SUB].merge_cells("K2:L2")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    subs=st.lists(
        st.tuples(st.sampled_from(VALID_SUBS), st.integers(1, 500), st.booleans()),
        min_size=1,
        max_size=3,
        unique_by=lambda t: t[0],
    ),
    faults=st.sets(
        st.sampled_from(
            [
                "bad_number",
                "unknown_code",
                "duplicate",
                "formula",
                "merged",
                "missing_column",
                "cash_off",
            ]
        ),
        max_size=2,
    ),
)
def test_property_invalid_never_written_valid_imported_exactly(world, subs, faults):
    ta = world.b.ta
    opd = world.b.dinkes  # the examples share one database: each file updates the last one's plan
    data = _plan_file(ta, opd, subs, faults)
    before = _state(ta)
    try:
        plan_file_import(actor=None, content=data, filename="p.xlsx", tahun_anggaran=ta)
    except ValidationError:
        assert faults, "a valid file was refused"
        assert _state(ta) == before
        return
    assert not faults, f"faults {faults} were imported"
    stored = {s.kode: s.pagu_murni for s in SubKegiatan.objects.filter(tahun_anggaran=ta, opd=opd)}
    for kode, juta, _uneven in subs:
        assert stored[kode] == Decimal(juta * 1_000_000)
        kas = RencanaBulanan.objects.filter(
            sub_kegiatan__opd=opd, sub_kegiatan__kode=kode, tahap="murni"
        )
        assert sum(r.anggaran_kas for r in kas) == Decimal(juta * 1_000_000)
        assert (
            Indikator.objects.filter(
                sub_kegiatan__kode=kode, opd=opd, nama=f"Output {kode}"
            ).count()
            == 1
        )


def test_progress_counts_every_row_of_the_file(world):
    """The progress bar's total is the file's rows (plus the services' check), not 1."""
    content = plan_workbook(tahun_anggaran=world.a.ta, opds=[world.a.dinkes])
    book = load_workbook(io.BytesIO(content), read_only=True)
    rows = sum(book[name].max_row for name in COLUMNS if name in book.sheetnames)
    ticks: list[tuple[int, int]] = []
    plan_file_dry_run(
        actor=world.a.users["operator_opd"],
        content=content,
        filename="rencana.xlsx",
        tahun_anggaran=world.a.ta,
        progress=lambda done, total: ticks.append((done, total)),
    )
    assert ticks and ticks[-1][1] == rows + 1
