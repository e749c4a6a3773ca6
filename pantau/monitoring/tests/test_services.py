import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pantau.audit.models import AuditEvent
from pantau.monitoring.models import (
    PeriodeLaporan,
    Realisasi,
    RealisasiIndikator,
    default_batas_waktu,
)
from pantau.monitoring.services import (
    realisasi_import,
    realisasi_indikator_save,
    realisasi_save,
)
from pantau.planning.choices import Rumus
from pantau.planning.services import indikator_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _early_february(clock):
    clock.set("2026-02-05 10:00")  # January's period is open (cut-off 10 February)


def periode(world_tenant, bulan):
    return PeriodeLaporan.objects.get(tahun_anggaran=world_tenant.ta, bulan=bulan)


class TestPeriods:
    def test_year_opens_with_twelve_periods_and_cutoffs(self, world):
        periods = PeriodeLaporan.objects.filter(tahun_anggaran=world.a.ta).order_by("bulan")
        assert periods.count() == 12
        assert periods[0].batas_waktu == dt.date(2026, 2, 10)
        assert periods[11].batas_waktu == dt.date(2027, 1, 10)  # December's report is due next year

    def test_cutoff_clamped_to_month_length(self):
        assert default_batas_waktu(2026, 1, 31) == dt.date(2026, 2, 28)


class TestRealisasiSave:
    def test_create_then_update_audited_field_level(self, world):
        r = realisasi_save(
            actor=world.a.users["operator_opd"],
            sub_kegiatan=world.a.sub,
            periode=periode(world.a, 1),
            keuangan="45.000.000",
            fisik="7,5",
        )
        assert (r.keuangan, r.fisik, r.status) == (Decimal(45_000_000), Decimal("7.5"), "draft")
        realisasi_save(
            actor=world.a.users["operator_opd"],
            sub_kegiatan=world.a.sub,
            periode=periode(world.a, 1),
            keuangan=Decimal(46_000_000),
            fisik=Decimal("7.5"),
        )
        event = AuditEvent.objects.get(action="realisasi.update")
        assert event.changes == {"keuangan": ["45000000", "46000000"]}
        assert event.actor_label == "operator_opd.a"
        assert event.opd_id == world.a.dinkes.pk

    @pytest.mark.parametrize("fisik", [Decimal("-0.01"), Decimal("100.01"), Decimal(150)])
    def test_fisik_outside_0_100_refused(self, world, fisik):
        with pytest.raises(ValidationError) as exc:
            realisasi_save(
                actor=None,
                sub_kegiatan=world.a.sub,
                periode=periode(world.a, 1),
                keuangan=Decimal(0),
                fisik=fisik,
            )
        assert "antara 0 dan 100" in " ".join(exc.value.messages)
        assert Realisasi.objects.count() == 0

    def test_cumulative_above_pagu_refused(self, world):
        realisasi_save(
            actor=None,
            sub_kegiatan=world.a.sub,
            periode=periode(world.a, 1),
            keuangan=Decimal(500_000_000),
            fisik=Decimal(50),
        )
        with pytest.raises(ValidationError) as exc:
            realisasi_save(
                actor=None,
                sub_kegiatan=world.a.sub,
                periode=periode(world.a, 2),
                keuangan=Decimal("100000000.01"),
                fisik=Decimal(60),
            )
        assert "melebihi pagu" in exc.value.messages[0]
        assert "Rp 600.000.000" in exc.value.messages[0]
        assert Realisasi.objects.count() == 1
        # exactly the pagu is fine
        realisasi_save(
            actor=None,
            sub_kegiatan=world.a.sub,
            periode=periode(world.a, 2),
            keuangan=Decimal(100_000_000),
            fisik=Decimal(60),
        )

    @pytest.mark.parametrize("value", ["1,250,000", "satu juta", 1.5, None])
    def test_bad_number_formats_refused(self, world, value):
        with pytest.raises(ValidationError):
            realisasi_save(
                actor=None,
                sub_kegiatan=world.a.sub,
                periode=periode(world.a, 1),
                keuangan=value,
                fisik=Decimal(1),
            )
        assert Realisasi.objects.count() == 0

    def test_period_of_other_pemda_refused(self, world):
        with pytest.raises(ValidationError):
            realisasi_save(
                actor=None,
                sub_kegiatan=world.a.sub,
                periode=periode(world.b, 1),
                keuangan=Decimal(1),
                fisik=Decimal(1),
            )

    def test_verified_report_is_locked(self, world):
        r = realisasi_save(
            actor=None,
            sub_kegiatan=world.a.sub,
            periode=periode(world.a, 1),
            keuangan=Decimal(1),
            fisik=Decimal(1),
        )
        Realisasi.objects.filter(pk=r.pk).update(status="diverifikasi")
        with pytest.raises(ValidationError) as exc:
            realisasi_save(
                actor=None,
                sub_kegiatan=world.a.sub,
                periode=periode(world.a, 1),
                keuangan=Decimal(2),
                fisik=Decimal(1),
            )
        assert "tidak dapat diubah" in exc.value.messages[0]


