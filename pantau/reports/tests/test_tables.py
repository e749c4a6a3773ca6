"""The typed table's stored snapshot (decision 0039): what the archive keeps gives the same table
back, to the cent and the date, and the data version ignores the signature block."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from pantau.reports.selectors import Permintaan, tabel_for
from pantau.reports.tables import RUPIAH, Baris, Kaki, Kolom, Tabel, TandaTangan
from pantau.reports.tests.worlds import golden


def _small() -> Tabel:
    return Tabel(
        jenis="uji",
        judul=["FORM UJI", "Dinas Uji"],
        kolom=[Kolom("nama", "Nama"), Kolom("pagu", "Pagu (Rp)", RUPIAH, grup="Anggaran")],
        baris=[
            Baris({"nama": "A", "pagu": Decimal("600000000.10")}),
            Baris({"nama": "B", "pagu": None}, kosong={"pagu": "pagu nol"}),
        ],
        ringkasan=[("Pagu", Decimal("600000000.10"), RUPIAH)],
        grafik=[("Jan", Decimal("1.5"), None)],
        kaki=[Kaki("pendorong", "Faktor pendorong", "Cuaca baik.")],
        tanda_tangan=[TandaTangan("Disusun oleh", "Kepala Dinas Uji")],
    )


def test_snapshot_round_trip_keeps_every_value_and_type():
    tabel = _small()
    stored = json.loads(json.dumps(tabel.ke_json()))  # as a JSON column gives it back
    again = Tabel.dari_json(stored)
    assert again == tabel
    assert isinstance(again.baris[0].sel["pagu"], Decimal)
    assert again.baris[0].sel["pagu"] == Decimal("600000000.10")
    assert again.baris[1].kosong == {"pagu": "pagu nol"}
    assert again.versi() == tabel.versi()


def test_signing_changes_no_data_version_but_a_footer_text_does():
    tabel = _small()
    before = tabel.versi()
    tabel.tanda_tangan[0].nama = "dr. Uji"
    tabel.tanda_tangan[0].tanggal = dt.date(2026, 4, 10)
    assert tabel.versi() == before
    assert Tabel.dari_json(json.loads(json.dumps(tabel.ke_json()))).tanda_tangan[0].tanggal == (
        dt.date(2026, 4, 10)
    )
    tabel.kaki[0].isi = "Cuaca buruk."
    assert tabel.versi() != before


def test_a_built_report_survives_its_snapshot(world):
    a = golden(world)
    p = Permintaan(jenis="form-b", tahun_anggaran=a.ta, opd=a.dinkes, bulan=2)
    tabel, _rahasia = tabel_for(user=a.users["verifikator"], p=p)
    again = Tabel.dari_json(json.loads(json.dumps(tabel.ke_json())))
    assert again == tabel and again.versi() == tabel.versi()
