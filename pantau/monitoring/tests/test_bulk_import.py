"""The bulk imports of monthly reports and indicator values: the rules of the single services,
errors collected, all rows or none.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pantau.monitoring.models import Realisasi, RealisasiIndikator
from pantau.monitoring.services import (
    realisasi_import,
    realisasi_indikator_import,
    realisasi_indikator_save,
)
from pantau.planning.choices import Rumus
from pantau.planning.services import indikator_create

pytestmark = pytest.mark.django_db


class TestRealisasiImport:
    def test_status_only_on_historical_load(self, world):
        row = {
            "sub_kegiatan": world.a.sub,
            "bulan": 1,
            "keuangan": Decimal(1),
            "fisik": Decimal(1),
            "status": "diverifikasi",
        }
        realisasi_import(actor=None, tahun_anggaran=world.a.ta, rows=[row])
        assert Realisasi.objects.get().status == "draft"

    def test_bad_values_collected_not_rounded(self, world):
        rows = [
            {"sub_kegiatan": world.a.sub, "bulan": 1, "keuangan": "1.000,005", "fisik": Decimal(1)},
            {"sub_kegiatan": world.a.sub, "bulan": 2, "keuangan": "abc", "fisik": Decimal(1)},
            {"sub_kegiatan": world.a.sub, "bulan": 13, "keuangan": Decimal(1), "fisik": Decimal(1)},
            {"sub_kegiatan": world.b.sub, "bulan": 3, "keuangan": Decimal(1), "fisik": Decimal(1)},
        ]
        with pytest.raises(ValidationError) as exc:
            realisasi_import(actor=None, tahun_anggaran=world.a.ta, rows=rows)
        assert len(exc.value.messages) == 4
        assert not Realisasi.objects.exists()


class TestIndicatorImport:
    def make(self, tenant, rumus=Rumus.PERSENTASE):
        return indikator_create(
            actor=None,
            induk=tenant.sub,
            nama="Cakupan",
            satuan="%",
            rumus=rumus,
            target_tahunan=Decimal(90),
        )

    def test_other_pemda_indicator_refused(self, world):
        ind_b = self.make(world.b)
        with pytest.raises(ValidationError, match="bukan milik"):
            realisasi_indikator_import(
                actor=None,
                tahun_anggaran=world.a.ta,
                rows=[{"indikator": ind_b, "bulan": 3, "nilai": 10}],
            )
        assert not RealisasiIndikator.objects.exists()

    def test_stored_values_count_for_monotonic_rule(self, world):
        ind = self.make(world.a)
        realisasi_indikator_import(
            actor=None,
            tahun_anggaran=world.a.ta,
            rows=[{"indikator": ind, "bulan": 3, "nilai": 40}],
        )
        with pytest.raises(ValidationError, match="tidak boleh turun"):
            realisasi_indikator_import(
                actor=None,
                tahun_anggaran=world.a.ta,
                rows=[{"indikator": ind, "bulan": 6, "nilai": 10}],
            )
        with pytest.raises(ValidationError, match="sudah ada"):
            realisasi_indikator_import(
                actor=None,
                tahun_anggaran=world.a.ta,
                rows=[{"indikator": ind, "bulan": 3, "nilai": 50}],
            )

    def test_editing_earlier_month_cannot_exceed_later(self, world, clock):
        from pantau.monitoring.models import PeriodeLaporan

        ind = self.make(world.a)
        p3, p6 = (PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=b) for b in (3, 6))
        realisasi_indikator_save(actor=None, indikator=ind, periode=p6, nilai=40)
        with pytest.raises(ValidationError, match="periode berikutnya"):
            realisasi_indikator_save(actor=None, indikator=ind, periode=p3, nilai=80)
