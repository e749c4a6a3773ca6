"""Formulir E.81 (issue 14 §2; docs/reports.md, docs/domain.md §11): for the fixed dataset of
`worlds.e81` every cell of the XLSX in both layouts equals a value computed by hand here, the
footer rows and the signature block too; the PDF's text holds the figures and its pages render
non-blank; the print view; the footer editing page (who may, too-long text, audit); and every
gap written in words.

The arithmetic (TW II 2026, verified basis; Rp: A + B under the program and kegiatan):
  Rp 7 program/kegiatan = 600 + 300 = 900 jt; s.d. TW I = (100 + 50) + 60 = 210 jt,
  s.d. TW II = 210 + 150 + 60 = 420 jt → TW II alone 420 − 210 = 210 jt; 13 Rp = 420/900 =
  46,6667 %. Sub kegiatan A: 600 jt, TW I 150, TW II 150, s.d. TW II 300 → 50 %.
  1 tren positif: 12 = 200 + 350 = 550; 13 = 550/1200 = 45,8333; 6 = 1900 (2025);
    14 = 1900 + 550 = 2450; 15 = 2450/6000 = 40,8333; 14 Rp = 1500 + 420 = 1920 jt;
    15 Rp = 1920/5000 = 38,4.
  2 tren negatif: 12 = 22 (latest); 13 = 20/22 = 90,9091; 14 = 22 (latest, not 24 + 22);
    15 = 14/22 = 63,6364; no Rp realised in 2025 → 6 Rp, 14 Rp, 15 Rp in words.
  3 persentase: 12 = 45; 13 = 45/90 = 50; nothing for 2025 → col 6 in words; 14 = 45
    (latest); 15 = 45/95 = 47,3684; 14 Rp needs col 6 → in words.
  4 nilai akhir: 12 = 76; 13 = 76/80 = 95; no Renstra target → 5, 6, 15 in words; 14 = 76.
  5 sub kegiatan, target 0: 13 undefined ("target 0"); nothing in TW I → "belum ada data".
  Average of the defined col 13: (45,8333 + 90,9091 + 50 + 95) / 4 = 281,7424 / 4 = 70,4356
  → "70,44", 4 of 5 indicators → predikat Sedang (66 ≤ x < 76, domain.md §9).
"""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pantau.audit.models import AuditEvent
from pantau.organisations.services import opd_update, pemda_update
from pantau.reports.models import E81_TEKS_MAKS, E81Catatan
from pantau.reports.selectors import Permintaan, tabel_for
from pantau.reports.tests.test_golden import _cells, _made, _pdf_text_and_ink, needs_poppler
from pantau.reports.tests.worlds import e81

