"""Issue 10 §2: every spreadsheet read goes through one guard that enforces its limits while
streaming (declared dimension, zip expansion, cells, rows), and uploads are stopped past the
request limit while they arrive, before a view reads them."""

from __future__ import annotations

import io
import re
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from conftest import PASSWORD
from pantau.core import spreadsheets
from pantau.opendata import tables
from pantau.opendata.tests.test_skema import _new, _private_files

SHEET = "xl/worksheets/sheet1.xml"


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rewrite(content: bytes, name: str, change) -> bytes:
    """The same workbook with one part's bytes changed."""
    src = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info.filename, change(data) if info.filename == name else data)
    return out.getvalue()


def _declaring(ref: str) -> bytes:
    small = _xlsx([["kecamatan", "kasus"], ["Wangi-Wangi", 12]])
    return _rewrite(
        small,
        SHEET,
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), xml),
    )


def _peak(fn) -> int:
    tracemalloc.start()
    try:
        fn()
    finally:
        _size, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


class TestDeclaredDimension:
    def test_a_tiny_file_declaring_a_whole_sheet_is_refused_before_parsing(self):
        content = _declaring("A1:XFD1048576")
        assert len(content) < 10_000

        def read():
            with pytest.raises(ValidationError, match="Lembar kerja terlalu lebar: 16384 kolom"):
                tables.read_table(content, "besar.xlsx")

        assert _peak(read) < 5 * 1024 * 1024  # bytes: nothing the size of the declared sheet

    def test_a_tall_declaration_is_refused_by_rows(self):
        with pytest.raises(ValidationError, match="Terlalu banyak baris"):
            tables.read_table(_declaring("A1:B1048576"), "tinggi.xlsx")

    def test_rows_times_columns_over_the_cell_limit(self, settings):
        settings.SPREADSHEET_MAX_CELLS = 1000
        with pytest.raises(ValidationError, match="terlalu besar: 2000 sel"):
            tables.read_table(_declaring("A1:T100"), "luas.xlsx")

    def test_an_honest_sheet_still_reads(self):
        table = tables.read_table(_declaring("A1:B2"), "kasus.xlsx")
        assert table.header == ["kecamatan", "kasus"]
        assert table.rows == [["Wangi-Wangi", "12"]]


class TestStreamedLimits:
    def test_a_sheet_whose_dimension_lies_is_stopped_by_the_cell_count(self, settings):
        settings.SPREADSHEET_MAX_CELLS = 500
        content = _rewrite(
            _xlsx([["a", "b", "c", "d"]] + [[1, 2, 3, 4]] * 300),
            SHEET,
            lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', xml),
        )
        with pytest.raises(ValidationError, match="lebih dari 500 sel"):
            tables.read_table(content, "bohong.xlsx")

    def test_one_far_cell_does_not_widen_every_row(self, settings):
        settings.SPREADSHEET_MAX_COLUMNS = 50
        with pytest.raises(ValidationError, match="terlalu lebar"):
            tables.read_table(_xlsx([["a", "b"], [1, 2], [*([None] * 80), "jauh"]]), "x.xlsx")

    def test_csv_cells_are_counted_while_reading(self, settings):
        settings.SPREADSHEET_MAX_CELLS = 100
        body = ("a,b,c,d\n" + "1,2,3,4\n" * 40).encode()
        with pytest.raises(ValidationError, match="lebih dari 100 sel"):
            tables.read_table(body, "x.csv")


class TestZipBomb:
    def _bomb(self, megabytes: int) -> bytes:
        """A valid workbook whose sheet XML is padded with whitespace: tiny compressed, large
        once unzipped."""
        pad = b" " * (megabytes * 1024 * 1024)
        return _rewrite(
            _xlsx([["a"], [1]]),
            SHEET,
            lambda xml: xml.replace(b"<sheetData>", pad + b"<sheetData>"),
        )

    def test_refused_from_the_declared_sizes_before_inflating(self, settings):
        settings.SPREADSHEET_MAX_UNCOMPRESSED_MB = 8
        content = self._bomb(12)
        assert len(content) < 100_000

        def read():
            with pytest.raises(ValidationError, match="kemungkinan bom zip"):
                tables.read_table(content, "bom.xlsx")

        assert _peak(read) < 2 * 1024 * 1024

    def test_a_high_ratio_part_is_refused_even_under_the_total(self):
        with pytest.raises(ValidationError, match="kemungkinan bom zip"):
            tables.read_table(self._bomb(4), "bom.xlsx")

    def test_the_guard_is_the_same_for_other_readers(self):
        rows = list(spreadsheets.xlsx_rows(_xlsx([["kode", "nilai"], ["1.02", 5], [None, None]])))
        assert rows == [["kode", "nilai"], ["1.02", "5"]]
        with pytest.raises(ValidationError, match="16384 kolom"):
            list(spreadsheets.xlsx_rows(_declaring("A1:XFD1048576")))


