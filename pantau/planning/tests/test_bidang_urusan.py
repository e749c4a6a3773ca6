"""The bidang-urusan rule (issue 11 §3, docs/domain.md §3.3 and §4): a program, and with it its
kegiatan and sub kegiatan, belongs to a bidang urusan the OPD holds; cross-urusan codes (X.XX) are
allowed for every OPD; an OPD without recorded bidang urusan is not restricted. The rule lives in
`planning/validation.py`, so the service, the bulk import, the screen and the SIPD reader obey it."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from conftest import YEAR
from pantau.audit.models import AuditEvent
from pantau.planning import services as ps
from pantau.planning.imports import plan_import
from pantau.planning.models import Program
from pantau.planning.validation import bidang_urusan_error, opd_bidang_urusan

pytestmark = pytest.mark.django_db


def _opd(bidang, singkatan="Dinkes"):
    return SimpleNamespace(bidang_urusan=bidang, singkatan=singkatan, nama=singkatan)


class TestRule:
    @pytest.mark.parametrize(
        ("bidang", "expected"),
        [
            ("2.16; 2.20; 2.21", ["2.16", "2.20", "2.21"]),
            ("1.02 Kesehatan", ["1.02"]),
            ("2.16,2.20", ["2.16", "2.20"]),
            ("", []),
        ],
    )
    def test_the_bidang_of_an_opd(self, bidang, expected):
        assert opd_bidang_urusan(_opd(bidang)) == expected

    @pytest.mark.parametrize(
        ("kode", "bidang", "allowed"),
        [
            ("1.02.02", "1.02", True),
            ("1.02.02.2.01.0001", "1.02", True),
            ("2.20.02", "2.16; 2.20; 2.21", True),
            ("1.03.03", "1.02", False),
            ("1.03.03.2.01.0001", "1.02", False),
            ("X.XX.01", "1.02", True),
            ("x.xx.02.2.01.0002", "2.16", True),
            ("1.03.03", "", True),
            ("1.021.03", "1.02", False),
        ],
    )
    def test_allowed_codes(self, kode, bidang, allowed):
        assert (bidang_urusan_error(kode, _opd(bidang)) is None) is allowed

    def test_the_message_names_code_bidang_and_opd_in_both_languages(self):
        message = bidang_urusan_error("1.03.03", _opd("1.02"))
        assert message == (
            "Kode 1.03.03 berada di bidang urusan 1.03, di luar bidang urusan Dinkes (1.02)."
        )
        with translation.override("en"):
            english = bidang_urusan_error("1.03.03", _opd("1.02"))
        assert english != message and "1.03" in english and "Dinkes" in english


class TestServices:
    def test_program_outside_the_bidang_is_refused_and_nothing_is_written(self, world):
        a = world.a
        events = AuditEvent.objects.count()
        with pytest.raises(ValidationError, match="di luar bidang urusan Dinkes-a"):
            ps.program_create(actor=None, tahun_anggaran=a.ta, opd=a.dinkes, kode="1.03.03")
        assert not Program.objects.filter(opd=a.dinkes, kode="1.03.03").exists()
        assert AuditEvent.objects.count() == events

    def test_an_opd_holding_both_bidang_may_have_it(self, world):
        a = world.a
        a.dinkes.bidang_urusan = "1.02; 1.03"
        a.dinkes.save(update_fields=["bidang_urusan"])
        program = ps.program_create(actor=None, tahun_anggaran=a.ta, opd=a.dinkes, kode="1.03.03")
        assert ps.kegiatan_create(actor=None, program=program, kode="1.03.03.2.01").pk

    def test_plan_import_obeys_the_same_rule_and_writes_nothing(self, world):
        a = world.a
        programs = [
            {"kode": "1.02.02", "kegiatan": []},
            {"kode": "1.03.03", "kegiatan": [{"kode": "1.03.03.2.01", "sub_kegiatan": []}]},
        ]
        with pytest.raises(ValidationError) as exc:
            plan_import(actor=None, tahun_anggaran=a.ta, opd=a.dinkes, programs=programs)
        assert any("di luar bidang urusan Dinkes-a (1.02)" in m for m in exc.value.messages)
        assert not Program.objects.filter(opd=a.dinkes, kode="1.03.03").exists()

    def test_existing_plans_of_both_pemdas_satisfy_the_rule(self, world):
        for program in Program.objects.select_related("opd"):
            assert bidang_urusan_error(program.kode, program.opd) is None


class TestScreen:
    def _login(self, client, world, role="operator_opd", tenant="a"):
        client.force_login(getattr(world, tenant).users[role])
        return client

    def test_the_search_lists_only_programs_of_the_opds_bidang(self, client, world):
        a = world.a
        c = self._login(client, world, "admin")
        r = c.get(reverse("planning:tambah", args=[a.dinkes.pk, YEAR]), {"tingkat": "program"})
        assert r.status_code == 200 and "1.03.03" not in r.content.decode()

    @pytest.mark.parametrize("role", ["operator_opd", "kepala_opd", "admin"])
    def test_adding_outside_the_bidang_shows_the_message_and_writes_nothing(
        self, client, world, role
    ):
        a = world.a
        c = self._login(client, world, role)
        r = c.post(
            reverse("planning:tambah", args=[a.dinkes.pk, YEAR]),
            {"tingkat": "program", "kode": "1.03.03"},
        )
        assert r.status_code == 400
        assert "di luar bidang urusan Dinkes-a" in r.content.decode()
        assert not Program.objects.filter(opd=a.dinkes, kode="1.03.03").exists()

    @pytest.mark.parametrize(("role", "tenant"), [("operator_opd", "a"), ("admin", "b")])
    def test_another_opd_or_pemda_is_not_found(self, client, world, role, tenant):
        a = world.a
        c = self._login(client, world, role, tenant)
        url = reverse("planning:tambah", args=[a.pupr.pk, YEAR])
        assert c.get(url, {"tingkat": "program"}).status_code == 404
        assert c.post(url, {"tingkat": "program", "kode": "1.03.03"}).status_code == 404
