"""The plan import (`planning.imports.plan_import`): the rules of the single services, all rows or
none.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pantau.planning.imports import plan_import
from pantau.planning.models import Program

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _dinkes_holds_pu_too(world):
    """`tree()` puts a PU program (1.03.03) into the Dinkes: here it holds both bidang urusan
    (the bidang-urusan rule itself is tested in test_bidang_urusan.py)."""
    world.a.dinkes.bidang_urusan = "1.02; 1.03"
    world.a.dinkes.save(update_fields=["bidang_urusan"])


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
