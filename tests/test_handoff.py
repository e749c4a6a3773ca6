"""The hand-off between layers (pantau.core.handoff, decision 0018): every topic has exactly the
subscribers it is meant to have, the roll-ups are current after every service that emits, an
emit inside a rolled-back transaction leaves no trace, and notices follow only a commit."""

import ast
import datetime as dt
import importlib
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from conftest import verify_report
from pantau.core import handoff
from pantau.evaluation import rollup

ROOT = Path(__file__).resolve().parent.parent
EV = "pantau.evaluation.subscribers"
EXPECTED = {
    "organisations.pemda_hosts_changed": {
        "immediate": ["pantau.opendata.public.forget_hosts"],
        "after_commit": ["pantau.opendata.public.forget_hosts"],
    },
    "organisations.pemda_thresholds_changed": {
        "immediate": [f"{EV}.thresholds_changed"],
        "after_commit": [],
    },
    "planning.sub_kegiatan_changed": {"immediate": [f"{EV}.subs_changed"], "after_commit": []},
    "planning.indikator_changed": {"immediate": [f"{EV}.indicators_changed"], "after_commit": []},
    "planning.tahap_changed": {
        "immediate": ["pantau.monitoring.budget.audit_over_budget", f"{EV}.tahap_changed"],
        "after_commit": [],
    },
    "planning.budget_check": {
        "immediate": ["pantau.monitoring.budget.realised_beyond_pagu"],
        "after_commit": [],
    },
    "planning.plan_removed": {"immediate": [f"{EV}.plan_removed"], "after_commit": []},
    "planning.dokumen_transition": {
        "immediate": [],
        "after_commit": ["pantau.notifications.services.notify_dokumen"],
    },
    "monitoring.reports_changed": {"immediate": [f"{EV}.reports_changed"], "after_commit": []},
    "monitoring.indicator_values_changed": {
        "immediate": [f"{EV}.indicators_changed"],
        "after_commit": [],
    },
    "monitoring.transition_done": {
        "immediate": [],
        "after_commit": ["pantau.notifications.services.notify_transition"],
    },
    "monitoring.reports_verified_in_bulk": {
        "immediate": [],
        "after_commit": ["pantau.notifications.services.notify_bulk_verify"],
    },
    "monitoring.period_reopened": {
        "immediate": [],
        "after_commit": ["pantau.notifications.services.notify_reopen"],
    },
}


def _emit_sites() -> dict[str, set[str]]:
    """Topic name -> the services that emit (or collect) it, read from the source: the first
    argument of every `handoff.emit` / `handoff.collect` is `topics.NAME` of the app's own
    topics module."""
    sites: dict[str, set[str]] = {}
    for path in sorted((ROOT / "pantau").rglob("*.py")):
        if "tests" in path.parts:
            continue
        app = path.relative_to(ROOT / "pantau").parts[0]
        for func in ast.walk(ast.parse(path.read_text())):
            if not isinstance(func, ast.FunctionDef):
                continue
            for node in ast.walk(func):
                if not (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in {"emit", "collect"}
                    and getattr(node.func.value, "id", "") == "handoff"
                ):
                    continue
                arg = node.args[0]
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                assert (
                    isinstance(arg, ast.Attribute) and getattr(arg.value, "id", "") == "topics"
                ), f"{where}: emit a constant of the app's topics module"
                name = getattr(importlib.import_module(f"pantau.{app}.topics"), arg.attr)
                sites.setdefault(name, set()).add(func.name)
    return sites


def test_every_topic_has_exactly_the_expected_subscribers():
    assert set(handoff.topics()) == set(EXPECTED)
    for name, expected in EXPECTED.items():
        assert handoff.subscribers(name) == expected, name


def test_every_declared_topic_is_emitted_and_every_emit_is_declared():
    assert set(_emit_sites()) == set(handoff.topics())


def test_an_undeclared_topic_is_an_error():
    with pytest.raises(LookupError):
        handoff.emit("planning.sub_kegiatan_chagned", sub_ids=[1])
    with pytest.raises(LookupError):
        handoff.subscribe("monitoring.no_such_topic", print)


# --- roll-ups current after every service that emits ---------------------------------------


