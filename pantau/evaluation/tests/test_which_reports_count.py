"""Issue 9 §1: the figures leadership and citizens see are the verified truth.

Drafts and returned reports never count; "as reported" (submitted, approved, verified) is a
labelled alternative; every headline says its basis and month; a running month raises no
alarm; history survives restructuring; months before the APBD-P keep the murni budget.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import PASSWORD, verified
from pantau.evaluation import rollup
from pantau.evaluation.models import RingkasanOpd, RingkasanSubKegiatan
from pantau.monitoring.models import PeriodeLaporan
from pantau.monitoring.services import realisasi_save, realisasi_transition

pytestmark = pytest.mark.django_db
V, R = "terverifikasi", "dilaporkan"


def login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)


def period(tenant, bulan):
    return PeriodeLaporan.objects.get(tahun_anggaran=tenant.ta, bulan=bulan)


def draft(tenant, bulan, keuangan, fisik, sub=None):
    return realisasi_save(
        actor=tenant.users["operator_opd"],
        sub_kegiatan=sub or tenant.sub,
        periode=period(tenant, bulan),
        keuangan=Decimal(keuangan),
        fisik=Decimal(fisik),
        penjelasan="uji",
    )


def board(client, query="?tahun=2026&periode=6"):
    return client.get(reverse("evaluation:dasbor") + query).context["board"]


class TestWhichReportsCount:
    def test_a_draft_moves_no_figure_anywhere(self, client, world, clock):
        clock.set("2026-06-05 09:00")
        verified(world.a, world.a.sub, 5, 90_000_000, 30)
        draft(world.a, 6, 300_000_000, 40)  # the operator's draft of Rp 300 juta
        clock.set("2026-07-15 09:00")  # June's reports are due
        login(client, world.a.users["pimpinan"])
        for dasar in ("", "&dasar=dilaporkan"):
            assert board(client, "?tahun=2026&periode=6" + dasar).total.realisasi == Decimal(
                90_000_000
            )
        home = client.get("/").context["summaries"][0]["progress"]
        assert home.realisasi == Decimal(90_000_000)
        opd = client.get(
            reverse("organisations:opd-detail", args=[world.a.dinkes.pk]) + "?tahun=2026&bulan=6"
        )
        assert opd.context["total"].realisasi == Decimal(90_000_000)
        assert rollup.check() == []

    def test_submitted_and_approved_count_only_as_reported_and_are_labelled(
        self, client, world, clock
    ):
        clock.set("2026-06-05 09:00")
        report = draft(world.a, 6, 300_000_000, 40)
        realisasi_transition(actor=world.a.users["operator_opd"], realisasi=report, name="submit")
        realisasi_transition(actor=world.a.users["kepala_opd"], realisasi=report, name="approve")
        clock.set("2026-07-15 09:00")
        login(client, world.a.users["pimpinan"])
        page = client.get(reverse("evaluation:dasbor") + "?tahun=2026&periode=6")
        assert page.context["board"].total.realisasi == 0
        assert "Angka terverifikasi s.d. Juni 2026" in page.text
        page = client.get(reverse("evaluation:dasbor") + "?tahun=2026&periode=6&dasar=dilaporkan")
        assert page.context["board"].total.realisasi == Decimal(300_000_000)
        assert "Angka sesuai laporan (belum tentu diverifikasi) s.d. Juni 2026" in page.text
        # the links of the page keep the basis: the drill-down shows the same figure
        rows = client.get(
            reverse("evaluation:rincian", args=["sub"]) + "?tahun=2026&periode=6&dasar=dilaporkan"
        )
        assert rows.context["rincian"].total.realisasi == Decimal(300_000_000)
        assert "sesuai laporan" in rows.text
        realisasi_transition(actor=world.a.users["verifikator"], realisasi=report, name="verify")
        assert board(client).total.realisasi == Decimal(300_000_000)

    def test_a_returned_report_does_not_count(self, client, world, clock):
        clock.set("2026-06-05 09:00")
        report = draft(world.a, 6, 300_000_000, 40)
        realisasi_transition(actor=world.a.users["operator_opd"], realisasi=report, name="submit")
        realisasi_transition(
            actor=world.a.users["kepala_opd"],
            realisasi=report,
            name="return_opd",
            catatan="Foto belum ada",
        )
        rows = RingkasanOpd.objects.filter(opd=world.a.dinkes, bulan=6)
        assert {r.dasar: r.realisasi for r in rows} == {V: 0, R: 0}

    def test_check_covers_both_bases(self, world):
        assert rollup.check() == []
        RingkasanSubKegiatan.objects.filter(sub_kegiatan=world.a.sub, dasar=R, bulan=4).update(
            realisasi=Decimal(7)
        )
        diffs = rollup.check()
        assert [(d.table, d.key, d.field) for d in diffs if d.table == "sub"] == [
            ("sub", (world.a.sub.pk, R, 4), "realisasi")
        ]


class TestOnePeriodEverywhere:
    def test_same_month_basis_and_number_on_every_page(self, client, world, clock):
        from conftest import classify

        clock.set("2026-05-05 09:00")
        verified(world.a, world.a.sub, 4, 120_000_000, 20)
        classify(world.a, world.a.sub, "publik")
        clock.set("2026-06-20 09:00")  # May's cut-off (10 June) passed: every page shows May
        login(client, world.a.users["pimpinan"])
        dash = client.get(reverse("evaluation:dasbor") + "?tahun=2026")
        home = client.get("/")
        label = "Angka terverifikasi s.d. Mei 2026"
        assert label in dash.text and label in home.text
        assert dash.context["board"].bulan == home.context["summaries"][0]["bulan"] == 5
        assert dash.context["board"].total.realisasi == Decimal(120_000_000)
        assert home.context["summaries"][0]["progress"].realisasi == Decimal(120_000_000)
        client.logout()
        from pantau.organisations.services import pemda_update

        pemda_update(actor=None, pemda=world.a.pemda, domain_publik="testserver")
        public = client.get(reverse("opendata:beranda") + "?tahun=2026")
        assert label in public.text
        assert public.context["ringkasan"].realisasi == Decimal(120_000_000)


class TestRunningMonth:
    def test_a_month_before_its_cut_off_raises_no_alarm(self, client, world, clock):
        clock.set("2026-06-05 09:00")
        verified(world.a, world.a.sub, 5, 10_000_000, 1)  # far behind the 40% plan: kritis
        clock.set("2026-06-08 09:00")  # May's reports are due on 10 June: May still runs
        login(client, world.a.users["pimpinan"])
        page = client.get(reverse("evaluation:dasbor") + "?tahun=2026")
        b = page.context["board"]
        assert b.bulan == 4 and not b.berjalan  # by default the last month that is due
        b = board(client, "?tahun=2026&periode=5")
        assert b.berjalan and b.belum_melapor is None and b.peringatan == []
        assert "masih berjalan" in client.get(reverse("evaluation:dasbor") + "?periode=5").text
        clock.set("2026-06-11 09:00")
        login(client, world.a.users["pimpinan"])  # (three days later: a new session)
        b = board(client, "?tahun=2026&periode=5")
        assert not b.berjalan and b.belum_melapor == 2 and b.kritis == 1  # sub2, sub_pupr

    def test_no_category_for_a_quarter_that_has_not_ended(self, client, world, clock):
        clock.set("2026-02-20 09:00")
        login(client, world.a.users["pimpinan"])
        page = client.get(reverse("evaluation:dasbor") + "?tahun=2026&periode=1")
        b = page.context["board"]
        assert b.triwulan == 0 and b.capaian is None and b.kategori is None
        assert b.distribusi == [] and "belum dapat dinilai" in page.text
        clock.set("2026-04-05 09:00")  # March ended but its reports are due on 10 April
        login(client, world.a.users["pimpinan"])  # (a new session at the new time)
        assert board(client, "?tahun=2026&periode=3").triwulan == 0
        clock.set("2026-04-11 09:00")
        login(client, world.a.users["pimpinan"])
        assert board(client, "?tahun=2026&periode=3").triwulan == 1

    def test_curves_stop_at_the_selected_month(self, client, world, clock):
        clock.set("2026-08-20 09:00")
        verified(world.a, world.a.sub, 3, 50_000_000, 20)
        login(client, world.a.users["pimpinan"])
        kurva = board(client, "?tahun=2026&periode=4").kurva
        assert kurva["fisik"][3] is not None and kurva["fisik"][4:] == [None] * 8
        assert kurva["keuangan"][4:] == [None] * 8
        assert None not in kurva["rencana_fisik"]  # the plan is drawn for the whole year


class TestHistorySurvivesRestructuring:
    def test_a_deactivated_opd_stays_in_its_years_figures(self, client, world, clock):
        from pantau.organisations.services import opd_update

        clock.set("2026-08-20 09:00")
        verified(world.a, world.a.sub, 3, 50_000_000, 20)
        verified(world.a, world.a.sub_pupr, 3, 55_800_000, 30)
        opd_update(actor=None, opd=world.a.pupr, aktif=False)
        login(client, world.a.users["pimpinan"])
        b = board(client, "?tahun=2026&periode=tw2")
        assert b.total.realisasi == Decimal(105_800_000)
        assert b.realisasi_periode == 0  # nothing spent in April–June, never negative
        assert world.a.pupr.pk in {r.opd.pk for r in b.opd_rows}
        curve_june = b.kurva["keuangan"][5]
        assert curve_june == round(float(b.total.persen_keuangan), 2)  # cards and curve agree


class TestBudgetVersions:
    def perubahan(self, world, tanggal=dt.date(2026, 9, 15)):
        from pantau.planning.services import tahun_anggaran_set_tahap

        return tahun_anggaran_set_tahap(
            actor=None, tahun_anggaran=world.a.ta, tahap="perubahan", tanggal=tanggal
        )

    def test_months_before_the_apbd_p_keep_the_murni_pagu_and_plan(self, world):
        from pantau.planning.services import sub_kegiatan_update

        kas = [Decimal(40_000_000)] * 11 + [Decimal(260_000_000)]  # 700 jt
        sub_kegiatan_update(
            actor=None,
            sub_kegiatan=world.a.sub,
            pagu_perubahan=Decimal(700_000_000),
            rencana={
                "perubahan": [(k, Decimal(m * 5)) for m, k in enumerate(kas[:-1], 1)]
                + [(kas[-1], Decimal(100))]
            },
        )
        self.perubahan(world)

        def row(bulan):
            return RingkasanSubKegiatan.objects.get(sub_kegiatan=world.a.sub, dasar=V, bulan=bulan)

        # August: murni 600 jt, murni plan 50 jt a month, target 8% a month
        assert (row(8).pagu, row(8).rencana_kas, row(8).target_fisik) == (
            Decimal(600_000_000),
            Decimal(400_000_000),
            Decimal(64),
        )
        # September (enacted on the 15th): the perubahan pagu and plan
        assert (row(9).pagu, row(9).rencana_kas, row(9).target_fisik) == (
            Decimal(700_000_000),
            Decimal(360_000_000),
            Decimal(45),
        )
        assert row(9).pagu_murni == Decimal(600_000_000)
        assert rollup.check() == []

    def test_a_pagu_cut_to_zero_is_zero_and_flags_the_realisation(self, client, world, clock):
        from pantau.planning.services import sub_kegiatan_update

        clock.set("2026-07-05 09:00")
        verified(world.a, world.a.sub2, 6, 20_000_000, 10)
        sub_kegiatan_update(actor=None, sub_kegiatan=world.a.sub2, pagu_perubahan=Decimal(0))
        self.perubahan(world, dt.date(2026, 9, 1))
        oct_ = RingkasanSubKegiatan.objects.get(sub_kegiatan=world.a.sub2, dasar=V, bulan=10)
        assert oct_.pagu == 0 and oct_.melebihi_pagu  # not a fall-back to the murni 300 jt
        jun = RingkasanSubKegiatan.objects.get(sub_kegiatan=world.a.sub2, dasar=V, bulan=6)
        assert jun.pagu == Decimal(300_000_000) and not jun.melebihi_pagu
        clock.set("2026-11-15 09:00")
        login(client, world.a.users["pimpinan"])
        page = client.get(reverse("evaluation:dasbor") + "?tahun=2026&periode=10")
        assert page.context["board"].melebihi_pagu == 1
        assert "realisasi melebihi pagu (perlu dikoreksi)" in page.text
        assert "Pagu (perubahan)" in page.text and "murni" in page.text
