"""B5, the month-end burst (bench/b5.py): the harness runs end to end against gunicorn on a small
world, and its check finds a lost, duplicated or altered report (a checker that cannot fail
would let the benchmark count figures of a broken run)."""

from __future__ import annotations

import copy
import datetime as dt
import importlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
SHA = {"operator.b5.001": "a" * 64, "operator.b5.002": "b" * 64}


def _b5():
    sys.path.insert(0, str(BENCH))
    try:
        return importlib.import_module("b5")
    finally:
        sys.path.remove(str(BENCH))


def _world() -> dict:
    ops = [
        {"username": "operator.b5.001", "sub": 11, "keuangan": "1250000.50", "fisik": "40.5"},
        {"username": "operator.b5.002", "sub": 12, "keuangan": "0.00", "fisik": "100"},
    ]
    return {"periode": 7, "baseline": 3, "operators": ops}


def _rows() -> dict:
    """What the database holds after a run in which every report arrived once."""
    when = dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC)
    return {
        "period_total": 5,
        "reports": [
            {"id": 1, "sub_kegiatan_id": 11, "keuangan": "1250000.50", "fisik": "40.50"},
            {"id": 2, "sub_kegiatan_id": 12, "keuangan": "0", "fisik": "100.00"},
        ],
        "steps": [
            {"realisasi__sub_kegiatan_id": 11, "aktor__username": "operator.b5.001"},
            {"realisasi__sub_kegiatan_id": 12, "aktor__username": "operator.b5.002"},
        ],
        "keys": [
            {"user__username": "operator.b5.001", "realisasi__sub_kegiatan_id": 11},
            {"user__username": "operator.b5.002", "realisasi__sub_kegiatan_id": 12},
        ],
        "photos": [
            {"sub": 11, "sha256": "a" * 64, "stored": "a" * 64, "thumbnail": True, "public": True},
            {"sub": 12, "sha256": "b" * 64, "stored": "b" * 64, "thumbnail": True, "public": True},
        ],
    } | {"_when": when}


def _fixed(rows: dict) -> dict:
    for report in rows["reports"]:
        report.setdefault("status", "diajukan")
        report.setdefault("diajukan_pada", rows["_when"])
    return rows


def _broken(change) -> list[str]:
    rows = _fixed(copy.deepcopy(_rows()))
    change(rows)
    return _b5().verify(_world(), rows, SHA)


class TestB5Check:
    def test_a_complete_run_passes(self):
        assert _b5().verify(_world(), _fixed(_rows()), SHA) == []

    def test_a_lost_report_is_found(self):
        def lose(rows):
            del rows["reports"][1]
            rows["period_total"] -= 1

        problems = _broken(lose)
        assert "4 reports in the month, expected 5" in problems
        assert "operator.b5.002: 0 reports for sub kegiatan 12" in problems

    def test_a_duplicated_report_is_found(self):
        def twice(rows):
            rows["reports"].append(dict(rows["reports"][0], id=9))
            rows["period_total"] += 1

        assert "operator.b5.001: 2 reports for sub kegiatan 11" in _broken(twice)

    def test_a_report_added_elsewhere_in_the_month_is_found(self):
        def extra(rows):
            rows["period_total"] += 1

        assert _broken(extra) == ["6 reports in the month, expected 5"]

    def test_a_photo_stored_twice_or_altered_is_found(self):
        def twice(rows):
            rows["photos"].append(dict(rows["photos"][0]))

        assert _broken(twice) == ["operator.b5.001: 2 photos"]

        def altered(rows):
            rows["photos"][1]["stored"] = "c" * 64

        assert _broken(altered) == [f"operator.b5.002: photo checksum {'b' * 64} / file {'c' * 64}"]

    def test_a_submission_counted_twice_or_not_submitted_is_found(self):
        def resubmitted(rows):
            rows["steps"].append(dict(rows["steps"][0]))
            rows["keys"].append(dict(rows["keys"][0]))

        assert _broken(resubmitted) == [
            "operator.b5.001: 2 submission steps",
            "operator.b5.001: 2 submission keys",
        ]

        def draft(rows):
            rows["reports"][0]["status"] = "draft"

        assert _broken(draft) == ["operator.b5.001: report is draft, not diajukan"]

    def test_figures_other_than_those_sent_are_found(self):
        def cents(rows):
            rows["reports"][0]["keuangan"] = "1250000.49"

        assert _broken(cents) == ["operator.b5.001: keuangan 1250000.49 != 1250000.50"]

    def test_the_photo_is_valid_jpeg_with_the_exif_the_upload_reads(self):
        """The bench's photo passes the project's own upload processing: time and GPS read,
        no warning, distinct bytes per operator."""
        from pantau.monitoring.evidence import process_upload

        b5 = _b5()
        base = b5.photo_base(0.5)
        assert 0.4 * 2**20 < len(base) <= 0.5 * 2**20
        one = b5.photo_for(base, when="2026:12:01 08:00:01", lat=-5.3, lng=123.5, note="a")
        two = b5.photo_for(base, when="2026:12:01 08:00:01", lat=-5.3, lng=123.5, note="b")
        assert one != two
        done = process_upload(name="a.jpg", data=one, tz="Asia/Makassar")
        assert done.jenis == "foto" and done.warnings == []
        assert str(done.latitude) == "-5.3" and str(done.longitude) == "123.5"
        assert done.taken_at.isoformat() == "2026-12-01T08:00:01+08:00"


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="runs its own SQLite instance: once, in the SQLite part of make test",
)
def test_the_burst_runs_end_to_end(tmp_path, tmp_path_factory):
    """Four operators, a 0.5 MB photo each, arriving within 2 s, two gunicorn workers on SQLite:
    every step answered as expected, every report stored once, roll-ups equal to the raw rows."""
    out = tmp_path / "b5.json"
    cmd = [sys.executable, str(BENCH / "b5.py"), "--operators", "4", "--photo-mb", "0.5"]
    cmd += ["--window", "2", "--opd-limit", "1", "--data-dir", str(tmp_path / "data")]
    cmd += ["--static-cache", str(tmp_path_factory.getbasetemp() / "b5-static")]
    cmd += ["--json", str(out)]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PANTAU_", "DJANGO_"))}
    env["DATABASE_URL"] = ""
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        output, _ = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:  # b5 stops its gunicorn on SIGTERM
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
    assert proc.returncode == 0, output
    result = json.loads(out.read_text())
    assert result["operators"] == 4 and result["errors"] == 0, output
    assert result["check_problems"] == [] and result["rollup_differences"] == [], output
    assert set(result["latency"]) == {"masuk_form", "masuk", "formulir", "kirim", "hasil", "total"}
    assert "errors 0 (target 0)  ok" in output
