"""Hand-computed cases from docs/domain.md §6–7, through the database."""

import datetime as dt
from decimal import Decimal

import pytest

from conftest import verified
from pantau.evaluation.progress import total
from pantau.evaluation.selectors_opd import opd_progress
from pantau.planning.models import TahunAnggaran
from pantau.planning.services import (
    sub_kegiatan_create,
    sub_kegiatan_update,
    tahun_anggaran_set_tahap,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _july(clock):
    clock.set("2026-07-05 09:00")  # June's period is open


def progress(tenant, opd, bulan=6, tahap=None):
    """Read as the dashboards do: from the roll-up rows, through the scoped selector."""
    ta = TahunAnggaran.objects.get(pk=tenant.ta.pk)
    assert tahap is None or ta.tahap == tahap
    return opd_progress(user=tenant.users["pimpinan"], tahun_anggaran=ta, bulan=bulan)[opd.pk]


def test_weighted_physical_progress_of_domain_example(world):
    # A 600 jt at 50%, B 300 jt at 80%, C 100 jt at 100% -> bobot 60/30/10 -> fisik OPD 64.0%
    c = sub_kegiatan_create(
        actor=None,
        kegiatan=world.a.kegiatan,
        kode="1.02.02.2.01.0003",
        pagu_murni=Decimal(100_000_000),
    )
    for sub, fisik, money in (
        (world.a.sub, 50, 180_000_000),
        (world.a.sub2, 80, 0),
        (c, 100, 20_000_000),
    ):
        verified(world.a, sub, 6, money, fisik)
    p = progress(world.a, world.a.dinkes)
    assert p.pagu == Decimal(1_000_000_000)
    assert p.fisik == Decimal(64)
    assert p.persen_keuangan == Decimal(20)  # Σ realisasi / Σ pagu = 200 jt / 1 M
    # Only A has a plan: 50 jt a month -> 300 jt of its 600 jt to June; target 48% (6 × 8)
    assert p.persen_rencana_kas == Decimal(50)
    assert p.target_fisik == Decimal(48)
    assert p.deviasi_fisik == Decimal(2)  # A: 50 − 48; B and C have no plan and do not count
    assert p.dilaporkan == 3 and p.jumlah_sub == 3


def test_financial_deviation_of_domain_example(world):
    # pagu 500 jt; SP2D to June 180 jt -> 36.0%; RAK to June 250 jt -> 50.0%; deviasi −14.0 pp
    kas = [50] * 5 + [0] + [40] * 5 + [50]  # millions: 250 to June, 500 in all
    rows = [
        (Decimal(k * 1_000_000), Decimal(min(100, m * 8 + (12 if m == 12 else 0))))
        for m, k in enumerate(kas, 1)
    ]
    assert sum(k for k, _f in rows) == Decimal(500_000_000)
    sub_kegiatan_update(
        actor=None,
        sub_kegiatan=world.a.sub_pupr,
        pagu_murni=Decimal(500_000_000),
        rencana={"murni": rows},
    )
    verified(world.a, world.a.sub_pupr, 6, 180_000_000, 40)
    p = progress(world.a, world.a.pupr)
    assert p.persen_keuangan == Decimal(36)
    assert p.persen_rencana_kas == Decimal(50)
    assert p.persen_keuangan - p.persen_rencana_kas == Decimal(-14)


def test_earlier_months_do_not_see_later_reports(world):
    verified(world.a, world.a.sub, 6, 60_000_000, 10)
    assert progress(world.a, world.a.dinkes, bulan=5).realisasi == 0
    later = progress(world.a, world.a.dinkes, bulan=7)
    assert later.realisasi == Decimal(60_000_000)
    assert later.dilaporkan == 0  # nothing reported for July itself


def test_sub_without_plan_is_undefined_not_zero(world):
    p = progress(world.a, world.a.pupr)  # sub_pupr has no monthly plan
    assert p.target_fisik is None and p.persen_rencana_kas is None and p.deviasi_fisik is None
    assert p.pagu == Decimal(100_000_000)


def test_perubahan_without_own_plan_keeps_murni_plan(world):
    sub_kegiatan_update(actor=None, sub_kegiatan=world.a.sub2, pagu_perubahan=Decimal(350_000_000))
    tahun_anggaran_set_tahap(
        actor=None, tahun_anggaran=world.a.ta, tahap="perubahan", tanggal=dt.date(2026, 6, 30)
    )
    p = progress(world.a, world.a.dinkes, tahap="perubahan")
    assert p.pagu == Decimal(950_000_000)  # 600 (murni kept) + 350 (perubahan)
    assert p.target_fisik == Decimal(48)  # world.a.sub's murni plan still applies
    # a perubahan plan for sub (pagu unchanged at 600 jt) replaces the murni one
    sub_kegiatan_update(
        actor=None,
        sub_kegiatan=world.a.sub,
        pagu_perubahan=Decimal(600_000_000),
        rencana={
            "perubahan": [(Decimal(50_000_000), Decimal(m * 5)) for m in range(1, 12)]
            + [(Decimal(50_000_000), Decimal(100))]
        },
    )
    assert progress(world.a, world.a.dinkes, tahap="perubahan").target_fisik == Decimal(30)


def test_no_budget_is_undefined_not_zero():
    empty = total([])
    assert empty.persen_keuangan is None and empty.fisik is None and empty.deviasi_fisik is None
