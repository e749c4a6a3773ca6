"""The plan workbook: one XLSX layout that is the blank template, the export of a stored plan and
the file the import reads (export -> import is a round trip; docs/decisions/0021).

Sheets: Petunjuk (instructions), Program, Kegiatan, Sub Kegiatan, Indikator, Rencana Bulanan,
and a hidden Referensi sheet holding the drop-down lists (codes of the year's nomenclature,
funding sources, wilayah codes, units, formula types, versions). Every data sheet begins with
"Kode OPD", so a pemda-wide export holds every OPD and an import knows whose rows it reads.

The writer is deterministic (fixed document dates; XlsxWriter stores zip entries with a fixed
time), so exporting the same plan twice gives the same bytes. CSV is the same sheets as one CSV
each, in a zip (`plan_csv_zip`).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

from django.utils.translation import gettext as _

from pantau.core.spreadsheets import csv_text, safe_cell
from pantau.core.tabular import MONTH_NAMES
from pantau.organisations.models import Opd, Wilayah
from pantau.planning.choices import Rumus, TahapAnggaran
from pantau.planning.models import (
    Indikator,
    Kegiatan,
    Nomenklatur,
    Program,
    RencanaBulanan,
    SubKegiatan,
    SumberDana,
    SumberDanaSubKegiatan,
    TahunAnggaran,
)
from pantau.planning.workbook_renstra import (
    RENSTRA_COLUMNS,
    RENSTRA_SHEETS,
    renstra_export_rows,
    renstra_instructions,
)

PROGRAM, KEGIATAN, SUB, INDIKATOR, RENCANA = (
    "Program",
    "Kegiatan",
    "Sub Kegiatan",
    "Indikator",
    "Rencana Bulanan",
)
SUMBER = "Sumber Dana"  # the funding sources of a sub kegiatan with their amounts, per version
PETUNJUK, REFERENSI = "Petunjuk", "Referensi"
KAS = [f"Kas {MONTH_NAMES[m]}" for m in range(1, 13)]
FISIK = [f"Fisik {MONTH_NAMES[m]}" for m in range(1, 13)]
COLUMNS = {
    PROGRAM: ["Kode OPD", "Kode Program", "Nama Program"],
    KEGIATAN: ["Kode OPD", "Kode Kegiatan", "Nama Kegiatan"],
    SUB: [
        "Kode OPD",
        "Kode Sub Kegiatan",
        "Nama Sub Kegiatan",
        "Pagu Murni",
        "Pagu Perubahan",
        "Sumber Dana",
        "Kode Kecamatan",
        "Kode Desa",
        "Lintang",
        "Bujur",
        "Nama PPTK",
        "NIP PPTK",
    ],
    INDIKATOR: [
        "Kode OPD",
        "Tingkat",
        "Kode Induk",
        "Nama Indikator",
        "Satuan",
        "Rumus",
        "Target Tahunan",
        "Target TW I",
        "Target TW II",
        "Target TW III",
        "Target TW IV",
    ],
    RENCANA: ["Kode OPD", "Kode Sub Kegiatan", "Versi", *KAS, *FISIK],
    SUMBER: ["Kode OPD", "Kode Sub Kegiatan", "Versi", "Kode Sumber Dana", "Jumlah (Rp)"],
}
COLUMNS.update(RENSTRA_COLUMNS)  # the Renstra sheets (decision 0038)
# a file made from a template older than these sheets still imports
OPTIONAL_SHEETS = {SUMBER, *RENSTRA_SHEETS}
DROPDOWN = {"Kode Sumber Dana": "Sumber Dana"}  # header -> its list on the Referensi sheet
TINGKAT = {"Program": "program", "Kegiatan": "kegiatan", "Sub Kegiatan": "sub_kegiatan"}
TINGKAT_LABEL = {v: k for k, v in TINGKAT.items()}
SATUAN = ["%", "unit", "orang", "dokumen", "kegiatan", "paket", "km", "m", "m2", "lokasi"]
FIXED_TIME = dt.datetime(
    2000, 1, 1, tzinfo=dt.UTC
)  # document dates: the same bytes for the same plan


def _cell(value):
    """A Decimal as a spreadsheet number when a float holds it exactly, else as Indonesian
    number text (read back exactly by `tabular.read_number`)."""
    if isinstance(value, Decimal):
        as_float = float(value)
        if Decimal(repr(as_float)) == value:
            return int(as_float) if as_float.is_integer() else as_float
        return format(value, "f").replace(".", ",")
    return value


def plan_rows(*, tahun_anggaran: TahunAnggaran, opds: list[Opd]) -> dict[str, list[list]]:
    """The rows of every data sheet for these OPDs' plans of the year, in a stable order."""
    ta = tahun_anggaran
    kode_opd = {o.pk: o.kode for o in opds}
    rows: dict[str, list[list]] = {name: [] for name in COLUMNS}
    programs = Program.objects.filter(tahun_anggaran=ta, opd__in=opds)
    for p in sorted(programs, key=lambda p: (kode_opd[p.opd_id], p.kode)):
        rows[PROGRAM].append([kode_opd[p.opd_id], p.kode, p.nama])
    kegiatan = Kegiatan.objects.filter(program__in=programs).select_related("program")
    for k in sorted(kegiatan, key=lambda k: (kode_opd[k.program.opd_id], k.kode)):
        rows[KEGIATAN].append([kode_opd[k.program.opd_id], k.kode, k.nama])
    subs = sorted(
        SubKegiatan.objects.filter(tahun_anggaran=ta, opd__in=opds).select_related(
            "sumber_dana", "kecamatan", "desa"
        ),
        key=lambda s: (kode_opd[s.opd_id], s.kode),
    )
    for s in subs:
        rows[SUB].append(
            [
                kode_opd[s.opd_id],
                s.kode,
                s.nama,
                s.pagu_murni,
                s.pagu_perubahan,
                s.sumber_dana.kode if s.sumber_dana else None,
                s.kecamatan.kode if s.kecamatan else None,
                s.desa.kode if s.desa else None,
                s.latitude,
                s.longitude,
                s.pptk_nama or None,
                s.pptk_nip or None,
            ]
        )
    indikator = Indikator.objects.filter(tahun_anggaran=ta, opd__in=opds).select_related(
        "program", "kegiatan", "sub_kegiatan"
    )
    order = {"program": 0, "kegiatan": 1, "sub_kegiatan": 2}

    def level(i: Indikator) -> str:
        return "program" if i.program_id else "kegiatan" if i.kegiatan_id else "sub_kegiatan"

    for i in sorted(
        indikator, key=lambda i: (kode_opd[i.opd_id], order[level(i)], i.induk.kode, i.nama, i.pk)
    ):
        rows[INDIKATOR].append(
            [
                kode_opd[i.opd_id],
                TINGKAT_LABEL[level(i)],
                i.induk.kode,
                i.nama,
                i.satuan,
                i.rumus,
                i.target_tahunan.normalize(),
                *[None if t is None else t.normalize() for t in i.targets_triwulan],
            ]
        )
    plans: dict[tuple[int, str], list[RencanaBulanan]] = {}
    for r in RencanaBulanan.objects.filter(sub_kegiatan__in=subs).order_by("bulan"):
        plans.setdefault((r.sub_kegiatan_id, r.tahap), []).append(r)
    for s in subs:
        for tahap in TahapAnggaran.values:
            months = plans.get((s.pk, tahap))
            if months:
                rows[RENCANA].append(
                    [
                        kode_opd[s.opd_id],
                        s.kode,
                        tahap,
                        *[r.anggaran_kas for r in months],
                        *[r.target_fisik for r in months],
                    ]
                )
    rows[SUMBER] = _sumber_rows(subs, kode_opd)
    rows.update(renstra_export_rows(tahun_anggaran=ta, opds=opds))
    return rows