@pytest.mark.django_db
class TestUploadStoppedWhileStreaming:
    def test_a_file_over_the_limit_is_refused_with_a_message_and_nothing_kept(
        self, client, world, settings
    ):
        settings.UPLOAD_MAX_MB = 1
        ds = _new(world)
        assert client.login(username=world.a.users["operator_opd"].username, password=PASSWORD)
        body = b"kecamatan,kasus\n" + b"Wangi-Wangi,12\n" * 150_000  # about 2 MB
        page = client.post(
            f"/satu-data/{ds.pk}/unggah/",
            {"berkas": SimpleUploadedFile("besar.csv", body)},
            follow=True,
        )
        assert "Berkas besar.csv terlalu besar (maksimum 1 MB)" in page.text
        ds.refresh_from_db()
        assert ds.unggahan_tertunda == {} and not ds.versi.exists()
        assert _private_files(settings) == []

    def test_a_request_declaring_more_than_the_request_limit_is_refused(
        self, client, world, settings
    ):
        settings.UPLOAD_MAX_REQUEST_MB = 1
        ds = _new(world)
        assert client.login(username=world.a.users["operator_opd"].username, password=PASSWORD)
        page = client.post(
            f"/satu-data/{ds.pk}/unggah/",
            {"berkas": SimpleUploadedFile("b.csv", b"a,b\n" + b"1,2\n" * 300_000)},
            follow=True,
        )
        assert "terlalu besar (maksimum 1 MB)" in page.text
        assert not ds.versi.exists()

    def test_the_handler_stops_reading_the_file_past_the_limit(self, rf, settings):
        from django.core.files.uploadhandler import StopUpload

        from pantau.core.uploads import LimitedUploadHandler, refused_message

        settings.UPLOAD_MAX_MB = 1
        request = rf.post("/")
        handler = LimitedUploadHandler(request)
        handler.handle_raw_input(None, {}, 3 * 1024 * 1024, b"x")
        handler.new_file("berkas", "b.csv", "text/csv", 3 * 1024 * 1024)
        chunk = b"x" * 65536
        taken = 0
        with pytest.raises(StopUpload):
            for _ in range(48):
                handler.receive_data_chunk(chunk, taken)
                taken += len(chunk)
        assert taken == 1024 * 1024  # the chunk past 1 MB was refused, nothing after it read
        assert "b.csv" in refused_message(request)


def test_the_messages_in_english(settings):
    from django.utils import translation

    settings.SPREADSHEET_MAX_UNCOMPRESSED_MB = 1
    with translation.override("en"):
        with pytest.raises(ValidationError, match="too wide: 16384 columns"):
            tables.read_table(_declaring("A1:XFD1048576"), "besar.xlsx")
        with pytest.raises(ValidationError, match="possibly a zip bomb"):
            tables.read_table(TestZipBomb()._bomb(2), "bom.xlsx")


def test_the_first_sheet_is_checked_whatever_its_part_is_called():
    """The workbook names the sheet's part; a part not called sheet1.xml is checked too."""

    def rename(content: bytes) -> bytes:
        src = zipfile.ZipFile(io.BytesIO(content))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                data = src.read(info.filename)
                name = info.filename.replace("worksheets/sheet1.xml", "worksheets/data.xml")
                dst.writestr(name, data.replace(b"worksheets/sheet1.xml", b"worksheets/data.xml"))
        return out.getvalue()

    content = rename(_declaring("A1:XFD1048576"))
    assert "xl/worksheets/data.xml" in zipfile.ZipFile(io.BytesIO(content)).namelist()
    with pytest.raises(ValidationError, match="16384 kolom"):
        tables.read_table(content, "lain.xlsx")
    assert tables.read_table(rename(_declaring("A1:B2")), "lain.xlsx").header == [
        "kecamatan",
        "kasus",
    ]


def test_rows_past_a_too_small_declared_dimension_are_read():
    content = _rewrite(
        _xlsx([["a", "b", "c"]] + [[n, n, n] for n in range(1, 6)]),
        SHEET,
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', xml),
    )
    table = tables.read_table(content, "kecil.xlsx")
    assert table.header == ["a", "b", "c"]
    assert table.rows == [[str(n)] * 3 for n in range(1, 6)]


def test_an_empty_file_is_named_as_empty():
    from django.core.exceptions import ValidationError

    from pantau.core.spreadsheets import Limits, open_xlsx

    with pytest.raises(ValidationError, match=r"kosong \(0 bita\)"):
        open_xlsx(b"", Limits.from_settings())
