"""SIPD import (decision 0023): reading SIPD's records, the per-pemda mapping, the conversion to
plan trees, the dry run and the all-or-nothing import."""

from __future__ import annotations

import copy
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from pantau.audit.models import AuditEvent
from pantau.core.spreadsheets import Limits
from pantau.monitoring.services import tahun_anggaran_open
from pantau.organisations.choices import TingkatWilayah
from pantau.organisations.models import Wilayah
from pantau.planning.models import (
    Indikator,
    PemetaanSipd,
    PemetaanSipdNilai,
    Program,
    RencanaBulanan,
    SubKegiatan,
    SumberDana,
)
from pantau.planning.services import nomenklatur_load
from pantau.planning.sipd import (
    derived_plan,
    pemetaan_csv,
    pemetaan_for,
    pemetaan_sipd_set,
    sipd_dry_run,
    sipd_import,
    sipd_read,
    sipd_to_plan,
)
from pantau.planning.sipd.pemetaan import parse_csv

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
M = Decimal(1_000_000)
S1, S2, S3 = (
    "1432.1432.22.162.1066.3301",
    "1432.1432.22.162.1066.3302",
    "1510.1510.23.170.1101.3400",
)


def sipd_data() -> dict:
    return json.loads((FIXTURES / "sipd_wakatobi_2027.json").read_text())


def as_json(data, name="sipd.json") -> list[tuple[str, bytes]]:
    return [(name, json.dumps(data).encode())]


