"""The OPD ranking on the dashboard (issue 9, §1.8): each OPD's scored components and the rule
are on the page, and the support programmes (U.BB.01) can be shown apart from the others, the
whole page keeping to the chosen group."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import PASSWORD
from pantau.monitoring.choices import StatusRealisasi
from pantau.monitoring.services import realisasi_import
from pantau.planning.choices import Rumus
from pantau.planning.models import Nomenklatur
from pantau.planning.services import (
    indikator_create,
    kegiatan_create,
    program_create,
    sub_kegiatan_create,
)

pytestmark = pytest.mark.django_db
JT = Decimal(1_000_000)
WITA = zoneinfo.ZoneInfo("Asia/Makassar")


def _reports(world, rows):
    realisasi_import(
        actor=None,
        tahun_anggaran=world.a.ta,
        historical=True,
        rows=[
            {
                "sub_kegiatan": sub,
                "bulan": 6,
                "keuangan": Decimal(keuangan) * JT,
                "fisik": Decimal(fisik),
                "status": StatusRealisasi.DIVERIFIKASI,
                "diajukan_pada": dt.datetime(2026, 7, 8, 10, 0, tzinfo=WITA),  # before 10 July
            }
            for sub, keuangan, fisik in rows
        ],
    )


def _login(client, world):
    assert client.login(username=world.a.users["pimpinan"].username, password=PASSWORD)


def _support_programme(world):
    """Dinkes' PROGRAM PENUNJANG (1.02.01) with one sub kegiatan of 1 600 jt."""
    for kode, nama, tingkat in (
        ("1.02.01", "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH KABUPATEN/KOTA", "program"),
        ("1.02.01.2.02", "Administrasi Keuangan Perangkat Daerah", "kegiatan"),
        ("1.02.01.2.02.0001", "Penyediaan Gaji dan Tunjangan ASN", "sub_kegiatan"),
    ):
        Nomenklatur.objects.get_or_create(
            tahun=2026, kode=kode, defaults={"nama": nama, "tingkat": tingkat}
        )
    program = program_create(
        actor=None, tahun_anggaran=world.a.ta, opd=world.a.dinkes, kode="1.02.01"
    )
    kegiatan = kegiatan_create(actor=None, program=program, kode="1.02.01.2.02")
    sub = sub_kegiatan_create(
        actor=None, kegiatan=kegiatan, kode="1.02.01.2.02.0001", pagu_murni=1600 * JT
    )
    return program, sub


def test_each_opds_score_can_be_recomputed_from_the_page(client, world, clock):
    clock.set("2026-07-20 09:00")  # June's cut-off (10 July) has passed
    # Dinkes in June: sub (600 jt, plan 6 x 50 jt = 300 jt, 48%) spent 300 jt at 20%; sub2
    # (300 jt, no plan) did not report.
    #   capaian: no indicator, undefined, left out with its weight
    #   serapan: 300 / 300 = 100,00
    #   fisik: 600 jt x 20 / (600 jt x 48) = 41,666... -> 41,67
    #   ketepatan: 1 of 2 sub kegiatan reported on time = 50,00
    #   skor = (100 x 25 + 41,67 x 25 + 50 x 25) / 75 = 4 791,75 / 75 = 63,89
    _reports(world, [(world.a.sub, 300, 20)])
    _login(client, world)
    page = client.get("/dasbor/?tahun=2026&periode=6")
    row = next(r for r in page.context["board"].opd_rows if r.opd == world.a.dinkes)
    terms = {k.nama: k for k in row.skor.rincian}
    assert terms["capaian"].nilai is None
    assert terms["serapan"].dinilai == Decimal(100)
    assert terms["fisik"].dinilai == Decimal("41.67")
    assert terms["ketepatan"].dinilai == Decimal(50)
    assert row.skor.jumlah_hasil_kali == Decimal("4791.75")
    assert row.skor.nilai == Decimal("4791.75") / 75
    text = page.text
    assert "Aturan skor" in text and "Hitungan skor" in text
    assert "skor = 4.791,75 ÷ 75 = 63,89" in text
    assert "fisik terhadap rencana: 41,67 × 25 = 1.041,75" in text
    assert "serapan terhadap rencana kas: 100,00 × 25 = 2.500" in text