def _sumber_rows(subs: list[SubKegiatan], kode_opd: dict[int, str]) -> list[list]:
    """One row per funding source of a sub kegiatan and version (SumberDanaSubKegiatan): by
    OPD, sub kegiatan, version (murni first), the largest amount first, then by code."""
    order = {t: n for n, t in enumerate(TahapAnggaran.values)}
    by_pk = {s.pk: s for s in subs}
    rinci = SumberDanaSubKegiatan.objects.filter(sub_kegiatan__in=subs).select_related(
        "sumber_dana"
    )
    key = {
        r.pk: (
            kode_opd[by_pk[r.sub_kegiatan_id].opd_id],
            by_pk[r.sub_kegiatan_id].kode,
            order[r.tahap],
            -r.jumlah,
            r.sumber_dana.kode,
        )
        for r in rinci
    }
    return [
        [key[r.pk][0], key[r.pk][1], r.tahap, r.sumber_dana.kode, r.jumlah]
        for r in sorted(rinci, key=lambda r: key[r.pk])
    ]


def _references(ta: TahunAnggaran) -> dict[str, list]:
    nomen = Nomenklatur.objects.filter(tahun=ta.tahun).order_by("kode")
    wilayah = Wilayah.objects.filter(pemda_id=ta.pemda_id).order_by("kode")
    return {
        "Kode Program": [n.kode for n in nomen if n.tingkat == "program"],
        "Kode Kegiatan": [n.kode for n in nomen if n.tingkat == "kegiatan"],
        "Kode Sub Kegiatan": [n.kode for n in nomen if n.tingkat == "sub_kegiatan"],
        "Sumber Dana": list(SumberDana.objects.order_by("kode").values_list("kode", flat=True)),
        "Kode Kecamatan": [w.kode for w in wilayah if w.tingkat == "kecamatan"],
        "Kode Desa": [w.kode for w in wilayah if w.tingkat != "kecamatan"],
        "Tingkat": list(TINGKAT),
        "Satuan": SATUAN,
        "Rumus": [int(r) for r in Rumus],
        "Versi": list(TahapAnggaran.values),
    }


