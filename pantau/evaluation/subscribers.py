"""Evaluation's answers to the hand-offs of the layers below (pantau.core.handoff, decision 0018):
the roll-up tables follow every write of organisations, planning and monitoring, in the writing
service's transaction. `EvaluationConfig.ready()` subscribes them; `tests/test_handoff.py` checks
the wiring and `evaluation_check` after each emitting service."""

from __future__ import annotations

from pantau.evaluation import rollup


def subs_changed(*, sub_ids) -> None:
    rollup.refresh_subs(sub_ids)


def reports_changed(*, sub_ids) -> None:
    rollup.refresh_reports(sub_ids)


def indicators_changed(*, indikator_ids) -> None:
    rollup.refresh_indicators(indikator_ids)


def tahap_changed(*, tahun_anggaran, **_payload) -> None:
    rollup.refresh_year(tahun_anggaran)


def plan_removed(*, tahun_anggaran) -> None:
    rollup.refresh_year(tahun_anggaran)


def thresholds_changed(*, pemda) -> None:
    from pantau.planning.models import TahunAnggaran

    for ta in TahunAnggaran.objects.filter(pemda=pemda):
        rollup.refresh_year(ta)


def subscribe_all() -> None:
    from pantau.core import handoff
    from pantau.monitoring import topics as monitoring
    from pantau.organisations import topics as organisations
    from pantau.planning import topics as planning

    handoff.subscribe(organisations.PEMDA_THRESHOLDS_CHANGED, thresholds_changed)
    handoff.subscribe(planning.SUB_KEGIATAN_CHANGED, subs_changed)
    handoff.subscribe(planning.INDIKATOR_CHANGED, indicators_changed)
    handoff.subscribe(planning.TAHAP_CHANGED, tahap_changed)
    handoff.subscribe(planning.PLAN_REMOVED, plan_removed)
    handoff.subscribe(monitoring.REPORTS_CHANGED, reports_changed)
    handoff.subscribe(monitoring.INDICATOR_VALUES_CHANGED, indicators_changed)