M = 1_000_000
BD, TL, TR = "belum dievaluasi", "belum ada realisasi tahun lalu", "tanpa target Renstra"
RS, TRP = "Renstra tidak memuat sub kegiatan", "tanpa realisasi Rp"
S1 = "S1 Meningkatnya derajat kesehatan masyarakat"
PROG = "1.02.02 PROGRAM PEMENUHAN UPAYA KESEHATAN"
KEG = "1.02.02.2.01 Penyediaan Fasilitas Pelayanan Kesehatan"
SUB = "1.02.02.2.01.0001 Pembangunan Rumah Sakit"
U = "Dinkes-a"
Q34 = [BD, BD, BD, BD]  # TW III and IV of a TW II report
# layout A (17 columns, 28 cells): no, sasaran, uraian, indikator, then K/Rp of cols 5..15,
# unit, keterangan; 13 = tingkat capaian Renja
E81_A = [
    [1, S1, PROG, "Jumlah pasien dilayani (orang)", 6000, 5000 * M, 1900, 1500 * M, 1200,
     900 * M, 200, 210 * M, 350, 210 * M, *Q34, 550, 420 * M, 45.8333, 46.6667, 2450,
     1920 * M, 40.8333, 38.4, U, "Tren positif"],
    [2, S1, PROG, "Prevalensi stunting (%)", 14, 2000 * M, 24, TRP, 20, 900 * M, 24, 210 * M,
     22, 210 * M, *Q34, 22, 420 * M, 90.9091, 46.6667, 22, TRP, 63.6364, TRP, U,
     "Tren negatif"],
    [3, S1, KEG, "Cakupan layanan kesehatan dasar (%)", 95, 3000 * M, TL, TL, 90, 900 * M, 30,
     210 * M, 45, 210 * M, *Q34, 45, 420 * M, 50, 46.6667, 45, TL, 47.3684, TL, U,
     "Persentase kumulatif"],
    [4, S1, KEG, "Indeks kepuasan pasien (indeks)", TR, TR, TR, TR, 80, 900 * M, 70, 210 * M,
     76, 210 * M, *Q34, 76, 420 * M, 95, 46.6667, 76, TR, TR, TR, U, "Nilai akhir"],
    [5, S1, SUB, "Dokumen rencana induk (dokumen)", RS, RS, RS, RS, 0, 600 * M,
     "belum ada data", 150 * M, 2, 150 * M, *Q34, 2, 300 * M, "target 0", 50, RS, RS, RS, RS,
     U, "Tren positif; Target 0: capaian tidak terdefinisi"],
]  # fmt: skip
# layout B (16 columns): the same without col 13's pair (index 20, 21)
E81_B = [row[:20] + row[22:] for row in E81_A]
KAKI = [
    ["Rata-rata capaian kinerja (%)",
     "70,44 (rata-rata 4 dari 5 indikator yang capaiannya terdefinisi)"],
    ["Predikat kinerja", "Sedang"],
    ["Faktor pendorong keberhasilan pencapaian",
     "Draf dari catatan realisasi, belum disunting:\n"
     "Tidak ada catatan pada laporan realisasi triwulan ini."],
    ["Faktor penghambat pencapaian kinerja",
     "Draf dari catatan realisasi, belum disunting:\n- 1.02.02.2.01.0002 Pembangunan "
     "Puskesmas (Juni): Cuaca buruk menghambat pengiriman material"],
    ["Tindak lanjut yang diperlukan dalam triwulan berikutnya",
     "Draf dari catatan realisasi, belum disunting:\n- 1.02.02.2.01.0002 Pembangunan "
     "Puskesmas (Juni): Menambah tenaga kerja pada bulan Juli"],
    ["Tindak lanjut yang diperlukan dalam Renja PD kabupaten/kota berikutnya",
     "Draf dari catatan realisasi, belum disunting:\n"
     "- Jumlah pasien dilayani: capaian 45,83% (Sangat Rendah); tinjau target dan strategi "
     "dalam Renja berikutnya.\n"
     "- Cakupan layanan kesehatan dasar: capaian 50,00% (Sangat Rendah); tinjau target dan "
     "strategi dalam Renja berikutnya."],
]  # fmt: skip
DATES = "Wangi-Wangi, " + "." * 24
TTD = [
    [DATES, DATES],
    ["Disusun oleh", "Dievaluasi oleh"],
    ["Kepala Dinas Kesehatan A", "Kepala Badan Perencanaan Pembangunan Daerah"],
    ["", ""],
    ["", ""],
    ["", ""],
    ["dr. Wa Ode Sitti", "La Ode Amir"],
    ["NIP 197501012000032001", "NIP 196801011990031002"],
]


def _kw(a, triwulan: int = 2, opd=None):
    opd = opd or a.dinkes
    return {"jenis": "e81", "tahun_anggaran": a.ta, "opd": opd, "bulan": triwulan * 3,
            "triwulan": triwulan}  # fmt: skip


def _check_layout(ws, ncol: int, rows, numbers: int, right: str) -> None:
    """Titles, merged two-row header with K / Rp, the number row, every data cell, the footer
    and the signature block of an E.81 sheet with `ncol` cells a row."""
    assert ws["A1"].value == "FORMULIR E.81 — EVALUASI TERHADAP HASIL RENJA PERANGKAT DAERAH"
    assert ws["A2"].value == "1.02.0.00.0.00.01.0000 Dinas Kesehatan A"
    assert ws["A3"].value == (
        "Triwulan II tahun anggaran 2026, angka terverifikasi; Periode Renstra 2025–2029"
    )
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A5:A6", "B5:B6", "D5:D6", "E5:F5", "E7:F7", "G5:H5"} <= merged
    assert ws["E5"].value == "Target Renstra PD pada tahun akhir periode Renstra"
    assert [ws.cell(6, c).value for c in range(5, 9)] == ["K", "Rp", "K", "Rp"]
    assert ws["C5"].value == "Program / Kegiatan / Sub Kegiatan"
    # the number row: 1..4 one cell each, 5.. one number over each K/Rp pair, then unit, ket
    nums = [ws.cell(7, c).value for c in range(1, ncol + 1) if ws.cell(7, c).value]
    assert nums == [str(n) for n in range(1, numbers + 1)]
    assert ws.print_title_rows == "$5:$7" and ws.freeze_panes == "D8"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws["F8"].number_format == '"Rp "#,##0.00;-"Rp "#,##0.00'
    assert ws["E8"].number_format == "#,##0.00"
    assert _cells(ws, 8, ncol, 5) == rows
    assert ws["C8"].alignment.wrap_text and ws["D12"].alignment.wrap_text
    # footer rows: label over A:D, text over E:last
    assert [[ws.cell(r, 1).value, ws.cell(r, 5).value] for r in range(13, 19)] == KAKI
    assert ws["E16"].alignment.wrap_text
    last = ws.cell(5, ncol).column_letter
    assert {"A13:D13", f"E13:{last}13"} <= merged
    # signature block under the note: two slots side by side
    ttd = [[ws.cell(r, 1).value or "", ws[f"{right}{r}"].value or ""] for r in range(22, 30)]
    assert ttd == TTD
    assert ws.print_area == f"'Formulir E.81'!$A$1:${last}$29"