def _instructions(ta: TahunAnggaran) -> list[str]:
    return [
        _("Templat rencana %(tahun)s: program, kegiatan, sub kegiatan, indikator dan rencana kas")
        % {"tahun": ta.tahun},
        _("Isi lembar Program, Kegiatan, Sub Kegiatan, Indikator dan Rencana Bulanan."),
        _("Jangan mengubah, memindah atau menghapus judul kolom di baris pertama."),
        _("Kode diambil dari nomenklatur tahun ini (pilih dari daftar); kolom Nama hanya bacaan."),
        _("Kode OPD: kode organisasi OPD Anda; baris OPD lain ditolak."),
        _("Angka boleh ditulis 1.234.567,89; jangan memakai rumus atau menggabungkan sel."),
        _("Rumus: 1 tren positif, 2 tren negatif, 3 persentase kumulatif, 4 nilai akhir."),
        _("Tingkat indikator: Program, Kegiatan atau Sub Kegiatan; Kode Induk: kodenya."),
        _("Rencana Bulanan: satu baris per sub kegiatan dan versi (murni/perubahan);"),
        _("jumlah Kas Januari–Desember harus sama dengan pagu versi itu;"),
        _("Fisik: target fisik kumulatif 0–100%, tidak boleh turun."),
        _(
            "Sumber Dana: satu baris per sumber dana sub kegiatan dan versi (Kode Sumber Dana "
            "dari daftar, Jumlah dalam rupiah); jumlah satu versi harus sama dengan pagunya;"
        ),
        _(
            "kolom Sumber Dana di lembar Sub Kegiatan adalah sumber dana utama: kosongkan atau "
            "isi dengan sumber berjumlah terbesar versi yang berlaku."
        ),
        *renstra_instructions(),
        _("Unggah berkas di halaman Impor: uji coba dulu, lalu Impor sekarang."),
    ]


def plan_workbook(*, tahun_anggaran: TahunAnggaran, opds: list[Opd]) -> bytes:
    """The plan workbook of these OPDs (empty sheets for a blank template), as XLSX bytes."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    book.set_properties(
        {"title": f"Rencana {tahun_anggaran.tahun}", "created": FIXED_TIME, "author": "Pantau"}
    )
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7"})
    text = book.add_format({"num_format": "@"})
    info = book.add_worksheet(PETUNJUK)
    info.set_column(0, 0, 100)
    for n, line in enumerate(_instructions(tahun_anggaran)):
        info.write_string(n, 0, line, bold if n == 0 else None)
    data = plan_rows(tahun_anggaran=tahun_anggaran, opds=opds)
    refs = _references(tahun_anggaran)
    sheets = {name: book.add_worksheet(name) for name in COLUMNS}
    ref_sheet = book.add_worksheet(REFERENSI)
    ref_sheet.hide()
    ranges = {}
    for c, (name, values) in enumerate(refs.items()):
        ref_sheet.write_string(0, c, name)
        for r, value in enumerate(values, start=1):
            ref_sheet.write(r, c, value)
        letter = xlsxwriter.utility.xl_col_to_name(c)
        ranges[name] = f"={REFERENSI}!${letter}$2:${letter}${max(len(values), 1) + 1}"
    for name, columns in COLUMNS.items():
        sheet = sheets[name]
        sheet.freeze_panes(1, 0)
        for c, header in enumerate(columns):
            sheet.write_string(0, c, header, bold)
            sheet.set_column(c, c, 22 if c < 3 else 16)
            ref = DROPDOWN.get(header, header)
            if ref in ranges:
                sheet.data_validation(1, c, 5000, c, {"validate": "list", "source": ranges[ref]})
            elif header == "Kode Induk":
                sheet.data_validation(
                    1, c, 5000, c, {"validate": "any", "input_message": _("Kode induk")}
                )
        for r, row in enumerate(data[name], start=1):
            for c, value in enumerate(row):
                value = _cell(value)
                if value is None:
                    continue
                if isinstance(value, str):
                    sheet.write_string(r, c, value, text)
                else:
                    sheet.write_number(r, c, value)
    book.close()
    return buffer.getvalue()


def plan_csv_zip(*, tahun_anggaran: TahunAnggaran, opds: list[Opd]) -> bytes:
    """The same sheets as one CSV each (UTF-8, comma, header row), in one zip with fixed
    times; numbers written plainly (1234567.89), text neutralised against formulas."""
    data = plan_rows(tahun_anggaran=tahun_anggaran, opds=opds)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, columns in COLUMNS.items():
            rows = [columns] + [
                [
                    format(v, "f").replace(".", ",") if isinstance(v, Decimal) else safe_cell(v)
                    for v in row
                ]
                for row in data[name]
            ]
            info = zipfile.ZipInfo(f"{name}.csv", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, csv_text(rows))
    return buffer.getvalue()
