"""A sub kegiatan's budget stays consistent with its cash plans and with the realisation already
reported (the hand-off `planning.budget_check` / `planning.tahap_changed`).
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pantau.monitoring.services import (
    realisasi_import,
)
from pantau.planning.models import SubKegiatan
from pantau.planning.services import sub_kegiatan_update, tahun_anggaran_set_tahap

pytestmark = pytest.mark.django_db


class TestBudgetConsistency:
    def test_pagu_cannot_fall_below_realisation(self, world):
        realisasi_import(
            actor=None,
            tahun_anggaran=world.a.ta,
            rows=[
                {
                    "sub_kegiatan": world.a.sub2,
                    "bulan": 1,
                    "keuangan": Decimal(200_000_000),
                    "fisik": Decimal(10),
                }
            ],
        )
        with pytest.raises(ValidationError, match="melebihi pagu"):
            sub_kegiatan_update(
                actor=None, sub_kegiatan=world.a.sub2, pagu_murni=Decimal(100_000_000)
            )
        assert SubKegiatan.objects.get(pk=world.a.sub2.pk).pagu_murni == Decimal(300_000_000)

    def test_changed_pagu_needs_matching_plan(self, world):
        with pytest.raises(ValidationError, match="Rencana kas versi murni"):
            sub_kegiatan_update(
                actor=None, sub_kegiatan=world.a.sub, pagu_murni=Decimal(700_000_000)
            )
        rows = [(Decimal(50_000_000), Decimal(m * 8)) for m in range(1, 12)] + [
            (Decimal(150_000_000), Decimal(100))
        ]
        sub_kegiatan_update(
            actor=None,
            sub_kegiatan=world.a.sub,
            pagu_murni=Decimal(700_000_000),
            rencana={"murni": rows},
        )

    def test_switch_to_perubahan_checks_realisation(self, world):
        realisasi_import(
            actor=None,
            tahun_anggaran=world.a.ta,
            rows=[
                {
                    "sub_kegiatan": world.a.sub2,
                    "bulan": 1,
                    "keuangan": Decimal(200_000_000),
                    "fisik": Decimal(10),
                }
            ],
        )
        SubKegiatan.objects.filter(pk=world.a.sub2.pk).update(pagu_perubahan=Decimal(150_000_000))
        # an enacted APBD-P is always accepted: the sub kegiatan above its new pagu is flagged
        ta = tahun_anggaran_set_tahap(
            actor=None,
            tahun_anggaran=world.a.ta,
            tahap="perubahan",
            tanggal=dt.date(2026, 9, 30),
        )
        assert ta.tahap == "perubahan"
        from pantau.audit.models import AuditEvent
        from pantau.monitoring.budget import over_budget_codes

        assert over_budget_codes(ta) == ["1.02.02.2.01.0002"]
        event = AuditEvent.objects.get(action="tahun_anggaran.melebihi_pagu")
        assert event.changes["_summary"]["kode"] == ["1.02.02.2.01.0002"]
