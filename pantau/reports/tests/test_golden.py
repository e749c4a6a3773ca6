"""Golden tests (issue 14): for the fixed dataset of `worlds.golden`, every cell of Form B and
the RFK in the XLSX equals a value computed by hand here; the PDF's text holds the same figures
and its pages render to non-blank PNGs. The arithmetic is in the comments (domain.md §7)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pantau.core.storage import open_private
from pantau.reports.jobs import laporan_run
from pantau.reports.selectors import Permintaan
from pantau.reports.services import laporan_request
from pantau.reports.tests.worlds import golden

M = 1_000_000
TR = "tanpa rencana"
TC = "tidak dicatat"
POPPLER = shutil.which("pdftotext") and shutil.which("pdftoppm")
needs_poppler = pytest.mark.skipif(
    not POPPLER, reason="poppler-utils (pdftotext, pdftoppm) tidak terpasang: make setup-pdf"
)

# Form B, Dinkes, s.d. Februari 2026 (16 columns: no, kode, uraian, pagu, bobot, target fisik,
# fisik, TTB fisik, target kas Rp, target kas %, realisasi Rp, realisasi %, TTB keuangan,
# lokasi, sisa, keterangan). Σ pagu = 600 + 300 + 100 = 1000 jt → bobot 60 / 30 / 10.
FORM_B = [
    # program and kegiatan: Σ of their sub kegiatan; TTB fisik 30 + 24 + 10 = 64
    [
        "",
        "1.02.02",
        "PROGRAM PEMENUHAN UPAYA KESEHATAN",
        1000 * M,
        100,
        "",
        "",
        64,
        "",
        "",
        430 * M,
        "",
        43,
        "",
        570 * M,
        "",
    ],
    [
        "",
        "1.02.02.2.01",
        "Penyediaan Fasilitas Pelayanan Kesehatan",
        1000 * M,
        100,
        "",
        "",
        64,
        "",
        "",
        430 * M,
        "",
        43,
        "",
        570 * M,
        "",
    ],
    # A: target fisik 2 × 8 = 16; TTB 50 × 60 / 100 = 30; kas 2 × 50 = 100 jt = 16,6667 % of
    # 600; realisasi 100 + 80 = 180 jt = 30 %; TTB 30 × 60 / 100 = 18; sisa 600 − 180 = 420
    [
        1,
        "1.02.02.2.01.0001",
        "Pembangunan Rumah Sakit",
        600 * M,
        60,
        16,
        50,
        30,
        100 * M,
        16.6667,
        180 * M,
        30,
        18,
        TC,
        420 * M,
        "",
    ],
    # B: no plan; TTB 80 × 30 / 100 = 24; 150 / 300 = 50 %; TTB 50 × 30 / 100 = 15
    [
        2,
        "1.02.02.2.01.0002",
        "Pembangunan Puskesmas",
        300 * M,
        30,
        TR,
        80,
        24,
        TR,
        TR,
        150 * M,
        50,
        15,
        TC,
        150 * M,
        "tanpa rencana bulanan",
    ],
    # C: January's figures carried (not reported in February); 100 / 100 = 100 %
    [
        3,
        "1.02.02.2.01.0003",
        "Pembangunan Fasilitas Kesehatan Lainnya",
        100 * M,
        10,
        TR,
        100,
        10,
        TR,
        TR,
        100 * M,
        100,
        10,
        TC,
        0,
        "tanpa rencana bulanan; belum melapor bulan ini (angka laporan terakhir)",
    ],
    # OPD: fisik 64,0 (domain.md §7); target fisik over planned subs only: 16; keuangan
    # 430 / 1000 = 43 %; sisa 1000 − 430 = 570
    [
        "",
        "",
        "Jumlah OPD",
        1000 * M,
        100,
        16,
        64,
        64,
        100 * M,
        16.6667,
        430 * M,
        43,
        43,
        "",
        570 * M,
        "",
    ],
]

# RFK of the pemda, s.d. Februari: Dinkes (1000 jt) and PUPR (100 jt, no report) → Σ 1100 jt.
RFK_PEMDA = [
    # bobot 1000 / 1100 = 90,9091 %; bulan ini 430 − (100 + 100 in January) = 230 jt;
    # deviasi keuangan 43 − 16,6667 = 26,3333; deviasi fisik over planned A: 50 − 16 = 34
    [
        1,
        "1.02.0.00.0.00.01.0000",
        "Dinas Kesehatan A",
        1000 * M,
        90.9091,
        230 * M,
        430 * M,
        43,
        16.6667,
        26.3333,
        16,
        64,
        34,
        570 * M,
        "1 dari 3 sub kegiatan belum melapor bulan ini",
    ],
    # PUPR: nothing reported, no plan: 0 Rp spent is a figure; the plan columns say why not
    [
        2,
        "1.03.0.00.0.00.01.0000",
        "Dinas PUPR A",
        100 * M,
        9.0909,
        0,
        0,
        0,
        TR,
        TR,
        TR,
        0,
        TR,
        100 * M,
        "1 dari 1 sub kegiatan belum melapor bulan ini",
    ],
    # Σ: 430 / 1100 = 39,0909 %; fisik (64 × 1000 + 0 × 100) / 1100 = 58,1818;
    # deviasi keuangan 39,0909 − 16,6667 = 22,4242 (planned subs only for the plan)
    [
        "",
        "",
        "Jumlah",
        1100 * M,
        100,
        230 * M,
        430 * M,
        39.0909,
        16.6667,
        22.4242,
        16,
        58.1818,
        34,
        670 * M,
        "",
    ],
]


def _made(user, fmt: str, **kw):
    laporan = laporan_request(actor=user, permintaan=Permintaan(**kw), format=fmt)
    laporan = laporan_run(laporan.pk)
    assert laporan.status == "selesai", laporan.pesan
    return laporan, open_private(laporan.berkas).read_bytes()


def _cells(ws, first: int, ncol: int, nrows: int) -> list[list]:
    out = []
    for row in ws.iter_rows(min_row=first, max_row=first + nrows - 1, max_col=ncol):
        values = []
        for c in row:
            v = "" if c.value is None else c.value
            values.append(round(v, 4) if isinstance(v, float) else v)
        out.append(values)
    return out


def _pdf_text_and_ink(data: bytes) -> tuple[str, list[int]]:
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "r.pdf"
        pdf.write_bytes(data)
        text = subprocess.run(  # noqa: S603 - our own file, a fixed tool
            [shutil.which("pdftotext"), "-layout", str(pdf), "-"],
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout.decode()
        subprocess.run(  # noqa: S603 - our own file, a fixed tool
            [shutil.which("pdftoppm"), "-r", "40", "-png", str(pdf), str(Path(tmp) / "p")],
            check=True,
            timeout=60,
        )
        ink = []
        for png in sorted(Path(tmp).glob("p*.png")):
            with Image.open(png) as im:
                grey = im.convert("L")
                ink.append(sum(grey.histogram()[:200]))
    return text, ink


@needs_poppler
def test_form_b_xlsx_every_cell_and_pdf_figures(world):
    a = golden(world)
    user = a.users["verifikator"]
    kw = {"jenis": "form-b", "tahun_anggaran": a.ta, "opd": a.dinkes, "bulan": 2}
    laporan, data = _made(user, "xlsx", **kw)
    ws = load_workbook(BytesIO(data)).active
    # layout: three title rows, a blank row, a two-row merged header, data from row 7
    assert ws["A1"].value.startswith("FORM B")
    assert ws["A2"].value == "1.02.0.00.0.00.01.0000 Dinas Kesehatan A"
    assert ws["A3"].value == "Keadaan s.d. akhir Februari 2026, angka terverifikasi"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:P1", "F5:H5", "I5:M5", "A5:A6", "P5:P6"} <= merged
    assert ws["F5"].value == "Fisik" and ws["I5"].value == "Keuangan"
    assert ws["F6"].value == "Target (%)" and ws["M6"].value == "Tertimbang (%)"
    assert ws.freeze_panes == "D7"
    assert ws.print_title_rows == "$5:$6"
    # the print area runs to the signature block under the notes (rows 14-23): "Mengetahui",
    # Kepala Dinas Kesehatan A, a line to sign on and the NIP line
    assert ws.print_area == "'Form B'!$A$1:$P$23"
    block = [c.value for row in ws.iter_rows(min_row=14, max_row=23) for c in row if c.value]
    assert "Mengetahui" in block and "Kepala Dinas Kesehatan A" in block
    assert "NIP ........................" in block
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws["D9"].number_format == '"Rp "#,##0.00;-"Rp "#,##0.00'
    assert ws["E9"].number_format == '0.00"%"'
    assert _cells(ws, 7, 16, 6) == FORM_B
    assert len(laporan.versi_data) == 64 and laporan.tahap == "draf"

    pdf, pdf_data = _made(user, "pdf", **kw)
    assert pdf.versi_data == laporan.versi_data  # same data, same version, whatever the format
    text, ink = _pdf_text_and_ink(pdf_data)
    # table cells hold the number alone (the unit is in the heading); the headline has Rp
    for figure in (
        "Rp 1.000.000.000",
        "600.000.000",
        "430.000.000",
        "60,00",
        "30,00",
        "64,00%",
        "43,00",
        "16,67",
        "570.000.000",
        "tanpa rencana",
        "Halaman 1 / ",
        "KABUPATEN UJI A",
        laporan.versi_data[:12],
    ):
        assert figure in text, figure
    assert ink and all(n > 500 for n in ink), ink


@needs_poppler
def test_rfk_pemda_and_opd_every_cell(world):
    a = golden(world)
    user = a.users["pimpinan"]
    _laporan, data = _made(user, "xlsx", jenis="rfk", tahun_anggaran=a.ta, opd=None, bulan=2)
    ws = load_workbook(BytesIO(data)).active
    assert ws["A2"].value == "Kabupaten Uji A"
    assert _cells(ws, 7, 15, 3) == RFK_PEMDA

    # the OPD's RFK: A spent 80 jt in February (180 − 100), B 150 (nothing before), C 0
    _l, data = _made(user, "xlsx", jenis="rfk", tahun_anggaran=a.ta, opd=a.dinkes, bulan=2)
    ws = load_workbook(BytesIO(data)).active
    rows = _cells(ws, 7, 15, 4)
    assert [r[5] for r in rows] == [80 * M, 150 * M, 0, 230 * M]
    assert [r[11] for r in rows] == [50, 80, 100, 64]
    assert rows[1][10] == TR and rows[2][14] == "belum melapor bulan ini (angka laporan terakhir)"

    _pdf, pdf_data = _made(user, "pdf", jenis="rfk", tahun_anggaran=a.ta, opd=None, bulan=2)
    text, ink = _pdf_text_and_ink(pdf_data)
    for figure in ("1.100.000.000", "39,09", "58,18", "+22,42", "230.000.000"):
        assert figure in text, figure
    assert ink and all(n > 500 for n in ink)