def _indicator(world):
    from pantau.planning.choices import Rumus
    from pantau.planning.services import indikator_create

    t = Decimal(10)
    return indikator_create(
        actor=None,
        induk=world.a.sub,
        nama="Jumlah puskesmas yang dibangun",
        satuan="unit",
        rumus=Rumus.TREN_POSITIF,
        target_tahunan=4 * t,
        target_tw1=t,
        target_tw2=t,
        target_tw3=t,
        target_tw4=t,
    )


def _verified_january(world):
    from pantau.monitoring.services import realisasi_import

    realisasi_import(
        actor=None,
        tahun_anggaran=world.a.ta,
        historical=True,
        rows=[
            {
                "sub_kegiatan": world.a.sub2,
                "bulan": 1,
                "keuangan": Decimal(20_000_000),
                "fisik": Decimal(1),
                "status": "diverifikasi",
            }
        ],
    )


def _s_sub_kegiatan_create(world, clock):
    from pantau.planning.services import sub_kegiatan_create

    sub_kegiatan_create(
        actor=None,
        kegiatan=world.a.kegiatan,
        kode="1.02.02.2.01.0003",
        pagu_murni=Decimal(50_000_000),
    )


def _s_sub_kegiatan_update(world, clock):
    from pantau.planning.services import sub_kegiatan_update

    sub_kegiatan_update(actor=None, sub_kegiatan=world.a.sub2, pagu_murni=Decimal(350_000_000))


def _s_rencana_set(world, clock):
    from pantau.planning.services import rencana_set

    rows = [(Decimal(25_000_000), Decimal(m * 8)) for m in range(1, 13)]
    rencana_set(actor=None, sub_kegiatan=world.a.sub2, tahap="murni", rows=rows)


def _s_indikator_create(world, clock):
    _indicator(world)


def _s_indikator_update(world, clock):
    from pantau.planning.services import indikator_update

    indikator_update(
        actor=None,
        indikator=_indicator(world),
        target_tahunan=Decimal(50),
        target_tw4=Decimal(20),
    )


def _s_tahun_anggaran_set_tahap(world, clock):
    from pantau.planning.models import SubKegiatan
    from pantau.planning.services import tahun_anggaran_set_tahap

    _verified_january(world)
    SubKegiatan.objects.filter(pk=world.a.sub2.pk).update(pagu_perubahan=Decimal(10_000_000))
    tahun_anggaran_set_tahap(
        actor=None, tahun_anggaran=world.a.ta, tahap="perubahan", tanggal=dt.date(2026, 1, 15)
    )


def _s_plan_import(world, clock):
    from pantau.planning.imports import plan_import

    spec = {"kode": "1.03.03.2.01.0001", "pagu_murni": Decimal(120_000_000)}
    tree = [{"kode": "1.03.03", "kegiatan": [{"kode": "1.03.03.2.01", "sub_kegiatan": [spec]}]}]
    plan_import(actor=None, tahun_anggaran=world.a.ta, opd=world.a.pupr, programs=tree)


def _s_dokumen_transition(world, clock):
    from pantau.planning.services_dokumen import (
        dokumen_create,
        dokumen_revisi_open,
        dokumen_transition,
        dokumen_usulan_set,
    )

    a = world.a
    doc = dokumen_create(actor=None, tahun_anggaran=a.ta, opd=a.dinkes)
    for name in ("ajukan", "validasi", "kunci"):
        doc = dokumen_transition(actor=None, dokumen=doc, name=name)
    doc = dokumen_revisi_open(actor=None, dokumen=doc, jenis="perubahan")
    rows = [(Decimal(30_000_000), Decimal(m * 8)) for m in range(1, 12)]
    rows.append((Decimal(30_000_000), Decimal(100)))
    dokumen_usulan_set(
        actor=None, dokumen=doc, sub_kegiatan=a.sub2, pagu=Decimal(360_000_000), rows=rows
    )
    for name in ("ajukan", "validasi", "kunci"):  # applied on locking: the roll-ups follow
        doc = dokumen_transition(actor=None, dokumen=doc, name=name)


def _s_sub_kegiatan_delete(world, clock):
    from pantau.planning.services_hapus import sub_kegiatan_delete

    sub_kegiatan_delete(actor=None, sub_kegiatan=world.a.sub2)