@needs_poppler
def test_e81_layout_a_every_cell_and_pdf(world):
    a = e81(world)
    user = a.users["verifikator"]
    laporan, data = _made(user, "xlsx", **_kw(a))
    ws = load_workbook(BytesIO(data)).active
    assert ws.max_column == 28  # 4 + 11 pairs + unit + keterangan
    assert ws["U5"].value == "Tingkat capaian kinerja dan realisasi anggaran Renja PD (%)"
    _check_layout(ws, 28, E81_A, 17, "O")  # 28 // 2 = 14 columns a slot: right from O

    pdf, pdf_data = _made(user, "pdf", **_kw(a))
    assert pdf.versi_data == laporan.versi_data
    text, ink = _pdf_text_and_ink(pdf_data)
    for figure in (
        "FORMULIR E.81",
        "420.000.000",
        "210.000.000",
        "45,83",
        "90,91",
        "63,64",
        "47,37",
        "40,83",
        "38,40",
        "2.450,00",
        "70,44",
        "Sedang",
        "Cuaca buruk menghambat pengiriman material",
        "Disusun oleh",
        "Dievaluasi oleh",
        "dr. Wa Ode Sitti",
        "NIP 196801011990031002",
        "Wangi-Wangi",
        "Halaman 1 / ",
        laporan.versi_data[:12],
    ):
        assert figure in text, figure
    assert ink and all(n > 500 for n in ink), ink


@needs_poppler
def test_e81_layout_b_every_cell_and_pdf(world):
    a = e81(world)
    pemda_update(actor=None, pemda=a.pemda, e81_tata_letak="16")
    user = a.users["kepala_opd"]
    laporan, data = _made(user, "xlsx", **_kw(a))
    ws = load_workbook(BytesIO(data)).active
    assert ws.max_column == 26
    # 13 is now Renstra realisation to date (6 + 12), 14 its tingkat capaian
    assert ws["U5"].value == "Realisasi kinerja dan anggaran Renstra PD s.d. tahun berjalan"
    _check_layout(ws, 26, E81_B, 16, "N")  # 26 // 2 = 13 columns a slot: right from N
    _pdf, pdf_data = _made(user, "pdf", **_kw(a))
    text, ink = _pdf_text_and_ink(pdf_data)
    assert "70,44" in text and "63,64" in text and "1.920.000.000" in text
    assert "90,91" not in text  # col 13 (tingkat capaian Renja) is not in layout B
    assert ink and all(n > 500 for n in ink)
    assert laporan.versi_data != _made(user, "xlsx", **_kw(a, 1))[0].versi_data


def test_table_round_trips_with_footer_and_signatures(world):
    from pantau.reports.tables import Tabel

    a = e81(world)
    table, rahasia = tabel_for(user=a.users["kepala_opd"], p=Permintaan(**_kw(a)))
    assert not rahasia
    again = Tabel.dari_json(table.ke_json())
    assert again == table and again.versi() == table.versi()
    assert [t.nama for t in table.tanda_tangan] == ["dr. Wa Ode Sitti", "La Ode Amir"]


# ---------------------------------------------------------------- print view and footer page


def _print_url(a, opd=None):
    return reverse("reports:opd", args=[(opd or a.dinkes).pk, 2026, "e81"]) + "?triwulan=2"


def _catatan_url(a, opd=None):
    return reverse("reports:e81-catatan", args=[(opd or a.dinkes).pk, 2026]) + "?triwulan=2"


