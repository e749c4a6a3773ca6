"""Workflow transitions for every role, own OPD / other OPD / other pemda; deadlines; reopening."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pantau.audit.models import AuditEvent
from pantau.monitoring.models import PembukaanPeriode, PeriodeLaporan, Realisasi, RiwayatStatus
from pantau.monitoring.services import (
    laporan_kirim,
    periode_reopen,
    realisasi_save,
    realisasi_transition,
)
from pantau.monitoring.workflow import PeriodeState, ketepatan, periode_state
from pantau.organisations.choices import Role

pytestmark = pytest.mark.django_db
ROLES = [r.value for r in Role]
ALLOWED = {  # step -> (status before, role allowed)
    "submit": ("draft", "operator_opd"),
    "approve": ("diajukan", "kepala_opd"),
    "return_opd": ("diajukan", "kepala_opd"),
    "verify": ("disetujui", "verifikator"),
    "return_bappeda": ("disetujui", "verifikator"),
    "correct": ("diverifikasi", "operator_opd"),
}
TARGET = {
    "submit": "diajukan",
    "approve": "disetujui",
    "return_opd": "dikembalikan",
    "verify": "diverifikasi",
    "return_bappeda": "dikembalikan",
    "correct": "draft",
}


@pytest.fixture(autouse=True)
def _february(clock):
    clock.set("2026-02-05 10:00")


def periode(tenant, bulan=1):
    return PeriodeLaporan.objects.select_related("tahun_anggaran").get(
        tahun_anggaran=tenant.ta, bulan=bulan
    )


def make_report(tenant, status="draft", sub=None):
    r = realisasi_save(
        actor=tenant.users["operator_opd"],
        sub_kegiatan=sub or tenant.sub,
        periode=periode(tenant),
        keuangan=Decimal(40_000_000),
        fisik=Decimal(8),
    )
    Realisasi.objects.filter(pk=r.pk).update(status=status)
    r.refresh_from_db()
    return r


@pytest.mark.parametrize("step", list(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_transition_matrix_own_opd(world, step, role):
    before, allowed_role = ALLOWED[step]
    report = make_report(world.a, before)
    actor = world.a.users[role]
    if role == allowed_role:
        catatan = "Angka fisik belum sesuai foto" if step != "approve" else ""
        realisasi_transition(actor=actor, realisasi=report, name=step, catatan=catatan)
        report.refresh_from_db()
        assert report.status == TARGET[step]
        trail = RiwayatStatus.objects.get(realisasi=report)
        assert (trail.dari, trail.ke, trail.aktor_label) == (before, TARGET[step], actor.username)
        assert AuditEvent.objects.filter(
            action=f"realisasi.{step}", object_id=str(report.pk)
        ).exists()
    else:
        with pytest.raises(PermissionDenied):
            realisasi_transition(actor=actor, realisasi=report, name=step, catatan="catatan")
        report.refresh_from_db()
        assert report.status == before
        assert not RiwayatStatus.objects.filter(realisasi=report).exists()


@pytest.mark.parametrize("step", list(ALLOWED))
def test_opd_roles_of_another_opd_refused(world, step):
    from pantau.organisations.services import membership_set, user_create

    before, role = ALLOWED[step]
    report = make_report(world.a, before)
    stranger = user_create(actor=None, username=f"x.{step}", password="x-Long-passw0rd")
    membership_set(
        actor=None,
        user=stranger,
        pemda=world.a.pemda,
        role=role,
        opd=world.a.pupr if role in {"operator_opd", "kepala_opd"} else None,
    )
    if role in {"operator_opd", "kepala_opd"}:
        with pytest.raises(PermissionDenied):
            realisasi_transition(actor=stranger, realisasi=report, name=step, catatan="c")
    else:  # Bappeda works across all OPDs of its pemda
        realisasi_transition(actor=stranger, realisasi=report, name=step, catatan="c")


@pytest.mark.parametrize("step", list(ALLOWED))
def test_same_role_of_other_pemda_refused(world, step):
    before, role = ALLOWED[step]
    report = make_report(world.a, before)
    with pytest.raises(PermissionDenied):
        realisasi_transition(actor=world.b.users[role], realisasi=report, name=step, catatan="c")
    report.refresh_from_db()
    assert report.status == before


def test_wrong_state_is_a_clear_error(world):
    report = make_report(world.a, "draft")
    with pytest.raises(ValidationError, match="tidak dapat"):
        realisasi_transition(actor=world.a.users["kepala_opd"], realisasi=report, name="approve")


def test_return_needs_a_note(world):
    report = make_report(world.a, "diajukan")
    with pytest.raises(ValidationError, match="catatan"):
        realisasi_transition(
            actor=world.a.users["kepala_opd"], realisasi=report, name="return_opd", catatan=" "
        )


def test_full_cycle_and_lock(world):
    report = make_report(world.a)
    realisasi_transition(actor=world.a.users["operator_opd"], realisasi=report, name="submit")
    realisasi_transition(actor=world.a.users["kepala_opd"], realisasi=report, name="approve")
    realisasi_transition(
        actor=world.a.users["verifikator"],
        realisasi=report,
        name="return_bappeda",
        catatan="Lampirkan foto",
    )
    report.refresh_from_db()
    assert report.status == "dikembalikan"
    # the operator corrects it even though ... and resubmits
    realisasi_save(
        actor=world.a.users["operator_opd"],
        sub_kegiatan=world.a.sub,
        periode=periode(world.a),
        keuangan=Decimal(41_000_000),
        fisik=Decimal(8),
    )
    realisasi_transition(actor=world.a.users["operator_opd"], realisasi=report, name="submit")
    realisasi_transition(actor=world.a.users["kepala_opd"], realisasi=report, name="approve")
    realisasi_transition(actor=world.a.users["verifikator"], realisasi=report, name="verify")
    report.refresh_from_db()
    assert report.status == "diverifikasi"
    assert [r.ke for r in report.riwayat.order_by("id")] == [
        "diajukan",
        "disetujui",
        "dikembalikan",
        "diajukan",
        "disetujui",
        "diverifikasi",
    ]
    with pytest.raises(ValidationError, match="tidak dapat diubah"):
        realisasi_save(
            actor=world.a.users["operator_opd"],
            sub_kegiatan=world.a.sub,
            periode=periode(world.a),
            keuangan=Decimal(1),
            fisik=Decimal(8),
        )


class TestRulesAtSubmitAndVerify:
    def test_warning_needs_explanation_before_submit(self, world):
        # keuangan 80% of 600 jt but fisik 10%: diverge by 70 points (default threshold 25)
        r = realisasi_save(
            actor=world.a.users["operator_opd"],
            sub_kegiatan=world.a.sub,
            periode=periode(world.a),
            keuangan=Decimal(480_000_000),
            fisik=Decimal(10),
        )
        assert [w["kode"] for w in r.peringatan] == ["selisih_fisik_keuangan"]
        with pytest.raises(ValidationError, match="penjelasan"):
            realisasi_transition(actor=world.a.users["operator_opd"], realisasi=r, name="submit")
        realisasi_save(
            actor=world.a.users["operator_opd"],
            sub_kegiatan=world.a.sub,
            periode=periode(world.a),
            keuangan=Decimal(480_000_000),
            fisik=Decimal(10),
            penjelasan="Uang muka 30% kontrak dibayar; pekerjaan baru dimulai.",
        )
        realisasi_transition(actor=world.a.users["operator_opd"], realisasi=r, name="submit")

    def test_physical_decrease_is_a_warning(self, world, clock):
        realisasi_save(
            actor=world.a.users["operator_opd"],
            sub_kegiatan=world.a.sub,
            periode=periode(world.a, 1),
            keuangan=Decimal(60_000_000),
            fisik=Decimal(12),
        )
        clock.set("2026-03-02 10:00")
        r = realisasi_save(
            actor=world.a.users["operator_opd"],
            sub_kegiatan=world.a.sub,
            periode=periode(world.a, 2),
            keuangan=Decimal(0),
            fisik=Decimal(9),
        )
        assert "fisik_turun" in [w["kode"] for w in r.peringatan]

    def test_threshold_is_a_pemda_setting(self, world):
        from pantau.organisations.services import pemda_update

        pemda_update(actor=None, pemda=world.a.pemda, selisih_fisik_keuangan_maks=Decimal(80))
        r = realisasi_save(
            actor=world.a.users["operator_opd"],
            sub_kegiatan=world.a.sub,
            periode=periode(world.a),
            keuangan=Decimal(480_000_000),
            fisik=Decimal(10),
        )
        assert r.peringatan == []

    def test_rules_checked_again_at_verification(self, world):
        from pantau.planning.services import budget_consistency_errors

        r = make_report(world.a, "disetujui")
        # the pagu fell below what was spent (e.g. a late DPPA): verification refuses
        from pantau.planning.models import SubKegiatan

        SubKegiatan.objects.filter(pk=world.a.sub.pk).update(pagu_murni=Decimal(30_000_000))
        assert budget_consistency_errors(
            SubKegiatan.objects.select_related("tahun_anggaran").get(pk=world.a.sub.pk)
        )
        with pytest.raises(ValidationError, match="melebihi pagu"):
            realisasi_transition(actor=world.a.users["verifikator"], realisasi=r, name="verify")


class TestPeriods:
    @pytest.mark.parametrize(
        ("now", "bulan", "state"),
        [
            ("2026-01-31 23:59", 2, PeriodeState.BELUM_DIBUKA),
            ("2026-02-01 00:00", 2, PeriodeState.TERBUKA),
            ("2026-03-10 23:59", 2, PeriodeState.TERBUKA),  # cut-off day included, WITA
            ("2026-03-11 00:00", 2, PeriodeState.DITUTUP),
            ("2026-03-10T16:30:00+00:00", 2, PeriodeState.DITUTUP),  # 00:30 on 11 March in WITA
            ("2027-01-10 20:00", 12, PeriodeState.TERBUKA),  # December's cut-off is next year
            ("2027-01-11 00:01", 12, PeriodeState.DITUTUP),
        ],
    )
    def test_state_across_month_and_year_ends(self, world, clock, now, bulan, state):
        clock.set(now)
        assert periode_state(periode(world.a, bulan), world.a.dinkes) == state

    def test_cutoff_day_is_configurable_per_pemda(self, world, clock):
        from pantau.monitoring.services import tahun_anggaran_open
        from pantau.organisations.services import pemda_update

        pemda_update(actor=None, pemda=world.b.pemda, hari_batas_laporan=5)
        ta = tahun_anggaran_open(actor=None, pemda=world.b.pemda, tahun=2027)
        assert PeriodeLaporan.objects.get(tahun_anggaran=ta, bulan=1).batas_waktu == dt.date(
            2027, 2, 5
        )

    def test_closed_period_refuses_entry(self, world, clock):
        clock.set("2026-02-11 08:00")
        with pytest.raises(ValidationError, match="sudah ditutup"):
            realisasi_save(
                actor=world.a.users["operator_opd"],
                sub_kegiatan=world.a.sub,
                periode=periode(world.a, 1),
                keuangan=Decimal(1),
                fisik=Decimal(1),
            )
        assert not Realisasi.objects.exists()

    def test_future_period_refuses_entry(self, world):
        with pytest.raises(ValidationError, match="belum dibuka"):
            realisasi_save(
                actor=world.a.users["operator_opd"],
                sub_kegiatan=world.a.sub,
                periode=periode(world.a, 3),
                keuangan=Decimal(1),
                fisik=Decimal(1),
            )

    def test_timeliness(self, world, clock):
        p = periode(world.a, 1)
        import zoneinfo

        wita = zoneinfo.ZoneInfo("Asia/Makassar")
        assert (
            ketepatan(dt.datetime(2026, 2, 10, 23, 0, tzinfo=wita), p, world.a.pemda)
            == "tepat_waktu"
        )
        assert (
            ketepatan(dt.datetime(2026, 2, 10, 16, 30, tzinfo=dt.UTC), p, world.a.pemda)
            == "terlambat"
        )
        assert ketepatan(None, p, world.a.pemda) == "belum"
        clock.set("2026-02-11 00:00")
        assert ketepatan(None, p, world.a.pemda) == "tidak_ada"

    def test_admin_reopens_for_one_opd(self, world, clock):
        r = make_report(world.a, "diverifikasi")
        clock.set("2026-03-01 09:00")
        with pytest.raises(PermissionDenied):
            periode_reopen(
                actor=world.a.users["verifikator"],
                periode=periode(world.a),
                opd=world.a.dinkes,
                alasan="Koreksi angka SP2D bulan Januari",
            )
        with pytest.raises(ValidationError, match="alasan"):
            periode_reopen(
                actor=world.a.users["admin"],
                periode=periode(world.a),
                opd=world.a.dinkes,
                alasan="x",
            )
        with pytest.raises(PermissionDenied):
            periode_reopen(
                actor=world.b.users["admin"],
                periode=periode(world.a),
                opd=world.a.dinkes,
                alasan="Koreksi angka SP2D bulan Januari",
            )
        opening = periode_reopen(
            actor=world.a.users["admin"],
            periode=periode(world.a),
            opd=world.a.dinkes,
            alasan="Koreksi angka SP2D bulan Januari",
        )
        assert opening.berlaku_sampai == dt.date(2026, 3, 8)
        r.refresh_from_db()
        assert r.status == "diverifikasi"  # a reopening un-verifies nothing
        assert AuditEvent.objects.filter(action="periode.reopen").exists()
        assert (
            periode_state(periode(world.a), world.a.dinkes, reopened_until=opening.berlaku_sampai)
            == PeriodeState.DIBUKA_KEMBALI
        )
        # the OPD may now enter late data for another sub kegiatan of the period
        realisasi_save(
            actor=world.a.users["operator_opd"],
            sub_kegiatan=world.a.sub2,
            periode=periode(world.a),
            keuangan=Decimal(1),
            fisik=Decimal(1),
        )
        # ...but another OPD's period stays closed
        assert not PembukaanPeriode.objects.filter(opd=world.a.pupr).exists()


class TestIdempotentSubmission:
    def test_double_delivery_applies_once(self, world):
        from pantau.monitoring.tests.photos import jpeg

        args = {
            "actor": world.a.users["operator_opd"],
            "sub_kegiatan": world.a.sub,
            "periode": periode(world.a),
            "kunci": "a" * 32,
            "fields": {"keuangan": "40.000.000", "fisik": "8"},
            "files": [("foto.jpg", jpeg())],
            "ajukan": True,
        }
        first, new1 = laporan_kirim(**args)
        second, new2 = laporan_kirim(**args)
        assert (new1, new2) == (True, False) and first.pk == second.pk
        assert first.bukti.count() == 1 and first.status == "diajukan"
        assert RiwayatStatus.objects.filter(realisasi=first).count() == 1

    def test_key_of_another_user_refused(self, world):
        args = {
            "sub_kegiatan": world.a.sub,
            "periode": periode(world.a),
            "kunci": "b" * 32,
            "fields": {"keuangan": "1", "fisik": "1"},
            "files": [],
        }
        laporan_kirim(actor=world.a.users["operator_opd"], **args)
        with pytest.raises((ValidationError, PermissionDenied)):
            laporan_kirim(actor=world.b.users["operator_opd"], **args)

    def test_failed_submission_leaves_nothing(self, world, settings):
        with pytest.raises(ValidationError):
            laporan_kirim(
                actor=world.a.users["operator_opd"],
                sub_kegiatan=world.a.sub,
                periode=periode(world.a),
                kunci="c" * 32,
                fields={"keuangan": "1", "fisik": "1"},
                files=[("ok.pdf", b"%PDF-1.4 x"), ("bad.jpg", b"not an image")],
            )
        assert not Realisasi.objects.exists()
        files = (
            [p for p in settings.PRIVATE_ROOT.rglob("*") if p.is_file()]
            if settings.PRIVATE_ROOT.exists()
            else []
        )
        assert files == []


class TestCorrectionOfAVerifiedReport:
    """Issue 9 §1.9: after a reopening, verified reports stay verified and counted; a
    correction is a new version that goes through the workflow while the verified version
    stays official until the correction is verified."""

    def figures(self, tenant, dasar):
        from pantau.evaluation.models import RingkasanSubKegiatan

        row = RingkasanSubKegiatan.objects.get(sub_kegiatan=tenant.sub, dasar=dasar, bulan=1)
        return row.realisasi, row.fisik

    def test_the_verified_version_stays_official_until_the_correction_is_verified(
        self, world, clock, django_capture_on_commit_callbacks
    ):
        from conftest import verify_report
        from pantau.notifications.models import Notifikasi

        a = world.a
        report = make_report(a)  # 40 jt, 8% in January
        verify_report(a, report)
        assert self.figures(a, "terverifikasi") == (Decimal(40_000_000), Decimal(8))
        clock.set("2026-03-02 09:00")  # January is closed: no correction without a reopening
        with pytest.raises(ValidationError, match="ditutup"):
            realisasi_transition(
                actor=a.users["operator_opd"], realisasi=report, name="correct", catatan="SP2D"
            )
        with django_capture_on_commit_callbacks(execute=True):
            periode_reopen(
                actor=a.users["admin"],
                periode=periode(a),
                opd=a.dinkes,
                alasan="Koreksi SP2D Januari yang salah input",
            )
        report.refresh_from_db()
        assert report.status == "diverifikasi"
        assert {n.user_id for n in Notifikasi.objects.all()} == {
            a.users["operator_opd"].pk,
            a.users["kepala_opd"].pk,
        }
        report = realisasi_transition(
            actor=a.users["operator_opd"],
            realisasi=report,
            name="correct",
            catatan="SP2D ganda",
        )
        assert (report.status, report.versi, report.versi_resmi) == ("draft", 2, 1)
        realisasi_save(
            actor=a.users["operator_opd"],
            sub_kegiatan=a.sub,
            periode=periode(a),
            keuangan=Decimal(25_000_000),
            fisik=Decimal(6),
        )
        official = (Decimal(40_000_000), Decimal(8))
        assert self.figures(a, "terverifikasi") == official
        assert self.figures(a, "dilaporkan") == official  # a draft is not a report yet
        realisasi_transition(actor=a.users["operator_opd"], realisasi=report, name="submit")
        assert self.figures(a, "dilaporkan") == (Decimal(25_000_000), Decimal(6))
        assert self.figures(a, "terverifikasi") == official
        report.refresh_from_db()
        verify_report(a, report, skip_submit=True)
        assert self.figures(a, "terverifikasi") == (Decimal(25_000_000), Decimal(6))
        report.refresh_from_db()
        assert (report.versi, report.versi_resmi, report.keuangan_resmi) == (
            2,
            2,
            Decimal(25_000_000),
        )
        from pantau.evaluation import rollup

        assert rollup.check() == []

    def test_public_figures_keep_the_verified_version(self, world, clock):
        from conftest import classify, verify_report
        from pantau.opendata.public import activity, progress_history

        a = world.a
        report = make_report(a)
        verify_report(a, report)
        classify(a, a.sub, "publik")
        clock.set("2026-02-06 09:00")  # January still open: a correction is allowed
        realisasi_transition(
            actor=a.users["operator_opd"], realisasi=report, name="correct", catatan="salah"
        )
        realisasi_save(
            actor=a.users["operator_opd"],
            sub_kegiatan=a.sub,
            periode=periode(a),
            keuangan=Decimal(1),
            fisik=Decimal(1),
        )
        realisasi_transition(actor=a.users["operator_opd"], realisasi=report, name="submit")
        sub = activity(a.pemda, a.sub.pk)
        assert (sub.realisasi, sub.fisik) == (Decimal(40_000_000), Decimal(8))
        assert progress_history(sub) == [(1, Decimal(40_000_000), Decimal(8))]

    def test_reopen_asks_to_confirm_with_the_reports_it_concerns(self, client, world, clock):
        from django.urls import reverse

        from conftest import PASSWORD, verify_report

        a = world.a
        verify_report(a, make_report(a))
        make_report(a, sub=a.sub2)  # a draft
        clock.set("2026-03-02 09:00")
        client.login(username=a.users["admin"].username, password=PASSWORD)
        data = {"opd": a.dinkes.pk, "periode": periode(a).pk, "alasan": "Koreksi SP2D", "hari": 7}
        page = client.post(reverse("monitoring:buka-periode"), data)
        assert page.status_code == 200
        assert page.context["cakupan"] == {"total": 2, "diverifikasi": 1, "lain": 1}
        assert "1 laporan sudah diverifikasi: tetap terverifikasi" in page.text
        assert not PembukaanPeriode.objects.exists()  # nothing until confirmed
        page = client.post(
            reverse("monitoring:buka-periode"),
            {**data, "alasan": "Koreksi SP2D Jan", "konfirmasi": "1"},
        )
        assert page.status_code == 302 and PembukaanPeriode.objects.count() == 1
        assert set(Realisasi.objects.values_list("status", flat=True)) == {"diverifikasi", "draft"}
        # a verifier cannot get the confirmation screen either
        client.logout()
        client.login(username=a.users["verifikator"].username, password=PASSWORD)
        assert client.post(reverse("monitoring:buka-periode"), data).status_code == 404

    def test_a_report_under_correction_still_counts_as_handed_in_on_time(self, world, clock):
        from conftest import verify_report
        from pantau.evaluation.selectors import ketepatan_opd
        from pantau.monitoring.selectors import compliance

        a = world.a
        report = make_report(a)  # submitted on 5 February, before the 10 February cut-off
        verify_report(a, report)
        clock.set("2026-02-07 09:00")
        realisasi_transition(
            actor=a.users["operator_opd"], realisasi=report, name="correct", catatan="salah"
        )
        clock.set("2026-02-20 09:00")
        rows = {r.opd.pk: r for r in compliance(user=a.users["verifikator"], periode=periode(a))}
        assert rows[a.dinkes.pk].tepat_waktu == 1  # not "tidak melapor" during its correction
        _periode, shares = ketepatan_opd(user=a.users["pimpinan"], tahun_anggaran=a.ta)
        assert shares[a.dinkes.pk] == 50  # 1 of Dinkes' 2 sub kegiatan on time