def _s_kegiatan_delete(world, clock):
    from pantau.planning.services_hapus import kegiatan_delete, sub_kegiatan_delete

    sub_kegiatan_delete(actor=None, sub_kegiatan=world.a.sub_pupr)
    kegiatan_delete(actor=None, kegiatan=world.a.sub_pupr.kegiatan)


def _s_program_delete(world, clock):
    from pantau.planning.services_hapus import program_delete

    _s_kegiatan_delete(world, clock)
    program_delete(actor=None, program=world.a.sub_pupr.kegiatan.program)


def _s_indikator_delete(world, clock):
    from pantau.planning.services_hapus import indikator_delete

    indikator_delete(actor=None, indikator=_indicator(world))


def _s_realisasi_import(world, clock):
    _verified_january(world)


def _s_realisasi_workbook_import(world, clock):
    import io

    from openpyxl import Workbook

    from pantau.monitoring.services_workbook import realisasi_workbook_import
    from pantau.monitoring.workbook import INDIKATOR_COLUMNS, REALISASI_COLUMNS

    clock.set("2026-02-05 10:00")
    _indicator(world)

    def workbook(keuangan, nilai):
        book = Workbook()
        book.active.title = "Realisasi"
        book.active.append([h for _k, h in REALISASI_COLUMNS])
        opd, sub = world.a.dinkes.kode, world.a.sub.kode
        book.active.append([opd, sub, "", None, "Januari", keuangan, 5, None, None])
        sheet = book.create_sheet("Indikator")
        sheet.append([h for _k, h in INDIKATOR_COLUMNS])
        sheet.append([opd, sub, "Jumlah puskesmas yang dibangun", "unit", "Januari", nilai, None])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    for keuangan, nilai in ((30_000_000, 1), (35_000_000, 2)):  # new, then changed drafts
        result = realisasi_workbook_import(
            workbook(keuangan, nilai),
            "r.xlsx",
            actor=world.a.users["operator_opd"],
            tahun_anggaran=world.a.ta,
            opd=world.a.dinkes,
        )
        assert result.applied, result.errors


def _s_realisasi_transition(world, clock):
    from pantau.monitoring.models import PeriodeLaporan
    from pantau.monitoring.services import realisasi_save

    clock.set("2026-02-05 10:00")
    report = realisasi_save(
        actor=world.a.users["operator_opd"],
        sub_kegiatan=world.a.sub,
        periode=PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=1),
        keuangan=Decimal(30_000_000),
        fisik=Decimal(5),
    )
    verify_report(world.a, report)


def _s_realisasi_verify_bulk(world, clock):
    from pantau.monitoring.models import PeriodeLaporan, Realisasi
    from pantau.monitoring.queues import version_token
    from pantau.monitoring.services import realisasi_save, realisasi_transition
    from pantau.monitoring.services_antrian import realisasi_verify_bulk

    clock.set("2026-02-05 10:00")
    report = realisasi_save(
        actor=world.a.users["operator_opd"],
        sub_kegiatan=world.a.sub,
        periode=PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=1),
        keuangan=Decimal(30_000_000),
        fisik=Decimal(5),
    )
    realisasi_transition(actor=world.a.users["operator_opd"], realisasi=report, name="submit")
    realisasi_transition(actor=world.a.users["kepala_opd"], realisasi=report, name="approve")
    report = Realisasi.objects.get(pk=report.pk)
    [result] = realisasi_verify_bulk(
        actor=world.a.users["verifikator"], items=[(report.pk, version_token(report))]
    )
    assert result.ok


def _s_realisasi_indikator_save(world, clock):
    from pantau.monitoring.models import PeriodeLaporan
    from pantau.monitoring.services import realisasi_indikator_save

    clock.set("2026-07-03 09:00")
    june = PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=6)
    realisasi_indikator_save(
        actor=None, indikator=_indicator(world), periode=june, nilai=Decimal(15)
    )


def _s_realisasi_indikator_import(world, clock):
    from pantau.monitoring.services import realisasi_indikator_import

    rows = [{"indikator": _indicator(world), "bulan": 3, "nilai": 10}]
    realisasi_indikator_import(actor=None, tahun_anggaran=world.a.ta, rows=rows)


def _s_pemda_update(world, clock):
    from pantau.organisations.services import pemda_update

    _verified_january(world)
    pemda_update(actor=None, pemda=world.a.pemda, kritis_deviasi_awal=Decimal(0))
    pemda_update(actor=None, pemda=world.a.pemda, domain_publik="data.example.test")


