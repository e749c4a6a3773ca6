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


def _pg_names(db, like: str) -> set[str]:
    with engines.pg_connect(db, "postgres") as con:
        rows = con.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [like])
        return {r[0] for r in rows}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL database swap")
def test_replace_swaps_a_live_postgresql_database(world, backup_env, tmp_path):
    """Over a live database: refused while another connection is open to it (an app server),
    then the restored copy takes its name and the old one is kept beside it; a table the backup
    does not have (a later migration's) is not carried into the restored database."""
    run = runs.backup_create(actor=None)
    path = backup_env["targets"][0] / run.name
    skip = {
        "backup_backuprun": f"id = {run.pk}",
        "audit_auditevent": "action = 'backup.backup.selesai'",
        "audit_auditchainhead": "chain = 'sistem'",
    }
    source = table_digests(runs.default_db(), skip)
    roots = {"media": tmp_path / "m", "private": tmp_path / "p"}
    with engines.pg_scratch(runs.default_db()) as name:
        target = {**runs.default_db(), "NAME": name}
        runs.backup_restore(actor=None, path=path, db=target, roots=roots)
        with engines.pg_connect(target, autocommit=True) as live:
            live.execute("CREATE TABLE tabel_migrasi_baru (x int)")
            live.execute("UPDATE planning_subkegiatan SET nama = nama || ' (diubah)'")
            changed = table_digests(target)
            with pytest.raises(runs.BackupError) as caught:
                runs.backup_restore(actor=None, path=path, db=target, roots=roots, replace=True)
            assert "hentikan server aplikasi" in caught.value.render("id")
            assert "stop the app servers" in caught.value.render("en")
            assert table_digests(target) == changed  # the live database untouched
            assert _pg_names(target, f"{name[:40]}_pulih_%") == set()  # nothing left behind
        runs.backup_restore(actor=None, path=path, db=target, roots=roots, replace=True)
        after = table_digests(target, skip)
        assert after == source  # every table as backed up, and no other
        (kept,) = _pg_names(target, f"{name}_sebelum_pulih_%")
        try:
            assert table_digests({**target, "NAME": kept}) == changed
        finally:
            with engines.pg_connect(target, "postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE "{kept}" WITH (FORCE)')