def as_xlsx(data: dict) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    book.create_sheet("Petunjuk").append(["Ekspor data SIPD"])
    for table, rows in data.items():
        sheet = book.create_sheet(table)
        header = list(rows[0])
        sheet.append(header)
        for row in rows:
            sheet.append([row.get(h) for h in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class Sipd:
    """The conftest world plus what a SIPD import needs: TA 2027 with its nomenclature, the
    funding sources, kecamatan and desa of both pemdas, and pemda A's mapping."""

    def __init__(self, world, nomen_csv) -> None:
        self.world = world
        nomenklatur_load(actor=None, path=nomen_csv, tahun=2027)
        for tenant in (world.a, world.b):
            tenant.ta27 = tahun_anggaran_open(actor=None, pemda=tenant.pemda, tahun=2027)
            kode = tenant.pemda.kode
            tenant.kec = Wilayah.objects.create(
                pemda=tenant.pemda,
                kode=f"{kode}.01",
                nama="Wangi-Wangi",
                tingkat=TingkatWilayah.KECAMATAN,
            )
            tenant.desa = Wilayah.objects.create(
                pemda=tenant.pemda,
                kode=f"{kode}.01.2001",
                nama="Wandoka",
                tingkat=TingkatWilayah.DESA_KELURAHAN,
                jenis="desa",
                induk=tenant.kec,
            )
        self.dana = {
            k: SumberDana.objects.create(kode=k, nama=n)
            for k, n in [
                ("DAU", "Dana Alokasi Umum"),
                ("PAD", "Pendapatan Asli Daerah"),
                ("DAK-FISIK", "DAK Fisik"),
            ]
        }
        self.map_a()

    def map_a(self, **settings) -> None:
        pemetaan_sipd_set(
            actor=self.world.a.users["admin"],
            pemda=self.world.a.pemda,
            tahap=settings.get("tahap", "murni"),
            jenis_kas=settings.get("jenis_kas", "belanja"),
            rumus_bawaan=settings.get("rumus_bawaan", 1),
            entries=parse_csv((FIXTURES / "pemetaan_sipd.csv").read_text()),
        )


@pytest.fixture
def sipd(world, nomen_csv) -> Sipd:
    return Sipd(world, nomen_csv)


def convert(sipd, data, tenant=None, tahun=2027):
    tenant = tenant or sipd.world.a
    return sipd_to_plan(sipd_read(as_json(data)), pemetaan_for(tenant.pemda), tahun)


def messages(errors) -> str:
    return "\n".join(str(e) for e in errors.errors)


def kas_row(data, sbl):
    return next(r for r in data["data_anggaran_kas"] if r["kode_sbl"] == sbl)


# ------------------------------------------------------------------------------ reading


class TestSipdRead:
    def test_one_object_with_a_key_per_table(self):
        records = sipd_read(as_json(sipd_data()))
        counts = {t: len(r) for t, r in records.tables.items()}
        assert counts == {
            "data_sub_keg_bl": 4,
            "data_dana_sub_keg": 4,
            "data_sub_keg_indikator": 3,
            "data_lokasi_sub_keg": 3,
            "data_anggaran_kas": 5,
        }

    def test_lists_named_by_file_or_recognised_by_fields(self):
        data = sipd_data()
        records = sipd_read(
            [
                ("data_sub_keg_bl.json", json.dumps(data["data_sub_keg_bl"]).encode()),
                ("unduhan (3).json", json.dumps(data["data_anggaran_kas"]).encode()),
            ]
        )
        assert len(records.tables["data_sub_keg_bl"]) == 4
        assert len(records.tables["data_anggaran_kas"]) == 5

    def test_json_numbers_are_exact(self):
        data = sipd_data()
        data["data_sub_keg_bl"][0]["pagu"] = 0.1
        record = sipd_read(as_json(data)).tables["data_sub_keg_bl"][0]
        assert record.values["pagu"] == Decimal("0.1")

    def test_workbook_with_a_sheet_per_table(self, sipd):
        records = sipd_read([("sipd.xlsx", as_xlsx(sipd_data()))])
        assert len(records.tables["data_sub_keg_bl"]) == 4
        assert records.tables["data_sub_keg_bl"][0].number == 2  # the row the sheet shows
        plans, errors = sipd_to_plan(records, pemetaan_for(sipd.world.a.pemda), 2027)
        assert not errors, messages(errors)
        assert plans == convert(sipd, sipd_data())[0]

    def test_workbook_text_is_read_the_indonesian_way(self, sipd):
        data = sipd_data()
        data["data_sub_keg_bl"][0]["pagu"] = "1.250.000.000,00"
        records = sipd_read([("sipd.xlsx", as_xlsx(data))])
        plans, errors = sipd_to_plan(records, pemetaan_for(sipd.world.a.pemda), 2027)
        assert not errors, messages(errors)
        sub = plans[sipd.world.a.dinkes][0]["kegiatan"][0]["sub_kegiatan"][0]
        assert sub["pagu_murni"] == Decimal("1250000000")

    def test_csv_of_one_table(self):
        text = "kode_sbl;kodedana;namadana;pagudana\nA.1;1.2;DAU;1.000.000,00\n"
        records = sipd_read([("data_dana_sub_keg.csv", text.encode())])
        assert records.tables["data_dana_sub_keg"][0].values["pagudana"] == "1.000.000,00"

    @pytest.mark.parametrize(
        ("name", "content", "fragment"),
        [
            ("sipd.json", b"{not json", "bukan JSON"),
            ("sipd.json", b'{"tabel_lain": []}', "tidak dikenali"),
            ("x.json", b'[{"apa": 1}]', "tidak dikenali"),
            ("sipd.json", b'{"data_sub_keg_bl": [{"kode_sbl": "1"}]}', "kode_sub_giat, pagu"),
            ("sipd.json", b'{"data_sub_keg_bl": {"a": 1}}', "daftar objek"),
            ("sipd.xlsx", b"PK\x03\x04bukan xlsx", "tidak dapat dibuka"),
            ("sipd.pdf", b"%PDF", ".json, .xlsx atau .csv"),
        ],
    )
    def test_unreadable_files_are_refused(self, name, content, fragment):
        with pytest.raises(ValidationError) as exc:
            sipd_read([(name, content)])
        assert fragment in " ".join(exc.value.messages)

    def test_workbook_without_sipd_sheets_is_refused(self):
        from openpyxl import Workbook

        out = io.BytesIO()
        Workbook().save(out)
        with pytest.raises(ValidationError, match="lembar bernama tabel SIPD"):
            sipd_read([("sipd.xlsx", out.getvalue())])

    def test_workbook_rows_are_limited_across_sheets(self):
        limits = Limits.from_settings(max_rows=6)  # 4 + 4 + 3 + 3 + 5 records and 5 headers
        with pytest.raises(ValidationError, match="Terlalu banyak baris"):
            sipd_read([("sipd.xlsx", as_xlsx(sipd_data()))], limits=limits)

    def test_json_size_is_limited(self, settings):
        limits = Limits.from_settings(max_bytes=100)
        with pytest.raises(ValidationError, match="terlalu besar"):
            sipd_read(as_json(sipd_data()), limits=limits)


# ------------------------------------------------------------------------------ conversion


class TestSipdToPlan:
    def test_round_trip_tree(self, sipd):
        a = sipd.world.a
        plans, errors = convert(sipd, sipd_data())
        assert not errors, messages(errors)
        kas1 = [Decimal(v) * M for v in (0, 0, 100, 100, 200, 450, 100, 100, 100, 50, 50, 0)]
        cum = [sum(kas1[: m + 1]) for m in range(12)]
        fisik1 = [(c / Decimal(1250) / M * 100).quantize(Decimal("0.01")) for c in cum]
        assert plans == {
            a.dinkes: [
                {
                    "kode": "1.02.02",
                    "kegiatan": [
                        {
                            "kode": "1.02.02.2.01",
                            "sub_kegiatan": [
                                {
                                    "kode": "1.02.02.2.01.0002",
                                    "pagu_murni": Decimal(1250) * M,
                                    "sumber_dana": sipd.dana["DAU"],
                                    "kecamatan": a.kec,
                                    "desa": a.desa,
                                    "rencana": {"murni": list(zip(kas1, fisik1, strict=True))},
                                    "indikator": [
                                        {
                                            "nama": "Jumlah Puskesmas yang Dibangun",
                                            "satuan": "Unit",
                                            "rumus": 1,
                                            "target_tahunan": Decimal(1),
                                        }
                                    ],
                                },
                                {
                                    "kode": "1.02.02.2.01.0003",
                                    "pagu_murni": Decimal(350) * M,
                                    "sumber_dana": sipd.dana["DAU"],
                                    "rencana": {
                                        "murni": derived_plan(
                                            [
                                                Decimal(v) * M
                                                for v in (0, 0, 0, 50, 50, 50, 50, 50, 50, 50, 0, 0)
                                            ],
                                            Decimal(350) * M,
                                        )
                                    },
                                    "indikator": [
                                        {
                                            "nama": "Persentase Fasilitas Kesehatan Sesuai Standar",
                                            "satuan": "%",
                                            "rumus": 3,
                                            "target_tahunan": Decimal("85.5"),
                                        }
                                    ],
                                },
                            ],
                        }
                    ],
                }
            ],
            a.pupr: [
                {
                    "kode": "1.03.03",
                    "kegiatan": [
                        {
                            "kode": "1.03.03.2.01",
                            "sub_kegiatan": [
                                {
                                    "kode": "1.03.03.2.01.0001",
                                    "pagu_murni": Decimal(800) * M,
                                    "sumber_dana": sipd.dana["DAK-FISIK"],
                                    "kecamatan": a.kec,
                                    "rencana": {
                                        "murni": derived_plan(
                                            [
                                                Decimal(v) * M
                                                for v in (
                                                    0,
                                                    0,
                                                    0,
                                                    0,
                                                    200,
                                                    200,
                                                    200,
                                                    200,
                                                    0,
                                                    0,
                                                    0,
                                                    0,
                                                )
                                            ],
                                            Decimal(800) * M,
                                        )
                                    },
                                    "indikator": [
                                        {
                                            "nama": "Panjang Jaringan Perpipaan yang Terbangun",
                                            "satuan": "Meter",
                                            "rumus": 1,
                                            "target_tahunan": Decimal(1250),
                                        }
                                    ],
                                }
                            ],
                        }
                    ],
                }
            ],
        }

    def test_physical_target_follows_the_cumulative_cash_plan(self):
        plan = derived_plan([Decimal(1), Decimal(0), Decimal(2)] + [Decimal(0)] * 9, Decimal(3))
        assert [f for _k, f in plan][:3] == [Decimal("33.33"), Decimal("33.33"), Decimal("100.00")]
        assert plan[-1][1] == Decimal(100)
        assert derived_plan([Decimal(0)] * 12, Decimal(0))[-1] == (Decimal(0), Decimal(0))

    def test_cross_urusan_code_takes_the_bidang_urusan(self, sipd):
        data = sipd_data()
        data["data_sub_keg_bl"][0].update(
            kode_sub_giat="X.XX.02.2.01.0002", kode_giat="X.XX.02.2.01", kode_program="X.XX.02"
        )
        plans, errors = convert(sipd, data)
        assert not errors, messages(errors)
        assert plans[sipd.world.a.dinkes][0]["kode"] == "1.02.02"

    def test_perubahan_stage_reads_pagumurni_and_pagu(self, sipd):
        sipd.map_a(tahap="perubahan")
        data = sipd_data()
        for row in data["data_sub_keg_bl"]:
            row["pagumurni"] = row["pagu"]
        plans, errors = convert(sipd, data)
        assert not errors, messages(errors)
        sub = plans[sipd.world.a.pupr][0]["kegiatan"][0]["sub_kegiatan"][0]
        assert sub["pagu_perubahan"] == sub["pagu_murni"] == Decimal(800) * M
        assert list(sub["rencana"]) == ["perubahan"]

    def test_only_the_mapped_type_of_cash_rows_is_the_plan(self, sipd):
        sipd.map_a(jenis_kas="pendapatan")
        _plans, errors = convert(sipd, sipd_data())
        assert "bulan_1–bulan_12 kode_sbl " + S1 in messages(errors)  # Rp 120 jt ≠ pagu

    @pytest.mark.parametrize(
        ("change", "expected"),
        [
            (
                lambda d: d["data_sub_keg_bl"][0].update(id_sub_skpd=9999, kode_sub_skpd="9.99"),
                "Lembar data_sub_keg_bl, baris 1, kolom id_sub_skpd: Unit SIPD id_sub_skpd 9999 / "
                "kode_sub_skpd 9.99 (Dinas Kesehatan) belum dipetakan ke OPD.",
            ),
            (
                lambda d: d["data_sub_keg_bl"][1].update(kode_sub_giat="1.02.02.2.01.0099"),
                "Lembar data_sub_keg_bl, baris 2, kolom kode_sub_giat: Kode sub kegiatan "
                "1.02.02.2.01.0099 tidak ada dalam nomenklatur tahun 2027.",
            ),
            (
                lambda d: d["data_sub_keg_bl"][1].update(kode_giat="1.02.02.2.02"),
                "baris 2, kolom kode_giat: kode_giat 1.02.02.2.02 tidak sesuai",
            ),
            (
                lambda d: d["data_sub_keg_bl"][1].update(kode_sbl=S1),
                f"baris 2, kolom kode_sbl: kode_sbl {S1} ganda.",
            ),
            (
                lambda d: d["data_sub_keg_bl"][1].update(tahun_anggaran=2026),
                "kolom tahun_anggaran: Tahun anggaran 2026, bukan 2027.",
            ),
            (
                lambda d: d["data_sub_keg_bl"][1].update(pagu="tiga ratus juta"),
                "baris 2, kolom pagu: pagu: 'tiga ratus juta' bukan angka",
            ),
            (
                lambda d: d["data_sub_keg_bl"][2].update(
                    id_sub_skpd=1432, kode_sub_skpd="1.02.0.00.0.00.01.0000"
                ),
                "Kode 1.03.03.2.01.0001 berada di bidang urusan 1.03, di luar bidang urusan Dinkes-a (1.02).",
            ),
            (
                lambda d: d["data_dana_sub_keg"][0].update(kodedana="9.9", namadana="Hibah"),
                "Lembar data_dana_sub_keg, baris 1, kolom kodedana: Sumber dana SIPD 9.9 Hibah "
                "belum dipetakan.",
            ),
            (
                lambda d: d["data_dana_sub_keg"][0].update(pagudana=900_000_000),
                f"Lembar data_dana_sub_keg, baris 1, kolom pagudana: Jumlah pagudana kode_sbl {S1}",
            ),
            (
                lambda d: d["data_dana_sub_keg"][3].update(kode_sbl="1.2.3"),
                "Lembar data_dana_sub_keg, baris 4, kolom kode_sbl: kode_sbl 1.2.3 tidak ada di "
                "data_sub_keg_bl.",
            ),
            (
                lambda d: d["data_lokasi_sub_keg"][0].update(idcamat=1, camatteks="Kaledupa"),
                "kolom idcamat: Kecamatan SIPD 1 Kaledupa belum dipetakan.",
            ),
            (
                lambda d: d["data_lokasi_sub_keg"][2].update(idlurah=5, lurahteks="Mola"),
                "Lembar data_lokasi_sub_keg, baris 3, kolom idlurah: Desa/kelurahan SIPD 5 Mola",
            ),
            (
                lambda d: d["data_sub_keg_indikator"][0].update(targetoutput="satu"),
                "Lembar data_sub_keg_indikator, baris 1, kolom targetoutput",
            ),
            (
                lambda d: d["data_sub_keg_indikator"][0].update(satuanoutput=""),
                "kolom satuanoutput: satuanoutput wajib diisi.",
            ),
            (
                lambda d: kas_row(d, S3).update(bulan_12=1),
                f"Lembar data_anggaran_kas, baris 5, kolom bulan_1: Jumlah anggaran kas "
                f"bulan_1–bulan_12 kode_sbl {S3} (Rp 800.000.001) tidak sama dengan pagu (Rp 800.000.000)",
            ),
            (
                lambda d: kas_row(d, S3).update(bulan_3="12,5,0"),
                "Lembar data_anggaran_kas, baris 5, kolom bulan_3",
            ),
        ],
    )
    def test_every_fault_is_named_by_table_record_and_field(self, sipd, change, expected):
        data = sipd_data()
        change(data)
        _plans, errors = convert(sipd, data)
        assert expected in messages(errors)

    def test_inactive_records_are_skipped(self, sipd):
        data = sipd_data()
        data["data_dana_sub_keg"].append(
            {**data["data_dana_sub_keg"][0], "kode_sbl": data["data_sub_keg_bl"][3]["kode_sbl"]}
        )
        conversion_plans, errors = convert(sipd, data)
        assert not errors, messages(errors)
        codes = [
            s["kode"]
            for p in conversion_plans.values()
            for g in p
            for k in g["kegiatan"]
            for s in k["sub_kegiatan"]
        ]
        assert "1.02.02.2.01.0001" not in codes

    def test_duplicate_sub_kegiatan_in_one_opd(self, sipd):
        data = sipd_data()
        twin = copy.deepcopy(data["data_sub_keg_bl"][1])
        twin["kode_sbl"] = "1432.1432.22.162.1066.3303"
        data["data_sub_keg_bl"].append(twin)
        _plans, errors = convert(sipd, data)
        assert "Sub kegiatan 1.02.02.2.01.0003 juga ada pada kode_sbl" in messages(errors)

    def test_several_places_leave_the_location_empty(self, sipd):
        data = sipd_data()
        other = Wilayah.objects.create(
            pemda=sipd.world.a.pemda, kode="74.07.02", nama="Kaledupa", tingkat="kecamatan"
        )
        PemetaanSipdNilai.objects.create(
            pemda=sipd.world.a.pemda, jenis="kecamatan", nilai_sipd="Kaledupa", wilayah=other
        )
        data["data_lokasi_sub_keg"].append(
            {"kode_sbl": S3, "camatteks": "Kaledupa", "idcamat": 7407020}
        )
        plans, errors = convert(sipd, data)
        assert not errors, messages(errors)
        sub = plans[sipd.world.a.pupr][0]["kegiatan"][0]["sub_kegiatan"][0]
        assert "kecamatan" not in sub


# ------------------------------------------------------------------------------ mapping


class TestPemetaanSipd:
    def test_mapping_round_trips_as_csv(self, sipd):
        text = pemetaan_csv(sipd.world.a.pemda)
        assert text.splitlines()[0] == "jenis,nilai_sipd,tujuan"
        assert "unit,1432,1.02.0.00.0.00.01.0000" in text
        assert "rumus,%,3" in text
        assert AuditEvent.objects.filter(action="pemetaan_sipd.set").count() == 1

    def test_json_form_reads_like_the_csv(self, sipd):
        from pantau.planning.sipd.pemetaan import parse_json

        data = parse_json(
            json.dumps(
                {
                    "tahap": "murni",
                    "nilai": [
                        {"jenis": "unit", "nilai_sipd": 1432, "tujuan": "1.02.0.00.0.00.01.0000"}
                    ],
                }
            )
        )
        assert data["nilai"] == [
            {"baris": 1, "jenis": "unit", "nilai_sipd": "1432", "tujuan": "1.02.0.00.0.00.01.0000"}
        ]
        with pytest.raises(ValidationError, match="daftar 'nilai'"):
            parse_json('{"nilai": 3}')

    @pytest.mark.parametrize(
        ("row", "fragment"),
        [
            ("unit,1500,9.99.0.00.0.00.01.0000", "OPD berkode 9.99.0.00.0.00.01.0000 tidak ada"),
            ("dana,X,TIDAK-ADA", "Sumber dana berkode TIDAK-ADA tidak ada"),
            ("kecamatan,1,74.07.01.2001", "tingkat yang sesuai"),
            ("desa,2,74.01.01.2001", "Wilayah berkode 74.01.01.2001 tidak ada di pemda ini"),
            ("rumus,Dokumen,7", "Rumus capaian harus 1, 2, 3 atau 4"),
            ("warna,1,2", "Jenis 'warna' tidak dikenal"),
            ("unit,1432,1.03.0.00.0.00.01.0000", "Nilai SIPD 1432 ganda"),
            ("unit,,1.03.0.00.0.00.01.0000", "wajib diisi"),
        ],
    )
    def test_refusals_change_nothing(self, sipd, row, fragment):
        before = pemetaan_csv(sipd.world.a.pemda)
        text = (FIXTURES / "pemetaan_sipd.csv").read_text() + row + "\n"
        with pytest.raises(ValidationError) as exc:
            pemetaan_sipd_set(
                actor=sipd.world.a.users["admin"],
                pemda=sipd.world.a.pemda,
                tahap="perubahan",
                jenis_kas="belanja",
                rumus_bawaan=1,
                entries=parse_csv(text),
            )
        assert fragment in " ".join(exc.value.messages)
        assert "baris 10" in " ".join(exc.value.messages)
        assert pemetaan_csv(sipd.world.a.pemda) == before
        assert PemetaanSipd.objects.get(pemda=sipd.world.a.pemda).tahap == "murni"

    @pytest.mark.parametrize("role", ["operator_opd", "kepala_opd", "pimpinan", "auditor"])
    def test_only_admin_or_verifikator_edit(self, sipd, role):
        with pytest.raises(ValidationError, match="admin atau verifikator"):
            pemetaan_sipd_set(
                actor=sipd.world.a.users[role],
                pemda=sipd.world.a.pemda,
                tahap="murni",
                jenis_kas="belanja",
                rumus_bawaan=1,
                entries=[],
            )
        assert PemetaanSipdNilai.objects.filter(pemda=sipd.world.a.pemda).count() == 8

    def test_admin_of_another_pemda_cannot_edit(self, sipd):
        with pytest.raises(ValidationError, match="admin atau verifikator"):
            pemetaan_sipd_set(
                actor=sipd.world.b.users["admin"],
                pemda=sipd.world.a.pemda,
                tahap="murni",
                jenis_kas="belanja",
                rumus_bawaan=1,
                entries=[],
            )

    def test_mapping_of_one_pemda_is_never_used_for_another(self, sipd):
        b = sipd.world.b
        _plans, errors = convert(sipd, sipd_data(), tenant=b)
        text = messages(errors)
        assert "Unit SIPD id_sub_skpd 1432" in text and "belum dipetakan ke OPD" in text
        entries = parse_csv((FIXTURES / "pemetaan_sipd.csv").read_text().replace("74.07", "74.01"))
        pemetaan_sipd_set(
            actor=b.users["verifikator"],
            pemda=b.pemda,
            tahap="murni",
            jenis_kas="belanja",
            rumus_bawaan=1,
            entries=entries,
        )
        plans, errors = convert(sipd, sipd_data(), tenant=b)
        assert not errors, messages(errors)
        assert set(plans) == {b.dinkes, b.pupr}
        sub = plans[b.dinkes][0]["kegiatan"][0]["sub_kegiatan"][0]
        assert (sub["kecamatan"], sub["desa"]) == (b.kec, b.desa)


# ------------------------------------------------------------------------------ dry run, import


def ta27_subs(tenant):
    return SubKegiatan.objects.filter(tahun_anggaran=tenant.ta27)


class TestSipdDryRunAndImport:
    def test_dry_run_lists_outcomes_and_writes_nothing(self, sipd):
        a = sipd.world.a
        events = AuditEvent.objects.count()
        seen = []
        result = sipd_dry_run(
            actor=a.users["verifikator"],
            pemda=a.pemda,
            tahun=2027,
            records=sipd_read(as_json(sipd_data())),
            progress=lambda done, total: seen.append((done, total)),
        )
        assert result.ok, result.errors
        assert [(o.kode_sbl, o.status) for o in result.outcomes] == [
            (S1, "siap"),
            (S2, "siap"),
            (S3, "siap"),
            ("1432.1432.22.162.1066.3299", "dilewati"),
        ]
        assert "yang terbesar dicatat: Dana Alokasi Umum" in " ".join(result.outcomes[0].catatan)
        assert seen[-1] == (21, 21)  # 19 records, then 2 OPDs
        assert result.results[a.dinkes.nama].sub_kegiatan == 2
        assert not ta27_subs(a).exists()
        assert AuditEvent.objects.count() == events
        assert json.dumps(result.as_dict())  # what the job page shows

    def test_dry_run_reports_the_plan_rules_too(self, sipd):
        a = sipd.world.a
        data = sipd_data()
        data["data_sub_keg_indikator"][1]["targetoutput"] = "185"  # a percentage above 100
        result = sipd_dry_run(
            actor=None, pemda=a.pemda, tahun=2027, records=sipd_read(as_json(data))
        )
        assert any("persentase harus di antara 0 dan 100" in e.message for e in result.errors)
        assert any(e.message.startswith("Dinkes-a: ") for e in result.errors)

    def test_import_round_trip(self, sipd):
        a = sipd.world.a
        result = sipd_import(
            actor=a.users["admin"],
            pemda=a.pemda,
            tahun=2027,
            records=sipd_read([("sipd.xlsx", as_xlsx(sipd_data()))]),
        )
        assert {k: v.sub_kegiatan for k, v in result.results.items()} == {
            a.dinkes.nama: 2,
            a.pupr.nama: 1,
        }
        puskesmas = ta27_subs(a).get(kode="1.02.02.2.01.0002")
        assert (puskesmas.opd, puskesmas.pagu_murni, puskesmas.sumber_dana.kode) == (
            a.dinkes,
            Decimal(1250) * M,
            "DAU",
        )
        assert (puskesmas.kecamatan, puskesmas.desa) == (a.kec, a.desa)
        rencana = RencanaBulanan.objects.filter(sub_kegiatan=puskesmas, tahap="murni")
        assert [r.anggaran_kas for r in rencana][5] == Decimal(450) * M
        assert rencana.get(bulan=12).target_fisik == Decimal(100)
        ind = Indikator.objects.get(sub_kegiatan__kode="1.02.02.2.01.0003", tahun_anggaran=a.ta27)
        assert (ind.satuan, ind.rumus, ind.target_tahunan) == ("%", 3, Decimal("85.5"))
        assert AuditEvent.objects.filter(action="plan.import", pemda_id=a.pemda.pk).count() == 2
        assert not SubKegiatan.objects.filter(pemda=sipd.world.b.pemda, tahun_anggaran__tahun=2027)
        from pantau.evaluation import rollup

        assert rollup.check() == []  # the roll-ups followed the import (plan_import's hand-off)

    def test_import_is_all_or_nothing_over_opds(self, sipd):
        a = sipd.world.a
        data = sipd_data()
        data["data_sub_keg_indikator"][1]["targetoutput"] = "185"  # Dinkes fails in plan_import
        with pytest.raises(ValidationError, match="persentase"):
            sipd_import(actor=None, pemda=a.pemda, tahun=2027, records=sipd_read(as_json(data)))
        assert not ta27_subs(a).exists()  # PUPR's valid plan was not written either
        assert not Program.objects.filter(tahun_anggaran=a.ta27).exists()

    def test_import_with_record_errors_writes_nothing(self, sipd):
        a = sipd.world.a
        data = sipd_data()
        kas_row(data, S3)["bulan_12"] = 5
        with pytest.raises(ValidationError, match="data_anggaran_kas"):
            sipd_import(actor=None, pemda=a.pemda, tahun=2027, records=sipd_read(as_json(data)))
        assert not ta27_subs(a).exists()

    def test_operator_cannot_import(self, sipd):
        a = sipd.world.a
        with pytest.raises(ValidationError, match="admin atau verifikator"):
            sipd_import(
                actor=a.users["operator_opd"],
                pemda=a.pemda,
                tahun=2027,
                records=sipd_read(as_json(sipd_data())),
            )
        assert not ta27_subs(a).exists()
        refusal = AuditEvent.objects.get(action="sipd.ditolak")
        assert (refusal.actor, refusal.pemda_id) == (a.users["operator_opd"], a.pemda.pk)

    def test_year_not_opened_is_refused(self, sipd):
        with pytest.raises(ValidationError, match="belum dibuka"):
            sipd_dry_run(
                actor=None,
                pemda=sipd.world.a.pemda,
                tahun=2030,
                records=sipd_read(as_json(sipd_data())),
            )


class TestSipdImportCommand:
    def test_dry_run_then_import(self, sipd, tmp_path):
        path = tmp_path / "sipd.json"
        path.write_text(json.dumps(sipd_data()))
        out = io.StringIO()
        call_command(
            "sipd_import", str(path), "--pemda", "74.07", "--tahun", "2027", "--dry-run", stdout=out
        )
        assert "Uji coba selesai" in out.getvalue()
        assert not ta27_subs(sipd.world.a).exists()
        call_command("sipd_import", str(path), "--pemda", "74.07", "--tahun", "2027", stdout=out)
        assert ta27_subs(sipd.world.a).count() == 3

    def test_errors_stop_the_command(self, sipd, tmp_path):
        data = sipd_data()
        data["data_sub_keg_bl"][0]["id_sub_skpd"] = 77
        data["data_sub_keg_bl"][0]["kode_sub_skpd"] = "7.7"
        path = tmp_path / "data.json"
        path.write_text(json.dumps(data))
        out = io.StringIO()
        with pytest.raises(CommandError, match="tidak ada yang disimpan"):
            call_command(
                "sipd_import", str(path), "--pemda", "74.07", "--tahun", "2027", stdout=out
            )
        assert "id_sub_skpd 77" in out.getvalue()


class TestPemetaanSipdScreen:
    URL = "/rencana/sipd/pemetaan/"

    def post(self, client, sipd, nilai, tahap="perubahan"):
        return client.post(
            self.URL,
            {"tahap": tahap, "jenis_kas": "belanja", "rumus_bawaan": "1", "nilai": nilai},
        )

    def test_anonymous_is_sent_to_sign_in(self, client, sipd):
        assert client.get(self.URL).status_code == 302

    @pytest.mark.parametrize("role", ["operator_opd", "kepala_opd", "pimpinan", "auditor"])
    def test_other_roles_get_404(self, client, sipd, role):
        client.force_login(sipd.world.a.users[role])
        assert client.get(self.URL).status_code == 404
        assert self.post(client, sipd, "").status_code == 404
        assert PemetaanSipdNilai.objects.filter(pemda=sipd.world.a.pemda).count() == 8

    def test_admin_sees_and_saves_the_mapping(self, client, sipd):
        client.force_login(sipd.world.a.users["admin"])
        page = client.get(self.URL).content.decode()
        assert "unit,1432,1.02.0.00.0.00.01.0000" in page
        assert 'for="id_nilai"' in page
        response = self.post(client, sipd, "jenis,nilai_sipd,tujuan\ndana,Hibah,PAD\n")
        assert response.status_code == 302
        rows = PemetaanSipdNilai.objects.filter(pemda=sipd.world.a.pemda)
        assert [(r.jenis, r.nilai_sipd, r.sumber_dana.kode) for r in rows] == [
            ("dana", "Hibah", "PAD")
        ]
        assert PemetaanSipd.objects.get(pemda=sipd.world.a.pemda).tahap == "perubahan"

    def test_a_wrong_row_is_shown_and_nothing_changes(self, client, sipd):
        client.force_login(sipd.world.a.users["verifikator"])
        response = self.post(client, sipd, "jenis,nilai_sipd,tujuan\nunit,1,9.99\n")
        assert response.status_code == 200
        assert "baris 2, kolom tujuan: OPD berkode 9.99 tidak ada di pemda ini." in (
            response.content.decode()
        )
        assert PemetaanSipdNilai.objects.filter(pemda=sipd.world.a.pemda).count() == 8
        assert PemetaanSipd.objects.get(pemda=sipd.world.a.pemda).tahap == "murni"

    def test_each_admin_edits_only_their_pemda(self, client, sipd):
        client.force_login(sipd.world.b.users["admin"])
        assert "1432" not in client.get(self.URL).content.decode()
        self.post(client, sipd, "jenis,nilai_sipd,tujuan\nunit,1432,1.02.0.00.0.00.01.0000\n")
        row = PemetaanSipdNilai.objects.get(pemda=sipd.world.b.pemda)
        assert row.opd == sipd.world.b.dinkes
        assert PemetaanSipdNilai.objects.filter(pemda=sipd.world.a.pemda).count() == 8

    def test_csv_download(self, client, sipd):
        client.force_login(sipd.world.a.users["admin"])
        response = client.get("/rencana/sipd/pemetaan.csv")
        assert response["Content-Type"].startswith("text/csv")
        assert response.content.decode() == pemetaan_csv(sipd.world.a.pemda)
