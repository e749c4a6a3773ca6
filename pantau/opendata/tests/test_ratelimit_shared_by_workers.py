"""The open-data rate limit is one budget for every worker process (issue 10 §3): two gunicorn
workers once let a 1,200-call budget through 2,352 calls, each counting on its own. Here real
separate Python processes, each with its own Django, count against one address's budget in the
shared store (Redis when configured, else the SQLite counter file in PANTAU_DATA_DIR)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
# A child process: Django set up from the production settings module, then `calls` calls from
# one address through the same check every limited view makes; prints one flag per call.
CHILD = """
import json, sys, django
django.setup()
from django.test import RequestFactory
from pantau.opendata import ratelimit
request = RequestFactory().get("/api/3/action/package_list", REMOTE_ADDR="203.0.113.5")
print(json.dumps([ratelimit.wait_seconds(request) is not None for _ in range(int(sys.argv[1]))]))
"""


def worker(data_dir: Path, budget: int, calls: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL",)}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        PANTAU_DATA_DIR=str(data_dir),
        # a day's window: the count cannot roll over into a new window during the test
        PANTAU_OPENDATA_API_RATE=f"{budget}/d",
        PANTAU_OPENDATA_API_RATE_EXEMPT="",
        PANTAU_CLIENT_IP_HEADER="",
    )
    return subprocess.Popen(  # noqa: S603 - this interpreter with a constant script
        [sys.executable, "-c", CHILD, str(calls)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def limited_flags(process: subprocess.Popen) -> list[bool]:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


def test_the_first_429_comes_at_budget_plus_one_across_two_processes(tmp_path):
    first = limited_flags(worker(tmp_path, budget=10, calls=4))
    second = limited_flags(worker(tmp_path, budget=10, calls=7))
    calls = first + second
    assert calls.index(True) + 1 == 11  # call 11 of a budget of 10, the second process's 7th
    assert calls == [False] * 10 + [True]


def test_two_processes_calling_at_once_get_exactly_the_budget(tmp_path):
    both = [worker(tmp_path, budget=50, calls=40) for _ in range(2)]
    flags = [limited_flags(p) for p in both]
    allowed = sum(flag is False for run in flags for flag in run)
    assert allowed == 50  # not 80 (each process counting alone), not 49 or 51 (a lost update)
    # and once over, each process stays limited: a process's calls are refused from some point on
    for run in flags:
        assert run == sorted(run)
