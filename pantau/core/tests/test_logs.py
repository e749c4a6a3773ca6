"""Structured logs (issue 13 §4, decision 0035): every line of a request is JSON with its request
id, the id comes back as a header, a hostile incoming id is replaced, one access line per
request, the task id on a task's lines, and no secret of a sign-in ever reaches the log."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, second_factor_device, totp_code
from pantau.core import logs

pytestmark = pytest.mark.django_db


@pytest.fixture
def captured():
    """Every record of every logger during the test, through the production formatter and
    filter (settings.LOGGING's "json"), into a buffer; returns a function giving the lines."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.addFilter(logs.ContextFilter())
    handler.setFormatter(logs.json_formatter())
    targets = [logging.getLogger(), logging.getLogger("huey")]
    levels = [t.level for t in targets]
    for target in targets:
        target.addHandler(handler)
        target.setLevel(logging.INFO)
    try:
        yield lambda: buffer.getvalue()
    finally:
        for target, level in zip(targets, levels, strict=True):
            target.removeHandler(handler)
            target.setLevel(level)


def _records(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _access(records: list[dict]) -> list[dict]:
    return [r for r in records if r["logger"] == "pantau.access"]


class TestRequestId:
    def test_a_requests_lines_are_json_with_its_id_and_the_header(self, client, captured):
        response = client.get("/masuk/?next=/rahasia&token=abc123secret")
        request_id = response.headers["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", request_id)
        records = _records(captured())
        assert records, "no log line written"
        (line,) = _access(records)
        assert line["request_id"] == request_id
        assert line["method"] == "GET"
        assert line["path"] == "/masuk/"  # never the query string
        assert line["status"] == 200
        assert isinstance(line["duration_ms"], float)
        assert line["level"] == "INFO"
        assert line["user_id"] is None
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"])
        assert "abc123secret" not in captured()

    def test_every_line_of_the_request_carries_the_id(self, client, captured):
        response = client.get("/tidak-ada-halaman-ini/")  # Django's own "Not Found" line too
        assert response.status_code == 404
        records = _records(captured())
        assert len(records) >= 2, records
        assert {r["request_id"] for r in records} == {response.headers["X-Request-ID"]}

    def test_a_sane_incoming_id_is_kept(self, client, captured):
        incoming = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
        response = client.get("/masuk/", HTTP_X_REQUEST_ID=incoming)
        assert response.headers["X-Request-ID"] == incoming
        assert _access(_records(captured()))[0]["request_id"] == incoming

    @pytest.mark.parametrize(
        "hostile",
        [
            'abc" injected="1',
            "x" * 200,
            "short",
            "evil\nlevel=ERROR forged line",
            "<script>alert(1)</script>",
            "../../etc/passwd",
            "",
        ],
    )
    def test_a_hostile_incoming_id_is_replaced(self, client, captured, hostile):
        response = client.get("/masuk/", HTTP_X_REQUEST_ID=hostile)
        request_id = response.headers["X-Request-ID"]
        assert request_id != hostile and re.fullmatch(r"[0-9a-f]{32}", request_id)
        assert _access(_records(captured()))[0]["request_id"] == request_id
        if hostile:
            assert hostile not in captured()

    def test_each_request_gets_its_own_id_and_nothing_leaks_after(self, client, captured):
        first = client.get("/masuk/").headers["X-Request-ID"]
        second = client.get("/masuk/").headers["X-Request-ID"]
        assert first != second
        logging.getLogger("pantau.test").info("after the requests")
        assert _records(captured())[-1]["request_id"] is None

    def test_a_password_reset_token_in_the_path_is_not_logged(self, client, captured):
        client.get("/akun/sandi/reset/MQ/c0ffee-0123456789abcdef/")
        text = captured()
        assert "c0ffee-0123456789abcdef" not in text
        assert _access(_records(text))[0]["path"] == "/akun/sandi/reset/-/-/"


class TestSignInLog:
    @pytest.mark.second_factor
    def test_no_secret_of_a_sign_in_reaches_the_log(self, world, captured):
        user = world.a.users["pimpinan"]  # the role requires the second factor
        device = second_factor_device(user)
        client = Client(enforce_csrf_checks=True)
        client.get(reverse("login"))
        csrf_cookie = client.cookies["csrftoken"].value
        page = client.get(reverse("login")).content.decode()
        form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        response = client.post(
            reverse("login"),
            {"csrfmiddlewaretoken": form_token, "username": user.username, "password": PASSWORD},
        )
        assert response.status_code == 302
        # the CSRF token changes at sign-in: the second step's page has the new one
        page = client.get(reverse("masuk-verifikasi")).content.decode()
        step_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        code = totp_code(device)
        response = client.post(
            reverse("masuk-verifikasi"), {"csrfmiddlewaretoken": step_token, "kode": code}
        )
        assert response.status_code == 302, response.content[:500]
        response = client.get("/dasbor/")
        assert response.status_code == 200
        session_cookie = client.cookies["sessionid"].value
        text = captured()
        records = _records(text)
        secrets = (PASSWORD, csrf_cookie, form_token, step_token, session_cookie, code, device.key)
        for secret in secrets:
            assert secret not in text
        assert user.username not in text
        lines = _access(records)
        assert [r["status"] for r in lines][-3:] == [200, 302, 200]
        # signed in: the user is the numeric id and the session names the pemda
        assert lines[-1]["user_id"] == user.pk
        assert lines[-1]["pemda"] == world.a.pemda.pk

    @pytest.mark.second_factor
    def test_a_failed_sign_in_logs_neither_name_nor_password(self, world, captured):
        user = world.a.users["operator_opd"]
        client = Client()
        wrong = "bukan-sandinya-2026"
        response = client.post(reverse("login"), {"username": user.username, "password": wrong})
        assert response.status_code == 200
        text = captured()
        assert wrong not in text and user.username not in text
        assert _access(_records(text))[-1]["path"] == "/masuk/"


class TestTaskId:
    def test_a_tasks_lines_carry_its_id(self, captured):
        from huey.contrib.djhuey import HUEY

        @HUEY.task()
        def say(word):
            logging.getLogger("pantau.test").info("task says %s", word)
            return word

        result = say("halo")  # immediate in tests: the same executing/complete signals
        assert result() == "halo"
        said = [r for r in _records(captured()) if r["message"] == "task says halo"]
        assert len(said) == 1
        assert said[0]["task_id"] == result.id
        assert said[0]["request_id"] is None
        # after the task its id is gone from the thread
        logging.getLogger("pantau.test").info("after")
        assert _records(captured())[-1]["task_id"] is None


class TestFormat:
    def test_text_lines_name_the_request_id(self):
        record = logging.LogRecord("pantau.x", logging.INFO, __file__, 1, "hallo", (), None)
        logs.ContextFilter().filter(record)
        assert "[-] hallo" in logs.TextFormatter().format(record)
        record.request_id = "abcdef0123456789"
        assert "[abcdef0123456789] hallo" in logs.TextFormatter().format(record)

    def test_djangos_request_object_is_never_written(self, rf):
        record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "x", (), None)
        record.request = rf.get("/x/?sandi=rahasia-sekali")
        record.status_code = 404
        logs.ContextFilter().filter(record)
        line = logs.json_formatter().format(record)
        assert "rahasia-sekali" not in line and json.loads(line)["status_code"] == 404


class TestFormatSetting:
    """PANTAU_LOG_FORMAT: JSON in production, text in development, an unknown value refused."""

    @staticmethod
    def _settings(**env):
        import os
        import subprocess
        import sys

        base = {k: v for k, v in os.environ.items() if not k.startswith("PANTAU_")}
        base.update(DJANGO_SETTINGS_MODULE="config.settings", PANTAU_DATA_DIR=str(env.pop("d")))
        base.update(env)
        return subprocess.run(
            [sys.executable, "-c", "from django.conf import settings; print(settings.LOG_FORMAT)"],
            env=base,
            capture_output=True,
            text=True,
            check=False,
        )

    def test_defaults_and_override(self, tmp_path):
        prod = {"PANTAU_DEBUG": "0", "SECRET_KEY": "k9" * 30, "ALLOWED_HOSTS": "x.go.id"}
        assert self._settings(d=tmp_path).stdout.strip() == "text"
        assert self._settings(d=tmp_path, **prod).stdout.strip() == "json"
        assert self._settings(d=tmp_path, PANTAU_LOG_FORMAT="JSON").stdout.strip() == "json"
        refused = self._settings(d=tmp_path, PANTAU_LOG_FORMAT="xml")
        assert refused.returncode != 0
        assert "PANTAU_LOG_FORMAT harus 'json' atau 'text'" in refused.stderr
        assert "PANTAU_LOG_FORMAT must be 'json' or 'text'" in refused.stderr
