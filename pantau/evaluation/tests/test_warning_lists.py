"""Early warnings in the roll-ups and on the dashboard (issue 9, §1.7): the third kontrak kritis
condition, lists sorted by severity, spending above the cash plan, and absorption against plan
over the same sub kegiatan above and below the line. Every figure is computed by hand below."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import PASSWORD
from pantau.evaluation import rollup
from pantau.evaluation.models import RingkasanOpd, RingkasanSubKegiatan
from pantau.monitoring.choices import StatusRealisasi
from pantau.monitoring.services import realisasi_import
from pantau.planning.services import rencana_set

pytestmark = pytest.mark.django_db
URL = "/dasbor/?tahun=2026&periode=10"
JT = Decimal(1_000_000)


def _reports(world, rows):
    realisasi_import(
        actor=None,
        tahun_anggaran=world.a.ta,
        historical=True,
        rows=[
            {
                "sub_kegiatan": sub,
                "bulan": bulan,
                "keuangan": Decimal(keuangan) * JT,
                "fisik": Decimal(fisik),
                "status": StatusRealisasi.DIVERIFIKASI,
            }
            for sub, bulan, keuangan, fisik in rows
        ],
    )


def _row(sub, bulan=10):
    return RingkasanSubKegiatan.objects.get(sub_kegiatan=sub, dasar="terverifikasi", bulan=bulan)


def _october(world):
    """The fixture's plan for `sub` (pagu 600 jt): 50 jt and 8 points a month, so October
    plans 80% (period II) and December 96%. `sub2` (300 jt) gets 25 jt and 8 points a month."""
    rencana_set(
        actor=None,
        sub_kegiatan=world.a.sub2,
        tahap="murni",
        rows=[(Decimal(25) * JT, Decimal(m * 8)) for m in range(1, 13)],
    )
    _reports(
        world,
        [
            # sub: 75% in September, 77% in October: 3 points behind (not more than Y = 5), but
            # 2 points a month reach 77 + 2 x 2 = 81% by December, short of the plan's 96%
            (world.a.sub, 9, 300, 75),
            (world.a.sub, 10, 250, 77),
            # sub2: 50% in October, 30 points behind: kritis by the second condition
            (world.a.sub2, 9, 100, 40),
            (world.a.sub2, 10, 100, 50),
            # PUPR (100 jt, no plan): 80% spent, 10% physical: money without physical progress
            (world.a.sub_pupr, 10, 80, 10),
        ],
    )


def test_third_condition_projection_past_december(world, clock):
    clock.set("2026-11-20 09:00")
    _october(world)
    row = _row(world.a.sub)
    assert row.target_fisik == Decimal(80) and row.fisik == Decimal(77)
    assert row.proyeksi_fisik == Decimal(81)
    assert row.status_fisik == "kritis"  # was kuning: behind by less than Y
    assert (row.tingkat_peringatan, row.keparahan) == (3, Decimal(3))
    assert rollup.check() == []
    RingkasanSubKegiatan.objects.filter(pk=row.pk).update(proyeksi_fisik=Decimal(97))
    assert {d.field for d in rollup.check()} == {"proyeksi_fisik"}


def test_fast_enough_is_not_kritis(world, clock):
    clock.set("2026-11-20 09:00")
    _reports(world, [(world.a.sub, 9, 300, 67), (world.a.sub, 10, 250, 77)])
    row = _row(world.a.sub)
    assert row.proyeksi_fisik == Decimal(97)  # 77 + 10 x 2
    assert row.status_fisik == "kuning"


def test_critical_lists_sorted_by_severity(client, world, clock):
    clock.set("2026-11-20 09:00")
    _october(world)
    assert client.login(username=world.a.users["pimpinan"].username, password=PASSWORD)
    page = client.get(URL)
    board = page.context["board"]
    # sub2 is 30 points behind, sub 3 points; PUPR's money runs 80 - 10 = 70 points ahead of
    # its physical progress. Kritis first, the furthest behind first; not by code.
    assert [(w.sub_kegiatan, w.keparahan) for w in board.peringatan] == [
        (world.a.sub2, Decimal(30)),
        (world.a.sub, Decimal(3)),
        (world.a.sub_pupr, Decimal(70)),
    ]
    assert board.kritis == 2
    assert "proyeksi 31 Desember 81,0%" in page.text
    kritis = client.get(reverse("evaluation:rincian", args=["kritis"]) + "?tahun=2026&periode=10")
    assert [r.sub_kegiatan for r in kritis.context["page"]] == [world.a.sub2, world.a.sub]


def test_spending_above_cash_plan(client, world, clock):
    clock.set("2026-11-20 09:00")
    _october(world)
    # sub: 300 + 250 = 550 jt spent by October against a cash plan of 10 x 50 = 500 jt;
    # sub2: 200 jt against 10 x 25 = 250 jt: within plan
    assert _row(world.a.sub).di_atas_rencana_kas
    assert not _row(world.a.sub2).di_atas_rencana_kas
    assert not _row(world.a.sub, 9).di_atas_rencana_kas  # 300 jt against 450 jt in September
    dinkes = RingkasanOpd.objects.get(opd=world.a.dinkes, dasar="terverifikasi", bulan=10)
    assert dinkes.di_atas_rencana_kas == 1
    assert client.login(username=world.a.users["pimpinan"].username, password=PASSWORD)
    page = client.get(URL)
    assert page.context["board"].di_atas_rencana_kas == 1
    assert "1 realisasi di atas rencana kas" in page.text
    rows = client.get(reverse("evaluation:rincian", args=["kas"]) + "?tahun=2026&periode=10")
    assert [r.sub_kegiatan for r in rows.context["page"]] == [world.a.sub]
    assert "Di atas rencana kas" in rows.text
    assert rollup.check() == []


def test_absorption_against_plan_over_the_same_sub_kegiatan(client, world, clock):
    clock.set("2026-11-20 09:00")
    # Dinkes: sub has a plan (500 jt cash by October) and spent 550 jt; sub2 has no plan and
    # spent 200 jt. Against plan: 550 / 500 = 110%, not (550 + 200) / 500 = 150%.
    _reports(
        world,
        [
            (world.a.sub, 9, 300, 75),
            (world.a.sub, 10, 250, 77),
            (world.a.sub2, 10, 200, 50),
        ],
    )
    dinkes = RingkasanOpd.objects.get(opd=world.a.dinkes, dasar="terverifikasi", bulan=10)
    assert (dinkes.realisasi, dinkes.realisasi_rencana, dinkes.rencana_kas) == (
        750 * JT,
        550 * JT,
        500 * JT,
    )
    assert client.login(username=world.a.users["pimpinan"].username, password=PASSWORD)
    board = client.get(URL).context["board"]
    row = next(r for r in board.opd_rows if r.opd == world.a.dinkes)
    assert row.serapan_terhadap_rencana == Decimal(110)
    assert row.skor.komponen["serapan"] == Decimal(110)
    assert board.total.serapan_terhadap_rencana == Decimal(110)
    rows = client.get(reverse("evaluation:rincian", args=["sub"]) + "?tahun=2026&periode=10")
    assert rows.context["rincian"].total.serapan_terhadap_rencana == Decimal(110)