def test_print_view_shows_the_form_footer_and_signatures(world, client):
    a = e81(world)
    client.force_login(a.users["operator_opd"])
    page = client.get(_print_url(a))
    assert page.status_code == 200
    html = page.content.decode()
    for text in ("Formulir E.81", "45,83", "70,44", "Sedang", "Draf dari catatan realisasi",
                 "Disusun oleh", "dr. Wa Ode Sitti", "Wangi-Wangi", 'class="nomor"',
                 "Sunting faktor pendorong"):  # fmt: skip
        assert text in html, text
    assert _catatan_url(a).split("?")[0] in html


def test_head_of_opd_edits_the_footer_with_audit(world, client):
    a = e81(world)
    client.force_login(a.users["kepala_opd"])
    page = client.get(_catatan_url(a))
    assert page.status_code == 200
    assert "Cuaca buruk menghambat pengiriman material" in page.content.decode()  # the draft
    before = AuditEvent.objects.count()
    body = {
        "triwulan": "2",
        "faktor_pendorong": "Dukungan puskesmas keliling.",
        "faktor_penghambat": "Cuaca buruk di bulan Juni.",
        "tindak_lanjut_triwulan": "Menambah tenaga kerja.",
        "tindak_lanjut_renja": "Target cakupan ditinjau ulang.",
    }
    done = client.post(_catatan_url(a), body)
    assert done.status_code == 302
    row = E81Catatan.objects.get(opd=a.dinkes, tahun_anggaran=a.ta, triwulan=2)
    assert row.faktor_pendorong == "Dukungan puskesmas keliling."
    assert row.diubah_oleh == a.users["kepala_opd"]
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1 and event.action == "e81_catatan.create"
    table, _r = tabel_for(user=a.users["kepala_opd"], p=Permintaan(**_kw(a)))
    kaki = {k.key: k.isi for k in table.kaki}
    assert kaki["faktor_pendorong"] == "Dukungan puskesmas keliling."
    assert kaki["tindak_lanjut_renja"] == "Target cakupan ditinjau ulang."
    # an operator changes it later: an update event
    client.force_login(a.users["operator_opd"])
    body["faktor_pendorong"] = ""
    assert client.post(_catatan_url(a), body).status_code == 302
    assert AuditEvent.objects.order_by("-id").first().action == "e81_catatan.update"
    table, _r = tabel_for(user=a.users["kepala_opd"], p=Permintaan(**_kw(a)))
    assert table.kaki[2].isi == "(tidak diisi)"


def test_too_long_text_is_refused_in_words_and_changes_nothing(world, client):
    a = e81(world)
    client.force_login(a.users["operator_opd"])
    before = AuditEvent.objects.count()
    page = client.post(
        _catatan_url(a), {"triwulan": "2", "faktor_penghambat": "x" * (E81_TEKS_MAKS + 1)}
    )
    assert page.status_code == 422
    assert (
        "Faktor penghambat pencapaian kinerja terlalu panjang: 2001 karakter, paling banyak "
        "2000." in page.content.decode()
    )
    assert not E81Catatan.objects.exists() and AuditEvent.objects.count() == before


def test_bappeda_reads_the_footer_but_may_not_edit(world, client):
    a = e81(world)
    client.force_login(a.users["verifikator"])
    page = client.get(_catatan_url(a))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<textarea" not in html and "Cuaca buruk menghambat" in html
    assert "Lihat faktor pendorong" in client.get(_print_url(a)).content.decode()
    before = AuditEvent.objects.count()
    refused = client.post(_catatan_url(a), {"triwulan": "2", "faktor_pendorong": "Bukan OPD."})
    assert refused.status_code == 403
    assert not E81Catatan.objects.exists() and AuditEvent.objects.count() == before


@pytest.mark.parametrize("who", ["other_opd", "other_pemda"])
def test_other_opd_and_other_pemda_get_404(world, client, who):
    a = e81(world)
    if who == "other_opd":  # Dinkes's operator, PUPR's page
        client.force_login(a.users["operator_opd"])
        urls = [_catatan_url(a, a.pupr), _print_url(a, a.pupr)]
    else:
        client.force_login(world.b.users["kepala_opd"])
        urls = [_catatan_url(a), _print_url(a)]
    for url in urls:
        assert client.get(url).status_code == 404
        body = {"triwulan": "2", "faktor_pendorong": "Bukan milik saya."}
        assert client.post(url, body).status_code == 404
    assert not E81Catatan.objects.exists()


