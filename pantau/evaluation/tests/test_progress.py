"""Hand-computed cases from docs/domain.md §6–7, through the database."""

from decimal import Decimal

import pytest

from pantau.evaluation.progress import Progress, progress_by_opd, total
from pantau.monitoring.models import PeriodeLaporan
from pantau.monitoring.services import realisasi_save
from pantau.planning.models import SubKegiatan
from pantau.planning.services import sub_kegiatan_create, sub_kegiatan_update

pytestmark = pytest.mark.django_db


def test_weighted_physical_progress_of_domain_example(world):
    # A 600 jt at 50%, B 300 jt at 80%, C 100 jt at 100% -> bobot 60/30/10 -> fisik OPD 64.0%
    c = sub_kegiatan_create(
        actor=None,
        kegiatan=world.a.kegiatan,
        kode="1.02.02.2.01.0003",
        pagu_murni=Decimal(100_000_000),
    )
    june = PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=6)
    for sub, fisik, money in (
        (world.a.sub, 50, 180_000_000),
        (world.a.sub2, 80, 0),
        (c, 100, 20_000_000),
    ):
        realisasi_save(
            actor=None,
            sub_kegiatan=sub,
            periode=june,
            keuangan=Decimal(money),
            fisik=Decimal(fisik),
        )
    subs = SubKegiatan.objects.filter(opd=world.a.dinkes, tahun_anggaran=world.a.ta)
    progress = progress_by_opd(subs, tahap="murni", bulan=6)[world.a.dinkes.pk]
    assert progress.pagu == Decimal(1_000_000_000)
    assert progress.fisik == Decimal(64)
    # Σ realisasi / Σ pagu: 200 jt / 1 M = 20%
    assert progress.persen_keuangan == Decimal(20)
    # RAK of A: 50 jt a month -> 300 jt to June; B and C have no plan -> 30% of Σ pagu
    assert progress.persen_rencana_kas == Decimal(30)
    assert progress.dilaporkan == 3 and progress.jumlah_sub == 3


def test_domain_example_financial_deviation(world):
    # pagu 500 jt; SP2D to June 180 jt -> 36.0%; RAK to June 250 jt -> 50.0%; deviasi -14.0
    sub_kegiatan_update(actor=None, sub_kegiatan=world.a.sub_pupr, pagu_murni=Decimal(500_000_000))
    p = Progress(
        pagu=Decimal(500_000_000), realisasi=Decimal(180_000_000), rencana_kas=Decimal(250_000_000)
    )
    assert p.persen_keuangan == Decimal(36)
    assert p.persen_rencana_kas == Decimal(50)
    assert p.persen_keuangan - p.persen_rencana_kas == Decimal(-14)


def test_earlier_months_do_not_see_later_reports(world):
    march = PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=3)
    realisasi_save(
        actor=None,
        sub_kegiatan=world.a.sub,
        periode=march,
        keuangan=Decimal(60_000_000),
        fisik=Decimal(10),
    )
    subs = SubKegiatan.objects.filter(pk=world.a.sub.pk)
    assert progress_by_opd(subs, tahap="murni", bulan=2)[world.a.dinkes.pk].realisasi == 0
    later = progress_by_opd(subs, tahap="murni", bulan=5)[world.a.dinkes.pk]
    assert later.realisasi == Decimal(60_000_000) and later.fisik == Decimal(10)
    assert later.dilaporkan == 0  # nothing reported for May itself


def test_no_budget_is_undefined_not_zero():
    empty = total([])
    assert empty.persen_keuangan is None and empty.fisik is None and empty.deviasi_fisik is None
