"""The realisation workbook (decision 0022): template and export, the dry run and the import
with every bad input refused per cell and nothing written, idempotence, other-OPD refusal with
its audit event, and the round trip export → import into an empty pemda → export."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook, load_workbook

from conftest import verify_report
from pantau.audit.models import AuditEvent
from pantau.monitoring.models import Realisasi, RealisasiIndikator
from pantau.monitoring.selectors_workbook import realisasi_workbook_data
from pantau.monitoring.services_workbook import (
    realisasi_workbook_dry_run,
    realisasi_workbook_import,
)
from pantau.monitoring.workbook import (
    INDIKATOR_COLUMNS,
    REALISASI_COLUMNS,
    build_csv,
    build_xlsx,
)
from pantau.planning.choices import Rumus
from pantau.planning.services import indikator_create

pytestmark = pytest.mark.django_db
OPD = "1.02.0.00.0.00.01.0000"
SUB = "1.02.02.2.01.0001"
SUB2 = "1.02.02.2.01.0002"


def _xlsx(rows, *, ind_rows=(), headers=None, title="Realisasi", tweak=None) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = title
    ws.append(headers or [h for _k, h in REALISASI_COLUMNS])
    for row in rows:
        ws.append(row)
    wi = book.create_sheet("Indikator")
    wi.append([h for _k, h in INDIKATOR_COLUMNS])
    for row in ind_rows:
        wi.append(row)
    if tweak:
        tweak(ws)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _row(kode=SUB, bulan="Januari", keuangan=10_000_000, fisik=5, opd=OPD, kendala=None):
    return [opd, kode, "nama", None, bulan, keuangan, fisik, kendala, None]


@pytest.fixture
def op(world):
    return world.a.users["operator_opd"]


@pytest.fixture
def january(clock):
    clock.set("2026-01-20 10:00")


def _run(world, op, content, name="r.xlsx", **kw):
    return realisasi_workbook_import(
        content, name, actor=op, tahun_anggaran=world.a.ta, opd=world.a.dinkes, **kw
    )


def _messages(result):
    return [str(e) for e in result.errors]


class TestImport:
    def test_rows_become_drafts_and_dry_run_writes_nothing(self, world, op, january):
        content = _xlsx([_row(), _row(SUB2, "1", "2.500.000,50", "7,5")])
        dry = realisasi_workbook_dry_run(
            content, "r.xlsx", actor=op, tahun_anggaran=world.a.ta, opd=world.a.dinkes
        )
        assert dry.ok and dry.counts()["baru"] == 2
        assert not Realisasi.objects.exists()
        result = _run(world, op, content)
        assert result.applied and result.counts()["baru"] == 2
        r2 = Realisasi.objects.get(sub_kegiatan=world.a.sub2)
        assert (r2.keuangan, r2.fisik, r2.status) == (
            Decimal("2500000.50"),
            Decimal("7.5"),
            "draft",
        )
        assert AuditEvent.objects.filter(action="realisasi.workbook_import").count() == 1

    def test_same_file_twice_changes_nothing(self, world, op, january):
        content = _xlsx([_row(), _row(SUB2)])
        _run(world, op, content)
        events = AuditEvent.objects.count()
        stamps = list(Realisasi.objects.values_list("updated_at", flat=True))
        again = _run(world, op, content)
        assert again.applied and again.counts() == {
            "baru": 0, "diubah": 0, "tetap": 2, "kosong": 0, "galat": 0
        }  # fmt: skip
        assert AuditEvent.objects.count() == events
        assert list(Realisasi.objects.values_list("updated_at", flat=True)) == stamps

    def test_changed_draft_is_updated_and_audited(self, world, op, january):
        _run(world, op, _xlsx([_row()]))
        result = _run(world, op, _xlsx([_row(keuangan=12_000_000, kendala="hujan")]))
        assert result.counts()["diubah"] == 1
        obj = Realisasi.objects.get()
        assert obj.keuangan == Decimal(12_000_000) and obj.kendala == "hujan"
        event = AuditEvent.objects.get(action="realisasi.update")
        assert event.changes["keuangan"] == ["10000000.00", "12000000"]

    def test_submitted_report_is_refused_unless_identical(self, world, op, january):
        _run(world, op, _xlsx([_row()]))
        verify_report(world.a, Realisasi.objects.get())
        assert _run(world, op, _xlsx([_row()])).counts()["tetap"] == 1
        result = _run(world, op, _xlsx([_row(keuangan=1)]))
        assert not result.applied
        assert "hanya draf" in _messages(result)[0]
        assert "bulan Januari berstatus Diverifikasi" in _messages(result)[0]  # the month by name
        assert Realisasi.objects.get().keuangan == Decimal(10_000_000)

    def test_the_template_carries_what_is_reported_and_goes_back_unchanged(
        self, world, op, january
    ):
        _run(world, op, _xlsx([_row()]))
        verify_report(world.a, Realisasi.objects.get())
        data = realisasi_workbook_data(
            user=op, tahun_anggaran=world.a.ta, opd=world.a.dinkes, bulan=1, filled=False
        )
        row = next(r for r in data.realisasi if r[1] == SUB)
        assert (row[5], row[6]) == (Decimal(10_000_000), Decimal(5))  # not blank
        assert next(r for r in data.realisasi if r[1] == SUB2)[5] is None  # not yet reported
        result = _run(world, op, build_xlsx(data))
        assert result.applied and result.counts()["tetap"] == 1 and not result.errors

    def test_blank_figures_are_skipped(self, world, op, january):
        result = _run(world, op, _xlsx([_row(keuangan=None, fisik=None), _row(SUB2)]))
        assert result.counts()["kosong"] == 1 and Realisasi.objects.count() == 1

    def test_other_opd_rows_refused_and_audited(self, world, op, january):
        rows = [_row(), _row("1.03.03.2.01.0001", opd="1.03.0.00.0.00.01.0000")]
        result = _run(world, op, _xlsx(rows))
        assert not result.applied and result.refused_opd == ["1.03.0.00.0.00.01.0000"]
        assert "OPD lain" in _messages(result)[0]
        assert not Realisasi.objects.exists()
        event = AuditEvent.objects.get(action="realisasi.import_ditolak")
        assert event.actor == op and event.changes["_summary"]["opd_lain"] == [
            "1.03.0.00.0.00.01.0000"
        ]

    def test_only_the_opd_operator_imports(self, world, january):
        with pytest.raises(PermissionDenied):
            _run(world, world.a.users["kepala_opd"], _xlsx([_row()]))
        assert not Realisasi.objects.exists()


def _bad(world, op, content, name="r.xlsx"):
    result = _run(world, op, content, name=name)
    assert not result.applied and result.errors
    assert not Realisasi.objects.exists() and not RealisasiIndikator.objects.exists()
    return _messages(result)


class TestBadInput:
    def test_wrong_template(self, world, op, january):
        msgs = _bad(world, op, _xlsx([_row()], title="Sheet1"))
        assert "bukan templat realisasi" in msgs[0]

    def test_missing_and_renamed_columns(self, world, op, january):
        headers = [h for _k, h in REALISASI_COLUMNS]
        headers[6] = "Fisik"
        msgs = _bad(world, op, _xlsx([_row()], headers=headers))
        assert any("kolom G" in m and "'Fisik' tidak dikenal" in m for m in msgs)
        assert any("Realisasi Fisik Kumulatif (%)' tidak ada" in m for m in msgs)

    def test_merged_cells(self, world, op, january):
        msgs = _bad(
            world, op, _xlsx([_row(), _row(SUB2)], tweak=lambda ws: ws.merge_cells("H2:I3"))
        )
        assert any("baris 2, kolom H" in m and "digabung" in m for m in msgs)

    def test_formulas(self, world, op, january):
        def tweak(ws):
            ws["F2"] = "=1000*2"

        msgs = _bad(world, op, _xlsx([_row()], tweak=tweak))
        assert any("baris 2, kolom F" in m and "rumus" in m for m in msgs)

    def test_text_in_number_cells_and_months(self, world, op, january):
        msgs = _bad(world, op, _xlsx([_row(keuangan="sepuluh juta"), _row(SUB2, bulan="Bulan13")]))
        assert any("baris 2, kolom F" in m and "bukan angka" in m for m in msgs)
        assert any("baris 3, kolom E" in m and "bukan bulan" in m for m in msgs)

    def test_code_not_in_plan(self, world, op, january):
        msgs = _bad(world, op, _xlsx([_row("1.02.02.2.01.0099")]))
        assert "kolom B" in msgs[0] and "tidak ada dalam rencana" in msgs[0]

    def test_duplicate_rows(self, world, op, january):
        msgs = _bad(world, op, _xlsx([_row(), [], _row(keuangan=1)]))
        assert any("baris 4" in m and "Baris ganda" in m and "baris 2" in m for m in msgs)

    def test_above_pagu_cumulative(self, world, op, january):
        _run(world, op, _xlsx([_row(SUB2, keuangan=200_000_000)]), check_period=False)
        before = Realisasi.objects.count()
        content = _xlsx([_row(SUB2, "Februari", keuangan=150_000_000)])
        result = realisasi_workbook_import(
            content, "r.xlsx", actor=op, tahun_anggaran=world.a.ta, opd=world.a.dinkes,
            check_period=False,
        )  # fmt: skip
        assert not result.applied and "melebihi pagu" in _messages(result)[0]
        assert Realisasi.objects.count() == before

    def test_closed_period(self, world, op, clock):
        clock.set("2026-04-20 10:00")
        msgs = _bad(world, op, _xlsx([_row()]))
        assert "sudah ditutup" in msgs[0]

    def test_not_a_spreadsheet(self, world, op, january):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            _run(world, op, b"%PDF-1.4 not a workbook", name="r.pdf")
        with pytest.raises(ValidationError):
            _run(world, op, b"PK\x03\x04garbage", name="r.xlsx")
        assert not Realisasi.objects.exists()


class TestIndicators:
    def test_values_imported_and_checked(self, world, op, january):
        indikator_create(
            actor=None, induk=world.a.sub, nama="Cakupan imunisasi", satuan="%",
            rumus=Rumus.PERSENTASE, target_tahunan=Decimal(90), target_tw1=Decimal(20),
            target_tw2=Decimal(40), target_tw3=Decimal(60), target_tw4=Decimal(90),
        )  # fmt: skip
        ok = [OPD, SUB, "Cakupan imunisasi", "%", "Januari", "12,5", None]
        result = _run(world, op, _xlsx([_row()], ind_rows=[ok]))
        assert result.applied and RealisasiIndikator.objects.get().nilai == Decimal("12.5")
        bad = [OPD, SUB, "Cakupan imunisasi", "%", "Januari", 150, None]
        result = _run(world, op, _xlsx([_row()], ind_rows=[bad]))
        assert not result.applied and "Lembar Indikator, baris 2, kolom F" in _messages(result)[0]
        assert RealisasiIndikator.objects.get().nilai == Decimal("12.5")


class TestTemplateAndExport:
    def test_template_is_prefilled_with_drop_downs(self, world, op):
        data = realisasi_workbook_data(
            user=op, tahun_anggaran=world.a.ta, opd=world.a.dinkes, bulan=3, filled=False
        )
        book = load_workbook(io.BytesIO(build_xlsx(data)))
        assert book.sheetnames == ["Realisasi", "Indikator", "Petunjuk", "Referensi"]
        assert book["Referensi"].sheet_state == "hidden"
        ws = book["Realisasi"]
        assert [c.value for c in ws[2]][:5] == [OPD, SUB, world.a.sub.nama, 600000000, "Maret"]
        assert ws.max_row == 3  # two sub kegiatan of Dinkes, nothing of PUPR
        assert {str(dv.sqref) for dv in ws.data_validations.dataValidation} == {
            "E2:E1048576", "B2:B1048576"
        }  # fmt: skip
        assert build_csv(data).splitlines()[0].startswith("Kode OPD;Kode Sub Kegiatan")

    def test_other_opd_and_other_pemda_not_exported(self, world, op):
        from django.http import Http404

        for kwargs in ({"opd": world.a.pupr}, {"opd": None}):
            with pytest.raises(Http404):
                realisasi_workbook_data(user=op, tahun_anggaran=world.a.ta, filled=True, **kwargs)
        with pytest.raises(Http404):
            realisasi_workbook_data(
                user=world.a.users["admin"], tahun_anggaran=world.b.ta, filled=True
            )

    def test_template_filled_in_imports(self, world, op, january):
        data = realisasi_workbook_data(
            user=op, tahun_anggaran=world.a.ta, opd=world.a.dinkes, bulan=1, filled=False
        )
        book = load_workbook(io.BytesIO(build_xlsx(data)))
        book["Realisasi"]["F2"], book["Realisasi"]["G2"] = 1_000_000, 3
        out = io.BytesIO()
        book.save(out)
        result = _run(world, op, out.getvalue())
        assert result.applied and result.counts()["baru"] == 1 and result.counts()["kosong"] == 1

    def test_csv_imports(self, world, op, january):
        header = ";".join(h for _k, h in REALISASI_COLUMNS)
        text = f"{header}\n{OPD};{SUB};x;;Januari;1.500.000,25;4,5;;\n"
        result = _run(world, op, text.encode(), name="r.csv")
        assert result.applied and Realisasi.objects.get().keuangan == Decimal("1500000.25")


def test_round_trip_into_an_empty_pemda_gives_identical_files(world, op, january, nomen_csv):
    """Export A → import into B (same plan codes) → export B: the same bytes."""
    from pantau.organisations.services import opd_update  # noqa: F401 - world has the plan

    for tenant in (world.a, world.b):  # the same plan in both pemdas, an indicator included
        indikator_create(
            actor=None, induk=tenant.sub, nama="Jumlah posyandu aktif", satuan="unit",
            rumus=Rumus.TREN_POSITIF, target_tahunan=Decimal(40), target_tw1=Decimal(10),
            target_tw2=Decimal(10), target_tw3=Decimal(10), target_tw4=Decimal(10),
        )  # fmt: skip
    rows = [_row(), _row(SUB2, "Januari", "2.000.000,50", "1,25", kendala="Cuaca")]
    values = [[OPD, SUB, "Jumlah posyandu aktif", "unit", "Januari", "7,5", "dua baru"]]
    assert _run(world, op, _xlsx(rows, ind_rows=values)).applied
    a = realisasi_workbook_data(
        user=world.a.users["admin"], tahun_anggaran=world.a.ta, opd=world.a.dinkes, filled=True
    )
    exported = build_xlsx(a)
    # pemda B has the same codes; its Dinkes name differs, so compare with B's own title
    result = realisasi_workbook_import(
        exported, "a.xlsx", actor=None, tahun_anggaran=world.b.ta, opd=world.b.dinkes,
        check_period=False,
    )  # fmt: skip
    assert result.applied, result.errors
    b = realisasi_workbook_data(
        user=world.b.users["admin"], tahun_anggaran=world.b.ta, opd=world.b.dinkes, filled=True
    )
    assert len(a.realisasi) == 2 and len(a.indikator) == 1
    assert a.realisasi == b.realisasi and a.indikator == b.indikator
    b.judul = a.judul
    assert build_xlsx(b) == exported