def _s_pemda_create(world, clock):
    from pantau.organisations.services import pemda_create

    pemda_create(actor=None, kode="74.02", nama="Kabupaten Uji C")


def _s_periode_reopen(world, clock):
    from pantau.monitoring.models import PeriodeLaporan
    from pantau.monitoring.services import periode_reopen

    clock.set("2026-03-20 09:00")
    periode_reopen(
        actor=world.a.users["admin"],
        periode=PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=1),
        opd=world.a.dinkes,
        alasan="Koreksi angka SP2D bulan Januari",
    )


def _s_budget_consistency_errors(world, clock):
    from pantau.planning.services import budget_consistency_errors

    assert budget_consistency_errors(world.a.sub2) == []


SCENARIOS = {
    name.removeprefix("_s_"): fn for name, fn in list(globals().items()) if name.startswith("_s_")
}


def test_every_emitting_service_has_a_scenario():
    emitting = set().union(*_emit_sites().values())
    assert emitting == set(SCENARIOS)


@pytest.mark.django_db
@pytest.mark.parametrize("service", sorted(SCENARIOS))
def test_rollups_are_current_after_every_emitting_service(world, clock, service):
    SCENARIOS[service](world, clock)
    assert rollup.check() == []
    assert rollup.check_indicators() == []


@pytest.mark.django_db
def test_the_rollup_check_sees_a_missing_subscriber(world, monkeypatch):
    """Without evaluation's subscriber the same service leaves the roll-ups stale."""
    topic = handoff._topics["planning.sub_kegiatan_changed"]
    monkeypatch.setattr(topic, "immediate", [])
    _s_sub_kegiatan_update(world, None)
    assert rollup.check() != []


# --- roll-back and commit -------------------------------------------------------------------


class _RolledBackError(Exception):
    pass


@pytest.mark.django_db
def test_an_emit_in_a_rolled_back_transaction_leaves_no_trace(
    world, clock, django_capture_on_commit_callbacks
):
    from pantau.evaluation.models import RingkasanSubKegiatan
    from pantau.notifications.models import Notifikasi

    before = list(RingkasanSubKegiatan.objects.order_by("pk").values())
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(_RolledBackError),
        transaction.atomic(),
    ):
        _s_realisasi_transition(world, clock)
        _s_sub_kegiatan_update(world, clock)
        raise _RolledBackError
    assert callbacks == []
    assert list(RingkasanSubKegiatan.objects.order_by("pk").values()) == before
    assert not Notifikasi.objects.exists()
    assert rollup.check() == []


@pytest.mark.django_db
def test_a_refused_budget_rolls_back_what_the_subscribers_wrote(world):
    """`planning.budget_check` refuses inside the service's transaction: nothing is kept."""
    from pantau.planning.models import SubKegiatan
    from pantau.planning.services import sub_kegiatan_update

    _verified_january(world)
    with pytest.raises(ValidationError, match="melebihi pagu"):
        sub_kegiatan_update(actor=None, sub_kegiatan=world.a.sub2, pagu_murni=Decimal(1))
    assert SubKegiatan.objects.get(pk=world.a.sub2.pk).pagu_murni == Decimal(300_000_000)
    assert rollup.check() == []


@pytest.mark.django_db
def test_notices_follow_the_commit_only(world, clock, django_capture_on_commit_callbacks):
    from pantau.monitoring.models import PeriodeLaporan
    from pantau.monitoring.services import realisasi_save, realisasi_transition
    from pantau.notifications.models import Notifikasi

    clock.set("2026-02-05 10:00")
    report = realisasi_save(
        actor=world.a.users["operator_opd"],
        sub_kegiatan=world.a.sub,
        periode=PeriodeLaporan.objects.get(tahun_anggaran=world.a.ta, bulan=1),
        keuangan=Decimal(30_000_000),
        fisik=Decimal(5),
    )
    realisasi_transition(actor=world.a.users["operator_opd"], realisasi=report, name="submit")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        realisasi_transition(
            actor=world.a.users["kepala_opd"], realisasi=report, name="return_opd", catatan="x"
        )
    assert not Notifikasi.objects.exists()  # queued, not sent, until the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert Notifikasi.objects.filter(user=world.a.users["operator_opd"]).exists()
