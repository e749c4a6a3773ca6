"""A report's table as an XLSX workbook in the official layout (openpyxl): title rows, a merged
two-row header, Rupiah and percentage number formats, frozen panes, print area, landscape on
one page wide, the header rows repeated on every printed page. A cell without a figure holds
its reason in words."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from pantau.reports.tables import BILANGAN, NILAI, PERSEN, POIN, RUPIAH, Tabel

FORMAT = {
    RUPIAH: '"Rp "#,##0.00;-"Rp "#,##0.00',
    PERSEN: '0.00"%"',
    POIN: "+0.00;-0.00;0.00",
    BILANGAN: "0",
    NILAI: "#,##0.00",
}
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD = PatternFill("solid", fgColor="DDE6F0")
FOLIO = "14"  # Excel paper size code of folio (8.5 × 13 in, F4)
BOLD_LEVELS = {"program", "kegiatan", "total", "opd"}


def _value(value, jenis: str):
    """Money as a number cell when a float holds it exactly, else as Indonesian number text
    (`1234567,10`: never a drifted amount; as the plan workbook, decision 0021); percentages
    and points rounded to 4 decimals (shown with 2)."""
    if not isinstance(value, Decimal):
        return value
    if jenis == RUPIAH:
        if Decimal(float(value)) == value:
            return float(value)
        return format(value, "f").replace(".", ",")
    return float(round(value, 4))


def tabel_xlsx(table: Tabel, *, judul_lembar: str = "Laporan") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = judul_lembar[:31]
    ncol = len(table.kolom)
    last = get_column_letter(ncol)
    for i, line in enumerate(table.judul, start=1):
        ws.merge_cells(f"A{i}:{last}{i}")
        cell = ws.cell(i, 1, line)
        cell.font = Font(bold=True, size=13 if i == 1 else 11)
        cell.alignment = Alignment(horizontal="center")
    head = len(table.judul) + 2  # one blank row under the title
    two_rows = table.bertingkat
    col = 1
    for group, span in table.grup:
        if group:
            ws.merge_cells(
                start_row=head, start_column=col, end_row=head, end_column=col + span - 1
            )
            ws.cell(head, col, group)
        elif two_rows:
            ws.merge_cells(start_row=head, start_column=col, end_row=head + 1, end_column=col)
        col += span
    sub_row = head + 1 if two_rows else head
    for c, k in enumerate(table.kolom, start=1):
        if k.grup or not two_rows:
            ws.cell(sub_row, c, k.judul)
        else:
            ws.cell(head, c, k.judul)
        ws.column_dimensions[get_column_letter(c)].width = k.lebar
    for r in range(head, sub_row + 1):
        for c in range(1, ncol + 1):
            cell = ws.cell(r, c)
            cell.font = Font(bold=True)
            cell.fill = HEAD
            cell.border = BOX
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    if table.nomor_kolom:  # the official form's column-number row (1, 2, 3 ...)
        sub_row += 1
        col = 1
        for nomor, span in table.nomor_kolom:
            if span > 1:
                ws.merge_cells(
                    start_row=sub_row, start_column=col, end_row=sub_row, end_column=col + span - 1
                )
            ws.cell(sub_row, col, nomor)
            for c in range(col, col + span):
                cell = ws.cell(sub_row, c)
                cell.font, cell.border = Font(italic=True, size=8), BOX
                cell.alignment = Alignment(horizontal="center")
            col += span
    r = sub_row + 1
    first_data = r
    for b in table.baris:
        bold = b.tingkat in BOLD_LEVELS
        if b.tingkat == "kosong":
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncol)
        for c, k in enumerate(table.kolom, start=1):
            value = b.sel.get(k.key)
            cell = ws.cell(r, c)
            if b.tingkat == "kosong":
                if c == 1:
                    cell.value = b.sel.get("uraian")
            elif value is None or value == "":
                cell.value = b.teks_kosong(k.key) if value is None else ""
                cell.alignment = Alignment(horizontal="center", wrap_text=True)
            else:
                cell.value = _value(value, k.jenis)
                if k.jenis in FORMAT:
                    cell.number_format = FORMAT[k.jenis]
                else:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = BOX
            if bold:
                cell.font = Font(bold=True)
        r += 1
    r = _kaki(ws, table, r, ncol)
    note_row = r + 1
    for text in table.catatan:
        ws.merge_cells(start_row=note_row, start_column=1, end_row=note_row, end_column=ncol)
        ws.cell(note_row, 1, text).alignment = Alignment(wrap_text=True)
        note_row += 1
    end = _tanda_tangan(ws, table, note_row + 1, ncol) if table.tanda_tangan else r - 1
    ws.freeze_panes = f"D{first_data}"
    ws.print_area = f"A1:{last}{max(end, first_data)}"
    ws.print_title_rows = f"{head}:{sub_row}"
    ws.page_setup.orientation = "landscape"
    # a wide form (E.81) on F4 (folio, 215 × 330 mm: the paper of Indonesian offices), else A4
    ws.page_setup.paperSize = FOLIO if table.padat else ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "&P / &N"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _kaki(ws, table: Tabel, r: int, ncol: int) -> int:
    """The footer rows under the table: the label over the first columns, the text (wrapped,
    the row as high as its lines) over the rest. Returns the next free row."""
    if not table.kaki:
        return r
    split = min(4, ncol - 1)
    chars = sum(k.lebar for k in table.kolom[split:]) or 1
    for kaki in table.kaki:
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=split)
        ws.merge_cells(start_row=r, start_column=split + 1, end_row=r, end_column=ncol)
        label = ws.cell(r, 1, kaki.label)
        label.font = Font(bold=True)
        label.alignment = Alignment(wrap_text=True, vertical="top")
        text = ws.cell(r, split + 1, kaki.isi)
        text.alignment = Alignment(wrap_text=True, vertical="top")
        for c in range(1, ncol + 1):
            ws.cell(r, c).border = BOX
        lines = sum(1 + len(line) // chars for line in kaki.isi.split("\n"))
        ws.row_dimensions[r].height = max(15, 13 * lines)
        r += 1
    return r


def _tanda_tangan(ws, table: Tabel, r: int, ncol: int) -> int:
    """The signature slots side by side, each over its share of the columns, the lines to
    sign on when the name or date is empty. Returns the last row written."""
    slots = table.tanda_tangan
    width = max(1, ncol // len(slots))
    last = r
    for i, slot in enumerate(slots):
        first_col = 1 + i * width
        last_col = ncol if i == len(slots) - 1 else first_col + width - 1
        for j, line in enumerate(slot.baris()):
            row = r + j
            if last_col > first_col:
                ws.merge_cells(
                    start_row=row, start_column=first_col, end_row=row, end_column=last_col
                )
            cell = ws.cell(row, first_col, line or None)
            cell.alignment = Alignment(horizontal="center")
            if j == 6:
                cell.font = Font(bold=True, underline="single" if slot.nama else None)
            last = max(last, row)
    return last
