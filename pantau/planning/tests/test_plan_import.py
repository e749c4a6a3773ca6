"""Regression tests for the findings of the first code review (bulk paths, budget consistency,
audit trail scoping, query parameters)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import PASSWORD
from pantau.monitoring.models import Realisasi, RealisasiIndikator
from pantau.monitoring.services import (
    realisasi_import,
    realisasi_indikator_import,
    realisasi_indikator_save,
)
from pantau.planning.choices import Rumus
from pantau.planning.imports import plan_import
from pantau.planning.models import Program, SubKegiatan
from pantau.planning.services import indikator_create, sub_kegiatan_update, tahun_anggaran_set_tahap

pytestmark = pytest.mark.django_db
TWELVE = [(Decimal(10_000_000), Decimal(m * 8)) for m in range(1, 12)] + [
    (Decimal(10_000_000), Decimal(100))
]


def tree(**sub):
    spec = {"kode": "1.03.03.2.01.0001", "pagu_murni": Decimal(120_000_000), **sub}
    return [{"kode": "1.03.03", "kegiatan": [{"kode": "1.03.03.2.01", "sub_kegiatan": [spec]}]}]


class TestPlanImport:
    @pytest.mark.parametrize(
        ("spec", "fragment"),
        [
            ({"rencana": {"xyz": TWELVE}}, "tidak dikenal"),
            ({"rencana": {"perubahan": TWELVE}}, "pagu perubahan"),
            ({"warna": "merah"}, "Kolom tidak dikenal"),
            ({"pagu_murni": "12,345"}, "desimal"),
            ({"rencana": {"murni": [(Decimal("10000000.001"), Decimal(1))] * 12}}, ""),
        ],
    )
    def test_rules_of_single_services_apply(self, world, spec, fragment):
        with pytest.raises(ValidationError) as exc:
            plan_import(
                actor=None, tahun_anggaran=world.a.ta, opd=world.a.dinkes, programs=tree(**spec)
            )
        assert fragment in " ".join(exc.value.messages)
        assert not Program.objects.filter(opd=world.a.dinkes, kode="1.03.03").exists()

    def test_duplicate_rows_are_errors_not_crashes(self, world):
        programs = tree()
        programs[0]["kegiatan"][0]["sub_kegiatan"].append(
            dict(programs[0]["kegiatan"][0]["sub_kegiatan"][0])
        )
        with pytest.raises(ValidationError, match="ganda"):
            plan_import(
                actor=None, tahun_anggaran=world.a.ta, opd=world.a.dinkes, programs=programs
            )

    def test_valid_tree_imports(self, world):
        result = plan_import(
            actor=None,
            tahun_anggaran=world.a.ta,
            opd=world.a.dinkes,
            programs=tree(rencana={"murni": TWELVE}),
        )
        assert (result.sub_kegiatan, result.rencana) == (1, 12)


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


class TestAuditAdminScope:
    def test_admin_sees_own_pemda_audit_only(self, client, world):
        from pantau.audit.models import AuditEvent
        from pantau.organisations.services import reference_admin_grant

        reference_admin_grant(actor=None, user=world.a.users["admin"])
        client.login(username="admin.a", password=PASSWORD)
        url = reverse("admin:audit_auditevent_changelist")
        page = client.get(url + f"?pemda__id__exact={world.b.pemda.pk}")
        assert "Dinkes-b" not in page.text and "Kabupaten Uji B" not in page.text
        b_event = AuditEvent.objects.filter(pemda=world.b.pemda).first()
        assert client.get(
            reverse("admin:audit_auditevent_change", args=[b_event.pk])
        ).status_code in (302, 404)


def test_unicode_digits_in_query_do_not_crash(client, world):
    client.login(username="pimpinan.a", password=PASSWORD)
    for url in (
        reverse("organisations:opd-list"),
        reverse("organisations:opd-detail", args=[world.a.dinkes.pk]),
    ):
        assert client.get(url + "?bulan=²&tahun=٣").status_code == 200
