"""Reporting periods: rules judged at the report's month, the cut-off, reopening and compliance."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pantau.monitoring.models import PeriodeLaporan, Realisasi
from pantau.monitoring.services import (
    periode_reopen,
    realisasi_save,
    realisasi_transition,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _february(clock):
    clock.set("2026-02-05 10:00")


def jan(tenant):
    return PeriodeLaporan.objects.select_related("tahun_anggaran").get(
        tahun_anggaran=tenant.ta, bulan=1
    )


def test_gap_warning_judged_at_the_reports_month(world, clock):
    op = world.a.users["operator_opd"]
    r1 = realisasi_save(
        actor=op,
        sub_kegiatan=world.a.sub,
        periode=jan(world.a),
        keuangan=Decimal(40_000_000),
        fisik=Decimal(8),
    )
    realisasi_transition(actor=op, realisasi=r1, name="submit")
    realisasi_transition(actor=world.a.users["kepala_opd"], realisasi=r1, name="approve")
    clock.set("2026-03-02 10:00")
    feb = PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=2)
    realisasi_save(
        actor=op,
        sub_kegiatan=world.a.sub,
        periode=feb,
        keuangan=Decimal(300_000_000),
        fisik=Decimal(9),
        penjelasan="Uang muka",
    )
    realisasi_transition(
        actor=world.a.users["verifikator"], realisasi=r1, name="verify"
    )  # February ignored
    r1.refresh_from_db()
    assert r1.status == "diverifikasi" and r1.peringatan == []


def test_submit_after_cutoff_refused_but_returned_report_allowed(world, clock):
    op = world.a.users["operator_opd"]
    r = realisasi_save(
        actor=op,
        sub_kegiatan=world.a.sub,
        periode=jan(world.a),
        keuangan=Decimal(1),
        fisik=Decimal(1),
    )
    clock.set("2026-03-20 10:00")
    with pytest.raises(ValidationError, match="sudah ditutup"):
        realisasi_transition(actor=op, realisasi=r, name="submit")
    Realisasi.objects.filter(pk=r.pk).update(status="dikembalikan")
    realisasi_transition(actor=op, realisasi=r, name="submit")


def test_reopen_changes_no_report(world, clock):
    op = world.a.users["operator_opd"]
    a = realisasi_save(
        actor=op,
        sub_kegiatan=world.a.sub,
        periode=jan(world.a),
        keuangan=Decimal(1),
        fisik=Decimal(1),
    )
    b = realisasi_save(
        actor=op,
        sub_kegiatan=world.a.sub2,
        periode=jan(world.a),
        keuangan=Decimal(1),
        fisik=Decimal(1),
    )
    Realisasi.objects.filter(pk=a.pk).update(status="diverifikasi")
    Realisasi.objects.filter(pk=b.pk).update(status="disetujui")
    clock.set("2026-03-01 10:00")
    periode_reopen(
        actor=world.a.users["admin"],
        periode=jan(world.a),
        opd=world.a.dinkes,
        alasan="Koreksi SP2D Januari yang salah input",
    )
    assert dict(Realisasi.objects.values_list("pk", "status")) == {
        a.pk: "diverifikasi",  # verified stays verified (issue 9 §1.9)
        b.pk: "disetujui",
    }


def test_compliance_counts_returned_reports_as_not_in(world, clock):
    from pantau.monitoring.selectors import compliance

    op = world.a.users["operator_opd"]
    r = realisasi_save(
        actor=op,
        sub_kegiatan=world.a.sub,
        periode=jan(world.a),
        keuangan=Decimal(1),
        fisik=Decimal(1),
    )
    realisasi_transition(actor=op, realisasi=r, name="submit")
    realisasi_transition(
        actor=world.a.users["kepala_opd"], realisasi=r, name="return_opd", catatan="Perbaiki"
    )
    clock.set("2026-02-20 10:00")
    row = next(
        x
        for x in compliance(user=world.a.users["verifikator"], periode=jan(world.a))
        if x.opd == world.a.dinkes
    )
    assert (row.tepat_waktu, row.tidak_ada) == (0, 2)
