"""Faults (issue 13 "Bad input and faults", R1/R2 for a backup): a wrong key, a cut or altered
file, a missing part or target, a full disk, a backup killed with kill -9. Each is reported
clearly, no broken backup is listed as good, the live data are untouched."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pantau.backup import archive, fmt, keys, runs, selectors
from pantau.backup.models import BackupRun
from pantau.backup.tests.conftest import tree_digest
from pantau.backup.tests.tables import table_digests


@pytest.fixture
def one_backup(db, backup_env):
    run = runs.backup_create(actor=None)
    assert run.status == BackupRun.Status.OK, run.reason
    return backup_env["targets"][0] / run.name


def _restore_refused(path: Path, tmp_path: Path) -> str:
    target = {**runs.default_db(), "NAME": tmp_path / "t" / "pantau.sqlite3"}
    if runs.engines.vendor(target) != "sqlite":
        target = None  # PostgreSQL: the live database; it is not empty, checked after the file
    roots = {"media": tmp_path / "t" / "media", "private": tmp_path / "t" / "private"}
    with pytest.raises(runs.BackupError) as caught:
        runs.backup_restore(actor=None, path=path, db=target, roots=roots, replace=True)
    assert not roots["media"].exists() and not roots["private"].exists()
    if target is not None:
        assert not Path(target["NAME"]).exists()
    return caught.value.render("id")


class TestDamagedFiles:
    def test_wrong_key_is_named(self, one_backup, settings, tmp_path):
        settings.BACKUP_KEY_FILE = tmp_path / "other" / "backup.key"
        keys.key_write(settings.BACKUP_KEY_FILE)
        assert "Kunci salah" in _restore_refused(one_backup, tmp_path)
        run = runs.backup_verify(actor=None, path=one_backup)
        assert run.status == BackupRun.Status.FAILED and "Kunci salah" in run.reason

    @pytest.mark.parametrize("cut", [1, 100_000])
    def test_truncated_file_detected(self, one_backup, tmp_path, cut):
        data = one_backup.read_bytes()
        assert len(data) > fmt.HEADER_SIZE + cut
        one_backup.write_bytes(data[: len(data) - cut])
        message = _restore_refused(one_backup, tmp_path)
        assert "terpotong" in message or "rusak" in message
        run = runs.backup_verify(actor=None, path=one_backup)
        assert run.status == BackupRun.Status.FAILED
        assert [r.good for r in selectors.backup_list() if r.path == one_backup] == [False]

    @pytest.mark.parametrize("where", [3, fmt.HEADER_SIZE + 5, -20])
    def test_one_flipped_byte_detected(self, one_backup, tmp_path, where):
        data = bytearray(one_backup.read_bytes())
        data[where] ^= 0x01
        one_backup.write_bytes(bytes(data))
        message = _restore_refused(one_backup, tmp_path)
        assert "rusak" in message or "bukan cadangan" in message or "Kunci salah" in message
        assert runs.backup_verify(actor=None, path=one_backup).status == "failed"

    def test_chunks_swapped_or_cut_at_a_boundary_detected(self, backup_env, tmp_path):
        key = keys.key_load()
        out = io.BytesIO()
        w = fmt.EncryptingWriter(out, key, chunk=64)
        w.write(bytes(range(200)))
        w.close()
        raw = out.getvalue()
        head, c = raw[: fmt.HEADER_SIZE], 64 + fmt.TAG
        body = raw[fmt.HEADER_SIZE :]
        swapped = head + body[c : 2 * c] + body[:c] + body[2 * c :]
        with pytest.raises(fmt.FormatError):
            fmt.DecryptingReader(io.BytesIO(swapped), key).read()
        for whole in (1, 2, 3):  # cut exactly after a whole chunk: still caught
            with pytest.raises(fmt.FormatError) as caught:
                fmt.DecryptingReader(io.BytesIO(raw[: fmt.HEADER_SIZE + whole * c]), key).read()
            assert caught.value.code == "truncated"
        assert fmt.DecryptingReader(io.BytesIO(raw), key).read() == bytes(range(200))

    def test_missing_part_detected(self, backup_env, tmp_path):
        """A manifest naming a part the stream does not hold."""
        key = keys.key_load()
        path = backup_env["targets"][0] / "pantau-20260101T000000Z.pbak"
        some = tmp_path / "x.bin"
        some.write_bytes(b"isi")
        with path.open("xb") as fh:
            w = archive.Writer(fh, key)
            w.add_file("media/x.bin", some)
            w.parts["db/pantau.sqlite3"] = {"sha256": "0" * 64, "size": 1}
            w.finish({"format": 1, "engine": runs.engines.vendor(runs.default_db())})
        with pytest.raises(runs.BackupError) as caught:
            runs.backup_open(path, key, tmp_path / "out")
        assert "hilang" in caught.value.render("id")
        assert "db/pantau.sqlite3" in caught.value.render("en")


class TestTargets:
    def test_missing_target_reported_other_copy_kept(self, db, backup_env, settings):
        absent = backup_env["targets"][0].parent / "dc-not-mounted"
        settings.BACKUP_DIRS = [absent, backup_env["targets"][1]]
        run = runs.backup_create(actor=None)
        assert run.status == BackupRun.Status.FAILED
        assert "dc-not-mounted" in run.reason and not absent.exists()
        listed = selectors.backup_list()
        assert [(r.target, r.good) for r in listed] == [(2, True)]

    def test_no_key_is_a_clear_error(self, db, backup_env, settings, tmp_path):
        settings.BACKUP_KEY_FILE = tmp_path / "none.key"
        with pytest.raises(runs.BackupError) as caught:
            runs.backup_create(actor=None)
        assert "pantau backup key" in caught.value.render("id")
        assert not BackupRun.objects.exists()

    def test_key_inside_a_backup_dir_refused(self, db, backup_env, settings):
        inside = backup_env["targets"][1] / "keys" / "backup.key"
        with pytest.raises(runs.BackupError):
            keys.key_write(inside)
        assert not inside.exists()
        settings.BACKUP_KEY_FILE = inside
        with pytest.raises(runs.BackupError):
            runs.backup_create(actor=None)

    def test_key_file_0600_and_never_overwritten(self, backup_env, settings):
        path = settings.BACKUP_KEY_FILE
        before = path.read_bytes()
        assert oct(path.stat().st_mode & 0o777) == "0o600"
        with pytest.raises(runs.BackupError):
            keys.key_write(path)
        assert path.read_bytes() == before


@pytest.fixture
def small_disk(tmp_path):
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("a full disk needs a small tmpfs: run as root (CI does)")
    mnt = tmp_path / "kecil"
    mnt.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)], check=False
    )
    if done.returncode != 0:
        pytest.skip("mount -t tmpfs refused here (no CAP_SYS_ADMIN)")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_full_disk_reported_nothing_listed(db, backup_env, settings, small_disk):
    settings.BACKUP_DIRS = [small_disk]
    big = backup_env["data"] / "media" / "besar.bin"
    big.write_bytes(os.urandom(600_000))  # does not compress: more than the 256 kB disk
    run = runs.backup_create(actor=None)
    assert run.status == BackupRun.Status.FAILED and "Disk penuh" in run.reason
    assert list(small_disk.iterdir()) == []
    assert selectors.backup_list() == []


def _domain(digests: dict[str, str]) -> dict[str, str]:
    return {t: d for t, d in digests.items() if not t.startswith(("backup_", "audit_"))}


@pytest.mark.django_db(transaction=True)
def test_kill_minus_nine_halfway_leaves_nothing_good(world, backup_env, settings, tmp_path):
    """A real `pantau backup` process, slowed between parts, killed while it writes."""
    data = backup_env["data"]
    env = {
        **os.environ,
        "DATABASE_URL": runs._db_url(runs.default_db()),
        "PANTAU_DATA_DIR": str(data),
        "PANTAU_BACKUP_DIRS": ",".join(str(t) for t in backup_env["targets"]),
        "PANTAU_BACKUP_KEY_FILE": str(settings.BACKUP_KEY_FILE),
        "PANTAU_BACKUP_TEST_PAUSE": "60",
        "REDIS_URL": "",
    }
    live = table_digests(runs.default_db())
    files = tree_digest(data / "media")
    cmd = [sys.executable, "-c", "from pantau.cli import main; main()", "backup", "--quiet"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        tmp = []
        while time.monotonic() < deadline and not tmp:
            tmp = list(backup_env["targets"][0].glob(f"{runs.TMP_PREFIX}*"))
            time.sleep(0.1)
        assert tmp, proc.stderr.read1().decode() if proc.poll() is not None else "no tmp file"
        time.sleep(0.5)  # the snapshot and the first parts are written; now it sleeps
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert selectors.backup_list() == []  # the tmp file is never a backup
    run = BackupRun.objects.get()
    assert run.status == "running" and selectors.run_shown_status(run) == "interrupted"
    # live data untouched (the run's own row and its start event are the only new rows)
    assert _domain(table_digests(runs.default_db())) == _domain(live)
    assert tree_digest(data / "media") == files
    # the next run cleans up and succeeds
    again = runs.backup_create(actor=None)
    assert again.status == "ok", again.reason
    assert not list(backup_env["targets"][0].glob(f"{runs.TMP_PREFIX}*"))
    run.refresh_from_db()
    assert run.status == "failed" and "Terputus" in run.reason
    assert [r.good for r in selectors.backup_list()] == [True, True]
