"""Indicators on the dashboard (issue 9, §1.6): a quarter without a target is not assessed,
categories come from the full-precision achievement, and "perlu ditinjau" is shown."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import PASSWORD, verified
from pantau.evaluation.models import RingkasanIndikator
from pantau.monitoring.models import PeriodeLaporan
from pantau.monitoring.services import realisasi_indikator_save
from pantau.planning.choices import Rumus
from pantau.planning.services import indikator_create

pytestmark = pytest.mark.django_db
URL = "/dasbor/"
RINCIAN = reverse("evaluation:rincian", args=["indikator"])


def _indicator(world, rumus, target_tahunan, satuan="%", **quarters):
    return indikator_create(
        actor=None,
        induk=world.a.sub,
        nama=f"Indikator {rumus}",
        satuan=satuan,
        rumus=rumus,
        target_tahunan=Decimal(target_tahunan),
        **{k: Decimal(v) for k, v in quarters.items()},
    )


def _value(world, ind, bulan, nilai):
    periode = PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=bulan)
    realisasi_indikator_save(actor=None, indikator=ind, periode=periode, nilai=Decimal(nilai))


def _verify(world, *months):
    """The months' reports of the indicators' sub kegiatan, verified with their values (the
    dashboard counts verified values, issue 9 §1.1)."""
    for i, bulan in enumerate(sorted(months), start=1):
        verified(world.a, world.a.sub, bulan, 0, 10 * i)


def _row(ind, triwulan):
    return RingkasanIndikator.objects.get(indikator=ind, dasar="terverifikasi", triwulan=triwulan)


def _board(client, world, bulan):
    assert client.login(username=world.a.users["pimpinan"].username, password=PASSWORD)
    page = client.get(URL + f"?tahun=2026&periode={bulan}")
    return page, page.context["board"]


def _counts(board):
    return {(s.kategori.label if s.kategori else s.catatan): s.jumlah for s in board.distribusi}


def test_quarter_without_target_is_not_assessed(client, world, clock):
    # coverage target 90% for the year, no quarterly targets; 20% by March is on course
    clock.set("2027-01-20 09:00")
    ind = _indicator(world, Rumus.PERSENTASE, 90)
    _value(world, ind, 3, 20)
    _value(world, ind, 12, 84)
    _verify(world, 3, 12)
    tw1 = _row(ind, 1)
    assert (tw1.target, tw1.realisasi, tw1.capaian, tw1.catatan) == (
        None,
        Decimal(20),
        None,
        "tanpa_target",
    )
    page, board = _board(client, world, 3)
    counts = _counts(board)
    assert counts["Sangat Rendah"] == 0  # was 1: 20 / 90 = 22,2%
    assert counts["tanpa_target"] == 1
    assert board.capaian is None and board.kategori is None
    assert "Belum dapat dinilai: tidak ada target untuk triwulan ini" in page.text
    # the year end is measured against the annual target: 84 / 90 × 100 = 93,333…% Sangat Tinggi
    _page, board = _board(client, world, 12)
    assert board.capaian == Decimal(84) / Decimal(90) * 100
    assert board.kategori.label == "Sangat Tinggi"
    assert _counts(board)["tanpa_target"] == 0


def test_category_from_full_precision(client, world, clock):
    # 90 999,96 m of 100 000 m by March: 90,99996%, Tinggi (76 <= x < 91); the stored four
    # decimals read 91,0000, which would be Sangat Tinggi
    clock.set("2026-04-20 09:00")
    ind = _indicator(
        world,
        Rumus.TREN_POSITIF,
        400_000,
        satuan="meter",
        target_tw1=100_000,
        target_tw2=100_000,
        target_tw3=100_000,
        target_tw4=100_000,
    )
    _value(world, ind, 3, "90999.96")
    _verify(world, 3)
    assert _row(ind, 1).capaian == Decimal("91.0000")
    _page, board = _board(client, world, 3)
    assert board.capaian == Decimal("90.99996")
    assert board.kategori.label == "Tinggi"
    dinkes = next(r for r in board.opd_rows if r.opd == world.a.dinkes)
    assert dinkes.kategori.label == "Tinggi"
    counts = _counts(board)
    assert (counts["Tinggi"], counts["Sangat Tinggi"]) == (1, 0)
    rows = client.get(RINCIAN + "?tahun=2026&periode=3")
    assert rows.context["rincian"].capaian == board.capaian
    (row,) = rows.context["page"]
    assert row.kategori.label == "Tinggi" and "91,00%" in rows.text  # rounded for display only


def test_perlu_ditinjau_is_shown(client, world, clock):
    # stunting target 5% for TW I, realisation 0: T / R is undefined, flagged for review
    clock.set("2026-04-20 09:00")
    ind = _indicator(world, Rumus.TREN_NEGATIF, 4, target_tw1=5)
    _value(world, ind, 3, 0)
    _verify(world, 3)
    assert _row(ind, 1).catatan == "perlu_tinjauan"
    page, board = _board(client, world, 3)
    assert _counts(board)["perlu_tinjauan"] == 1
    link = RINCIAN + "?tahun=2026&amp;periode=3&amp;catatan=perlu_tinjauan"
    assert link in page.text
    assert "Perlu ditinjau: realisasi 0 pada indikator tren negatif" in page.text
    rows = client.get(RINCIAN + "?tahun=2026&periode=3&catatan=perlu_tinjauan")
    assert rows.context["rincian"].jumlah == 1
    assert [r.indikator for r in rows.context["page"]] == [ind]
    assert rows.text.count("Perlu ditinjau: realisasi 0 pada indikator tren negatif") >= 2
    # a reason filter that is not one lists every indicator
    assert client.get(RINCIAN + "?tahun=2026&periode=3&catatan=x").context["rincian"].jumlah == 1


def test_rincian_lists_assessed_indicators_first_on_every_database(client, world, clock):
    clock.set("2026-04-20 09:00")
    unassessed = _indicator(world, Rumus.PERSENTASE, 90)  # no TW I target
    low = _indicator(world, Rumus.PERSENTASE, 90, target_tw1=40)
    high = _indicator(world, Rumus.PERSENTASE, 90, target_tw1=20)
    for ind in (unassessed, low, high):
        _value(world, ind, 3, 10)  # 10 / 40 = 25%, 10 / 20 = 50%
    _verify(world, 3)
    _board(client, world, 3)
    rows = client.get(RINCIAN + "?tahun=2026&periode=3")
    assert [r.indikator for r in rows.context["page"]] == [low, high, unassessed]