class TestRealisasiImport:
    def test_all_or_nothing(self, world):
        rows = [
            {
                "sub_kegiatan": world.a.sub,
                "bulan": 1,
                "keuangan": Decimal(300_000_000),
                "fisik": Decimal(10),
            },
            {
                "sub_kegiatan": world.a.sub,
                "bulan": 2,
                "keuangan": Decimal(300_000_000),
                "fisik": Decimal(20),
            },
            {"sub_kegiatan": world.a.sub, "bulan": 3, "keuangan": Decimal(1), "fisik": Decimal(30)},
        ]
        with pytest.raises(ValidationError) as exc:
            realisasi_import(actor=None, tahun_anggaran=world.a.ta, rows=rows)
        assert "bulan 3" in exc.value.messages[0] and "melebihi pagu" in exc.value.messages[0]
        assert Realisasi.objects.count() == 0
        assert realisasi_import(actor=None, tahun_anggaran=world.a.ta, rows=rows[:2]) == 2
        assert AuditEvent.objects.filter(action="realisasi.import").count() == 1

    def test_duplicate_month_refused(self, world):
        row = {"sub_kegiatan": world.a.sub, "bulan": 1, "keuangan": Decimal(1), "fisik": Decimal(1)}
        with pytest.raises(ValidationError):
            realisasi_import(actor=None, tahun_anggaran=world.a.ta, rows=[row, dict(row)])


class TestIndikatorValues:
    def test_persentase_cannot_decrease(self, world):
        ind = indikator_create(
            actor=None,
            induk=world.a.sub,
            nama="Cakupan",
            satuan="%",
            rumus=Rumus.PERSENTASE,
            target_tahunan=Decimal(90),
        )
        realisasi_indikator_save(actor=None, indikator=ind, periode=periode(world.a, 3), nilai="40")
        with pytest.raises(ValidationError) as exc:
            realisasi_indikator_save(
                actor=None, indikator=ind, periode=periode(world.a, 6), nilai="35"
            )
        assert "tidak boleh turun" in exc.value.messages[0]
        assert RealisasiIndikator.objects.count() == 1

    def test_tren_positif_not_negative(self, world):
        ind = indikator_create(
            actor=None,
            induk=world.a.sub,
            nama="Jumlah",
            satuan="unit",
            rumus=Rumus.TREN_POSITIF,
            target_tahunan=Decimal(4),
        )
        with pytest.raises(ValidationError):
            realisasi_indikator_save(
                actor=None, indikator=ind, periode=periode(world.a, 3), nilai=-1
            )
        obj = realisasi_indikator_save(
            actor=None, indikator=ind, periode=periode(world.a, 3), nilai=1
        )
        assert AuditEvent.objects.filter(
            action="realisasi_indikator.create", object_id=str(obj.pk)
        ).exists()
