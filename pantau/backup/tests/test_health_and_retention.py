"""/healthz, the admin's status card, retention and the commands."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from pantau.backup import runs
from pantau.backup.models import BackupRun

pytestmark = pytest.mark.django_db


def _run(kind, *, status="ok", hours_ago=1.0, name=""):
    at = timezone.now() - dt.timedelta(hours=hours_ago)
    return BackupRun.objects.create(kind=kind, status=status, started=at, finished=at, name=name)


class TestHealthz:
    def test_healthy_after_a_fresh_backup_and_verify(self, client, backup_env, settings):
        settings.HEALTH_MIN_FREE_MB = 1
        _run("backup")
        _run("verify", hours_ago=30)
        response = client.get("/healthz")
        assert response.status_code == 200, response.json()
        body = response.json()
        assert body["status"] == "ok" and body["checks"]["database"]["ok"]
        assert body["checks"]["queue"]["ok"]
        assert {"disk_data", "disk_backup_1", "disk_backup_2"} <= set(body["checks"])
        assert not response.cookies and "Set-Cookie" not in response
        text = response.content.decode()
        assert str(backup_env["data"]) not in text and "dc" not in text.replace("checks", "")

    def test_old_backup_failed_verify_or_no_backup_is_503(self, client, backup_env, settings):
        settings.HEALTH_MIN_FREE_MB = 1
        assert client.get("/healthz").status_code == 503  # no backup yet
        _run("backup", hours_ago=27)
        _run("verify", hours_ago=2)
        body = client.get("/healthz").json()
        assert body["checks"]["last_backup"] == {"ok": False, "age_hours": 27.0}
        _run("backup", hours_ago=1)
        _run("verify", hours_ago=1, status="failed")
        assert client.get("/healthz").status_code == 200  # the good verify of 2 hours ago counts
        settings.HEALTH_VERIFY_MAX_DAYS = 0  # off
        settings.HEALTH_MIN_FREE_MB = 10**9  # more than any disk
        body = client.get("/healthz").json()
        assert body["status"] == "fail" and not body["checks"]["disk_data"]["ok"]
        assert body["checks"]["last_verify"] == {"ok": True, "checked": False}

    def test_post_refused(self, client, backup_env):
        assert client.post("/healthz").status_code == 405


class TestAdminCard:
    def test_superuser_sees_the_backup_status_pemda_admin_does_not(self, client, world):
        _run("backup", name="pantau-20261201T013000Z.pbak")
        _run("verify", status="failed", name="pantau-20261201T013000Z.pbak")
        client.force_login(world.a.users["admin"])
        page = client.get(reverse("kelola:akun-list")).content.decode()
        assert "status-cadangan" not in page
        boss = get_user_model().objects.create_superuser("induk", "induk@example.org", "x" * 16)
        client.force_login(boss)
        page = client.get(
            reverse("kelola:akun-list") + f"?pemda={world.a.pemda.pk}"
        ).content.decode()
        assert "status-cadangan" in page and "pantau-20261201T013000Z.pbak" in page
        assert "gagal" in page


class TestRetention:
    def _file(self, target, stamp: str, *, good=True):
        name = f"pantau-{stamp}.pbak"
        (target / name).write_bytes(b"PANTAUBK" + b"\0" * 20)
        if good:
            BackupRun.objects.create(
                kind="backup", status="ok", started=timezone.now(), name=name,
                files=[{"target": 1, "name": name, "size": 28, "sha256": "", "ok": True}],
            )  # fmt: skip
        return target / name

    def test_keep_rules_and_the_newest_verified_survive(self, backup_env, settings):
        target = backup_env["targets"][0]
        settings.BACKUP_KEEP = "2d,1m"
        old_verified = self._file(target, "20250105T013000Z")
        BackupRun.objects.create(
            kind="verify", status="ok", started=timezone.now(), name=old_verified.name
        )
        mid = self._file(target, "20261115T013000Z")
        d1 = self._file(target, "20261130T013000Z")
        d1_early = self._file(target, "20261130T003000Z")
        d2 = self._file(target, "20261201T013000Z")
        foreign = target / "catatan-admin.txt"
        foreign.write_text("bukan milik Pantau")
        lookalike = target / "pantau-20200101T000000Z.pbak"
        lookalike.write_bytes(b"bukan cadangan")
        unknown = self._file(target, "20200102T000000Z", good=False)
        deleted = runs.backup_prune(actor=None)
        assert sorted(p.name for p in deleted) == sorted([mid.name, d1_early.name])
        for kept in (old_verified, d1, d2, foreign, lookalike, unknown):
            assert kept.exists(), kept
        assert not mid.exists() and not d1_early.exists()

    def test_bad_keep_is_a_clear_error(self, backup_env, settings):
        settings.BACKUP_KEEP = "7 hari"
        with pytest.raises(runs.BackupError) as caught:
            runs.backup_prune(actor=None)
        assert "PANTAU_BACKUP_KEEP" in caught.value.render("id")


class TestCommands:
    def test_backup_list_verify_round(self, backup_env, capsys):
        call_command("backup", "--quiet")
        call_command("backup_list")
        out = capsys.readouterr().out
        assert "baik / good" in out and "Cadangan selesai" in out
        with pytest.raises(CommandError) as caught:
            call_command("backup_key")
        assert "sudah ada" in str(caught.value)

    def test_restore_missing_file(self, backup_env, tmp_path):
        with pytest.raises(CommandError) as caught:
            call_command("restore", str(tmp_path / "tidak-ada.pbak"))
        assert "tidak ada" in str(caught.value)
