"""A plan import leaves the roll-ups equal to a full recompute, with one refresh for the whole
file (`handoff.coalesced`), and the import's shortcut for the cash plan's figures finds exactly
what `clean_fields` finds on whole rows (decision 0021, "Performance")."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pantau.core import handoff
from pantau.evaluation import rollup
from pantau.evaluation.models import RingkasanIndikator, RingkasanOpd, RingkasanSubKegiatan
from pantau.planning import topics
from pantau.planning.imports import SKIP, rencana_value_errors
from pantau.planning.models import RencanaBulanan, SubKegiatan
from pantau.planning.tests.test_workbook import _edit, _empty_pemda, _opds, _with_indicator
from pantau.planning.workbook import RENCANA, SUB, plan_workbook
from pantau.planning.workbook_import import plan_file_import

pytestmark = pytest.mark.django_db


def _counting(monkeypatch, name):
    calls = []
    original = getattr(rollup, name)

    def counted(ids):
        ids = list(ids)
        calls.append(ids)
        return original(ids)

    monkeypatch.setattr(rollup, name, counted)
    return calls


class TestRollupsAfterImport:
    def test_import_into_empty_pemda_equals_full_recompute_with_one_refresh(
        self, world, monkeypatch
    ):
        _with_indicator(world)
        content = plan_workbook(tahun_anggaran=world.a.ta, opds=_opds(world.a.ta))
        ta = _empty_pemda()
        subs = _counting(monkeypatch, "refresh_subs")
        indicators = _counting(monkeypatch, "refresh_indicators")
        plan_file_import(actor=None, content=content, filename="r.xlsx", tahun_anggaran=ta)
        ids = sorted(SubKegiatan.objects.filter(tahun_anggaran=ta).values_list("pk", flat=True))
        assert len(set(SubKegiatan.objects.filter(pk__in=ids).values_list("opd", flat=True))) == 2
        assert subs == [ids]  # one refresh for both OPDs, not one per OPD
        assert len(indicators) == 1
        assert RingkasanSubKegiatan.objects.filter(tahun_anggaran=ta).count() == len(ids) * 24
        assert RingkasanOpd.objects.filter(tahun_anggaran=ta).count() == 2 * 24
        assert RingkasanIndikator.objects.filter(tahun_anggaran=ta).count() == 8
        assert rollup.check(pemda=ta.pemda) == []

    def test_reimport_with_changed_pagu_equals_full_recompute(self, world):
        data = plan_workbook(tahun_anggaran=world.a.ta, opds=[world.a.dinkes])
        cells = {f"{c}2": 50_000_001 for c in "DEFGHIJKLMNO"}
        data = _edit(_edit(data, SUB, {"D2": 600_000_012}), RENCANA, cells)
        plan_file_import(actor=None, content=data, filename="r.xlsx", tahun_anggaran=world.a.ta)
        world.a.sub.refresh_from_db()
        assert world.a.sub.pagu_murni == Decimal(600_000_012)
        row = RingkasanSubKegiatan.objects.get(
            sub_kegiatan=world.a.sub, dasar="dilaporkan", bulan=12
        )
        assert row.pagu == Decimal(600_000_012)
        assert rollup.check() == []

    def test_refused_import_leaves_no_rollup_rows(self, world):
        content = plan_workbook(tahun_anggaran=world.a.ta, opds=_opds(world.a.ta))
        ta = _empty_pemda()
        bad = _edit(content, SUB, {"D2": "bukan angka"})
        with pytest.raises(ValidationError):
            plan_file_import(actor=None, content=bad, filename="r.xlsx", tahun_anggaran=ta)
        assert not RingkasanSubKegiatan.objects.filter(tahun_anggaran=ta).exists()
        assert not SubKegiatan.objects.filter(tahun_anggaran=ta).exists()


class TestCoalesced:
    def test_emits_held_and_merged_once_at_the_end(self, monkeypatch):
        calls = _counting(monkeypatch, "refresh_subs")
        with handoff.coalesced():
            handoff.emit(topics.SUB_KEGIATAN_CHANGED, sub_ids=[3, 1])
            handoff.emit(topics.SUB_KEGIATAN_CHANGED, sub_ids=[2, 3])
            assert calls == []
        assert calls == [[1, 2, 3]]

    def test_nested_block_emits_at_the_outermost_end(self, monkeypatch):
        calls = _counting(monkeypatch, "refresh_subs")
        with handoff.coalesced():
            with handoff.coalesced():
                handoff.emit(topics.SUB_KEGIATAN_CHANGED, sub_ids=[5])
            assert calls == []
        assert calls == [[5]]

    def test_exception_drops_what_was_held(self, monkeypatch):
        calls = _counting(monkeypatch, "refresh_subs")
        with pytest.raises(RuntimeError), transaction.atomic(), handoff.coalesced():
            handoff.emit(topics.SUB_KEGIATAN_CHANGED, sub_ids=[7])
            raise RuntimeError
        assert calls == []
        handoff.emit(topics.SUB_KEGIATAN_CHANGED, sub_ids=[8])  # outside: at once again
        assert calls == [[8]]


FIGURES = st.decimals(
    min_value=Decimal("-1e19"), max_value=Decimal("1e19"), allow_nan=False, places=None
).filter(lambda d: d.is_finite())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kas=FIGURES, fisik=st.decimals(min_value=-1000, max_value=1000, allow_nan=False))
def test_rencana_figures_checked_as_clean_fields_checks_whole_rows(kas, fisik):
    row = RencanaBulanan(pemda_id=1, sub_kegiatan_id=1, tahap="murni", bulan=12)
    row.anggaran_kas, row.target_fisik = kas, fisik
    try:
        row.clean_fields(exclude=SKIP)
        expected: tuple = ()
    except ValidationError as exc:
        from pantau.core.errors import error_messages

        expected = tuple(error_messages(exc))
    assert rencana_value_errors(str(kas), str(fisik)) == expected


def test_rencana_figures_with_too_many_places_are_refused():
    assert rencana_value_errors("1.001", "10") != ()
    assert rencana_value_errors("1", "10.123") != ()
    assert rencana_value_errors("1.00", "10.00") == ()


def test_references_checked_once_per_value_give_clean_fields_messages(world):
    from pantau.planning.imports import _Collector

    def clean_fields_messages(obj):
        try:
            obj.clean_fields(exclude=SKIP)
            obj.clean()
        except ValidationError as exc:
            from pantau.core.errors import error_messages

            return sorted(error_messages(exc))
        return []

    sub = SubKegiatan.objects.get(pk=world.a.sub.pk)
    col = _Collector()
    col.check("x", sub)
    assert col.errors == []
    for bad in (999_999, 999_998):
        sub.sumber_dana_id = bad
        col = _Collector()
        col.check("x", sub)
        col.check("x", sub)  # the second time from the cache
        expected = clean_fields_messages(sub)
        assert expected and sorted(col.errors) == sorted(f"x: {m}" for m in expected * 2)


@pytest.mark.parametrize(
    "kas",
    [
        "0",
        "0.00",
        "0.05",
        "1E+3",
        "1E-3",
        "-1",
        "9999999999999999.99",
        "99999999999999999",
        "1.5E+15",
        "12345678901234567.8",
        "Infinity",
        "NaN",
        "abc",
    ],
)
@pytest.mark.parametrize("fisik", ["0", "100.00", "1000", "9999.99", "10000", "0.001", "-5"])
def test_rencana_figures_fast_path_agrees_with_the_fields_at_the_edges(kas, fisik):
    """The shortcut for figures that plainly fit (`_fits`) gives what the fields' own clean()
    gives, at the digit and place limits and with exponents; it relies on the fields having no
    validator but DecimalValidator."""
    from django.core.validators import DecimalValidator

    from pantau.planning.imports import _value_errors

    for name in ("anggaran_kas", "target_fisik"):
        validators = RencanaBulanan._meta.get_field(name).validators
        assert [type(v) for v in validators] == [DecimalValidator]
    try:
        expected = _value_errors.__wrapped__(kas, fisik, "id")
    except Exception:  # not a number at all: the import's reader refuses it before
        return
    assert rencana_value_errors(kas, fisik) == expected


@settings(max_examples=300, deadline=None)
@given(value=FIGURES | st.decimals(allow_nan=True, allow_infinity=True, places=None))
def test_fits_of_a_decimal_equals_fits_of_its_text(value):
    """The import asks `_fits_value` of the parsed Decimal; it answers what `_fits` answers of
    the same figure as text (the path `rencana_value_errors` takes)."""
    from pantau.planning.imports import _FISIK, _KAS, _fits, _fits_value

    for f in (_KAS, _FISIK):
        assert _fits_value(value, f) == _fits(str(value), f)


class TestReferencesCheckedOncePerFile:
    def test_collectors_share_answers_only_inside_the_block(self, world, monkeypatch):
        from django.db.models import ForeignKey

        from pantau.planning.imports import _Collector, references_checked_once

        calls = []
        original = ForeignKey.validate

        def counted(self, value, instance):
            calls.append(self.name)
            return original(self, value, instance)

        monkeypatch.setattr(ForeignKey, "validate", counted)
        sub = SubKegiatan.objects.get(pk=world.a.sub.pk)
        sub.sumber_dana_id = 999_999
        with references_checked_once():
            first, second = _Collector(), _Collector()  # two OPDs' plan_import in one file
            first.check("x", sub)
            second.check("x", sub)
        assert calls == ["sumber_dana"]
        assert first.errors == second.errors != []
        _Collector().check("x", sub)  # outside a block: asked again
        assert calls == ["sumber_dana", "sumber_dana"]

    def test_file_import_asks_each_value_once_for_all_opds(self, world, monkeypatch):
        from django.db.models import ForeignKey

        from pantau.planning import services as ps

        sd = ps.sumber_dana_create(actor=None, kode="PAD", nama="Pendapatan Asli Daerah")
        for sub in (world.a.sub, world.a.sub_pupr):  # dinkes and pupr: two plan_import calls
            ps.sub_kegiatan_update(actor=None, sub_kegiatan=sub, sumber_dana=sd)
        content = plan_workbook(tahun_anggaran=world.a.ta, opds=_opds(world.a.ta))
        ta = _empty_pemda()
        calls = []
        original = ForeignKey.validate

        def counted(self, value, instance):
            if self.name == "sumber_dana" and value == sd.pk:
                calls.append(type(instance).__name__)
            return original(self, value, instance)

        monkeypatch.setattr(ForeignKey, "validate", counted)
        plan_file_import(actor=None, content=content, filename="r.xlsx", tahun_anggaran=ta)
        assert calls == ["SubKegiatan"]  # once for the file, not once per OPD
        assert set(
            SubKegiatan.objects.filter(tahun_anggaran=ta).values_list("sumber_dana", flat=True)
        ) >= {sd.pk}
        assert rollup.check(pemda=ta.pemda) == []