def test_anonymous_goes_to_sign_in(world, client):
    a = e81(world)
    page = client.get(_catatan_url(a))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("login"))


# ---------------------------------------------------------------- gaps, in words


def _table(a, user="kepala_opd", **kw):
    table, _r = tabel_for(user=a.users[user], p=Permintaan(**{**_kw(a), **kw}))
    return table


def test_opd_without_indicators(world):
    a = world.a
    table = _table(a, "verifikator", opd=a.pupr)
    assert table.baris[0].tingkat == "kosong"
    assert table.baris[0].sel["uraian"].startswith("OPD ini belum memiliki indikator")
    kaki = {k.key: k.isi for k in table.kaki}
    assert kaki["rata_rata"].startswith("Tidak ada indikator dengan capaian terdefinisi")
    assert kaki["predikat"].startswith("tidak dapat ditentukan")
    assert "OPD ini belum memiliki periode Renstra yang mencakup tahun ini." in table.catatan
    assert "Bappeda pemda ini belum dikenali" in " ".join(table.catatan)
    assert table.tanda_tangan[1].jabatan == "Kepala Bappeda"
    assert table.tanda_tangan[0].baris()[6] == "(" + "." * 36 + ")"  # a line to write on


def test_quarter_without_data_and_no_data_at_all(world):
    from pantau.planning.choices import Rumus
    from pantau.planning.services import indikator_create

    a = e81(world)
    table = _table(a, triwulan=3)
    row = table.baris[0]
    assert row.sel["tw3_k"] is None
    assert row.kosong["tw3_k"] == "belum ada data" and row.kosong["tw4_k"] == "belum dievaluasi"
    assert row.sel["realisasi_k"] == 550  # nothing added in TW III: still 200 + 350
    # PUPR with an indicator but no value and no report at all
    indikator_create(
        actor=None, induk=a.sub_pupr, nama="Panjang jalan", satuan="km",
        rumus=Rumus.TREN_POSITIF, target_tahunan=10,
    )  # fmt: skip
    table = _table(a, "verifikator", opd=a.pupr)
    assert "Belum ada data realisasi sampai triwulan ini." in table.catatan
    row = table.baris[0]
    assert row.kosong["realisasi_k"] == "belum ada data"
    assert row.kosong["capaian_renja_k"] == "belum ada realisasi"
    assert row.kosong["target_renstra_k"] == "Renstra tidak memuat sub kegiatan"


def test_undefined_capaian_deactivated_opd_first_year_and_long_text(world):
    from decimal import Decimal

    from pantau.monitoring.services import realisasi_indikator_import
    from pantau.planning.choices import Rumus
    from pantau.planning.services import indikator_create

    a = e81(world)
    long_name = "Persentase " + "sangat panjang " * 30
    ind = indikator_create(
        actor=None, induk=a.kegiatan, nama=long_name.strip(), satuan="%",
        rumus=Rumus.TREN_NEGATIF, target_tahunan=5,
    )  # fmt: skip
    realisasi_indikator_import(
        actor=None, tahun_anggaran=a.ta, rows=[{"indikator": ind, "bulan": 6, "nilai": Decimal(0)}]
    )
    a.dinkes = opd_update(actor=None, opd=a.dinkes, aktif=False)
    table = _table(a)
    row = next(b for b in table.baris if b.sel["indikator"].startswith("Persentase sangat"))
    # tren negatif, R = 0, T = 5: undefined and flagged for review (domain.md §8)
    assert row.kosong["capaian_renja_k"] == "perlu ditinjau"
    assert "Perlu ditinjau: realisasi 0 pada indikator tren negatif" in row.sel["keterangan"]
    assert "OPD dinonaktifkan" in row.sel["keterangan"]
    assert any("sudah dinonaktifkan" in c for c in table.catatan)
    kaki = {k.key: k.isi for k in table.kaki}
    assert "4 dari 6 indikator" in kaki["rata_rata"]  # the undefined ones are left out


def test_first_year_of_the_renstra_period(world):
    from pantau.planning.models import PeriodeRenstra

    a = e81(world)
    PeriodeRenstra.objects.filter(opd=a.dinkes).update(tahun_awal=2026, tahun_akhir=2030)
    table = _table(a)
    row = table.baris[2]  # indicator 3: nothing before the period's first year
    assert row.kosong["lalu_k"] == "tahun pertama Renstra"
    assert row.sel["renstra_k"] == 45 and row.sel["renstra_rp"] == 420 * M  # 0 + 12