def test_support_programmes_shown_apart(client, world, clock):
    clock.set("2026-07-20 09:00")
    program, support = _support_programme(world)
    indikator_create(  # an outcome of the support programme
        actor=None,
        induk=program,
        nama="Nilai SAKIP Dinkes",
        satuan="nilai",
        rumus=Rumus.NILAI_AKHIR,
        target_tahunan=Decimal(70),
        target_tw2=Decimal(70),
    )
    indikator_create(  # an output of a sub kegiatan that builds things
        actor=None,
        induk=world.a.sub,
        nama="Rumah sakit dibangun",
        satuan="%",
        rumus=Rumus.PERSENTASE,
        target_tahunan=Decimal(100),
        target_tw2=Decimal(50),
    )
    _reports(world, [(world.a.sub, 300, 20), (support, 1000, 60), (world.a.sub_pupr, 10, 5)])
    _login(client, world)

    def board(program=""):
        return client.get(f"/dasbor/?tahun=2026&periode=6&program={program}").context["board"]

    semua, inti, penunjang = board(), board("inti"), board("penunjang")
    # pagu: 600 + 300 + 100 + 1 600 = 2 600 jt, of which the support programme 1 600 jt = 61,5%
    assert semua.total.pagu == 2600 * JT
    assert semua.persen_penunjang == Decimal(1600) * 100 / Decimal(2600)
    assert (inti.total.pagu, penunjang.total.pagu) == (1000 * JT, 1600 * JT)
    assert (inti.total.realisasi, penunjang.total.realisasi) == (310 * JT, 1000 * JT)

    # the two groups add up to the whole, OPD by OPD
    def per_opd(b, name):
        return {r.opd: getattr(r.progress, name) for r in b.opd_rows}

    for name in ("pagu", "realisasi", "fisik_x_pagu", "rencana_kas", "jumlah_sub", "dilaporkan"):
        whole, a, b = per_opd(semua, name), per_opd(inti, name), per_opd(penunjang, name)
        assert whole == {opd: a[opd] + b[opd] for opd in whole}, name
    # indicators, warnings and ranking keep to the group
    assert {s.catatan or s.kategori.label: s.jumlah for s in inti.distribusi}["tanpa_data"] == 1
    assert sum(s.jumlah for s in inti.distribusi) == 1
    assert sum(s.jumlah for s in penunjang.distribusi) == 1
    assert [w.sub_kegiatan for w in inti.peringatan if w.status_fisik == "kritis"] == [world.a.sub]
    assert not [w for w in penunjang.peringatan if w.status_fisik == "kritis"]
    pupr = next(r for r in penunjang.opd_rows if r.opd == world.a.pupr)
    assert pupr.skor is None and pupr.progress.jumlah_sub == 0  # no support programme
    # the drill-down keeps to the group and its totals are the figure
    rows = client.get(
        reverse("evaluation:rincian", args=["sub"]) + "?tahun=2026&periode=6&program=penunjang"
    )
    assert [r.sub_kegiatan for r in rows.context["page"]] == [support]
    assert rows.context["rincian"].total.pagu == penunjang.total.pagu
    page = client.get("/dasbor/?tahun=2026&periode=6&program=inti")
    assert "Tanpa program penunjang" in page.text
    assert "&amp;program=inti" in page.text  # links keep the group
    # junk is every programme
    assert board("x").total.pagu == semua.total.pagu


@pytest.mark.parametrize("program", ["", "inti", "penunjang"])
def test_query_count_fixed_for_each_group(client, world, clock, program):
    clock.set("2026-07-20 09:00")
    _login(client, world)
    url = f"/dasbor/?tahun=2026&periode=6&program={program}"
    client.get(url)  # warm the category-table cache
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    _programme, support = _support_programme(world)
    _reports(world, [(world.a.sub, 300, 20), (support, 1000, 60), (world.a.sub2, 10, 5)])
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after.captured_queries) == len(before.captured_queries)
