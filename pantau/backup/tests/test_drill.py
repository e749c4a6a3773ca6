"""R7: back up an instance with data and files, restore into an empty one, find every table's
rows and every file identical; on the engine the suite runs on (SQLite, and PostgreSQL when
DATABASE_URL names one)."""

from __future__ import annotations

import contextlib
import sqlite3

import pytest
from django.db import connection

from pantau.audit.models import AuditEvent
from pantau.backup import engines, runs
from pantau.backup.models import BackupRun
from pantau.backup.tests.conftest import tree_digest
from pantau.backup.tests.tables import table_digests
from pantau.planning.models import SubKegiatan

pytestmark = pytest.mark.django_db(transaction=True)


@contextlib.contextmanager
def empty_target(tmp_path):
    db = runs.default_db()
    if engines.vendor(db) == "sqlite":
        yield {**db, "NAME": tmp_path / "kosong" / "pantau.sqlite3"}
        return
    with engines.pg_scratch(db) as name:
        yield {**db, "NAME": name}


def _heads(db):
    if engines.vendor(db) == "sqlite":
        return engines.sqlite_facts(db["NAME"])["audit_heads"]
    return engines.pg_facts(db)["audit_heads"]


class TestBackupRestoreDrill:
    def test_every_row_and_file_identical_after_restore(self, world, backup_env, tmp_path):
        run = runs.backup_create(actor=None)
        assert run.status == BackupRun.Status.OK, run.reason
        assert [f["ok"] for f in run.files] == [True, True]
        copies = [t / run.name for t in backup_env["targets"]]
        assert copies[0].read_bytes() == copies[1].read_bytes()
        assert set(run.audit_heads) and run.schema_version["backup"] == "0001_backup_run"
        # after the snapshot only the run's end was written: its row (in the snapshot as
        # 'running') and its end event with the head of the chain that event joined
        skip = {
            "backup_backuprun": f"id = {run.pk}",
            "audit_auditevent": "action = 'backup.backup.selesai'",
            "audit_auditchainhead": "chain = 'sistem'",
        }
        before = table_digests(runs.default_db(), skip)
        assert int(before["planning_subkegiatan"].split(":")[0]) == SubKegiatan.objects.count() > 0
        roots = {"media": tmp_path / "new" / "media", "private": tmp_path / "new" / "private"}
        with empty_target(tmp_path) as target:
            runs.backup_restore(actor=None, path=copies[1], db=target, roots=roots)
            after = table_digests(target, skip)
            heads = _heads(target)
        assert after == before
        assert heads == run.audit_heads
        for prefix, root in roots.items():
            assert tree_digest(root) == tree_digest(backup_env["data"] / prefix) != {}
        assert AuditEvent.objects.filter(action="backup.restore").count() == 1

    def test_verify_restores_into_scratch_and_checks(self, world, backup_env):
        runs.backup_create(actor=None)
        run = runs.backup_verify(actor=None)
        assert run.status == BackupRun.Status.OK, run.reason
        assert run.manifest_sha256 == BackupRun.objects.get(kind="backup").manifest_sha256

    def test_restore_into_a_live_database_is_refused_and_changes_nothing(self, world, backup_env):
        run = runs.backup_create(actor=None)
        before = table_digests(runs.default_db())
        media = tree_digest(backup_env["data"] / "media")
        with pytest.raises(runs.BackupError) as caught:
            runs.backup_restore(actor=None, path=backup_env["targets"][0] / run.name)
        assert "tidak kosong" in caught.value.render("id")
        assert "--replace" in caught.value.render("id")
        assert table_digests(runs.default_db()) == before
        assert tree_digest(backup_env["data"] / "media") == media


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite file replacement")
def test_replace_puts_the_backup_over_a_live_sqlite_file(world, backup_env, tmp_path):
    run = runs.backup_create(actor=None)
    target = {**runs.default_db(), "NAME": tmp_path / "live.sqlite3"}
    con = sqlite3.connect(target["NAME"])
    con.execute("CREATE TABLE old_data (x)")
    con.commit()
    con.close()
    (backup_env["data"] / "media" / "baru.txt").write_text("sesudah cadangan")
    roots = {"media": backup_env["data"] / "media", "private": backup_env["data"] / "private"}
    with pytest.raises(runs.BackupError):
        runs.backup_restore(
            actor=None, path=backup_env["targets"][0] / run.name, db=target, roots=roots
        )
    runs.backup_restore(
        actor=None, path=backup_env["targets"][0] / run.name, db=target, roots=roots, replace=True
    )
    assert "old_data" not in table_digests(target)
    assert not (roots["media"] / "baru.txt").exists()
    kept = list(roots["media"].parent.glob("media.sebelum-pulih-*"))
    assert len(kept) == 1 and (kept[0] / "baru.txt").read_text() == "sesudah cadangan"
