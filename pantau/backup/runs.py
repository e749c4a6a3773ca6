"""Backup, verification, restore and retention (issue 13 §1–3, decision 0033).

These are long operations that cannot be one database transaction (a backup streams for
minutes; a restore replaces the database itself); every database write they make is a service
of `pantau.backup.services` (atomic, audited): a run's start, its end, the interrupted runs,
a prune, a new key."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import importlib.metadata
import os
import re
import secrets
import shutil
import subprocess  # nosec B404 - our own console script, no shell
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pantau.audit.chain import HEAD_FILE_PREFIX, head_dir
from pantau.backup import archive, engines, fmt, keys, services
from pantau.backup.errors import BackupError
from pantau.backup.models import BackupRun

NAME_RE = re.compile(r"^pantau-(\d{8}T\d{6}Z)\.pbak$")
TMP_PREFIX = ".tmp-pantau-"
WORK_DIR = ".backup-kerja"

FORMAT_MESSAGES = {
    "not_backup": _("Berkas %(name)s bukan cadangan Pantau."),
    "unsupported": _("Format cadangan %(name)s tidak dikenal (versi %(detail)s)."),
    "wrong_key": _("Kunci salah: berkas %(name)s dibuat dengan kunci lain."),
    "truncated": _("Berkas %(name)s terpotong atau diubah (bagian akhirnya tidak utuh)."),
    "altered": _("Berkas %(name)s rusak atau diubah: autentikasi gagal."),
    "bad_member": _("Isi berkas %(name)s tidak sah (%(detail)s)."),
    "no_manifest": _("Berkas %(name)s tidak memuat manifes."),
    "missing_part": _("Bagian %(detail)s hilang dari berkas %(name)s."),
    "extra_part": _("Bagian %(detail)s di berkas %(name)s tidak tercatat di manifes."),
    "checksum": _("Checksum bagian %(detail)s di berkas %(name)s tidak cocok dengan manifes."),
}


# ---- shared pieces ------------------------------------------------------------------------


def _version() -> str:
    try:
        return importlib.metadata.version("pantau")
    except importlib.metadata.PackageNotFoundError:
        return ""


def default_db() -> dict[str, Any]:
    return dict(connection.settings_dict)


def data_roots() -> dict[str, Path]:
    return {"media": Path(settings.MEDIA_ROOT), "private": Path(settings.PRIVATE_ROOT)}


def _work_dir() -> Path:
    path = Path(settings.DATA_DIR) / WORK_DIR
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


@contextlib.contextmanager
def run_lock() -> Iterator[None]:
    """One backup/verify/restore at a time on this machine (a file lock: gone with the
    process, even after kill -9)."""
    path = Path(settings.DATA_DIR) / "backup.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BackupError(_("Proses cadangan lain sedang berjalan; coba lagi nanti.")) from exc
        yield
    finally:
        os.close(fd)


def lock_held() -> bool:
    path = Path(settings.DATA_DIR) / "backup.lock"
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sha256(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            sha.update(chunk)
    return sha.hexdigest()


def _run_start(*, actor, kind: str, name: str = "", engine: str = "") -> BackupRun:
    return services.backup_run_start(actor=actor, kind=kind, name=name, engine=engine)


def _run_end(run: BackupRun, *, error: BackupError | None = None, **fields: Any) -> BackupRun:
    return services.backup_run_finish(
        actor=None, run=run, reason=error.both() if error else "", **fields
    )


def runs_mark_interrupted() -> int:
    """Runs left 'running' by a process that died (the lock is ours now, so none is alive)."""
    return services.backup_runs_interrupt(
        actor=None, reason=BackupError(_("Terputus: proses berhenti sebelum selesai.")).both()
    )


def tmp_clean() -> list[Path]:
    removed = []
    for target in settings.BACKUP_DIRS:
        target = Path(target)
        if target.is_dir():
            for path in target.glob(f"{TMP_PREFIX}*"):
                path.unlink(missing_ok=True)
                removed.append(path)
    work = Path(settings.DATA_DIR) / WORK_DIR
    if work.is_dir():
        shutil.rmtree(work, ignore_errors=True)
    return removed


# ---- backup -------------------------------------------------------------------------------


def _write_archive(tmp: Path, key: bytes, db: dict[str, Any], progress) -> tuple[dict, bytes, str]:
    """Writes the backup file; its manifest, the manifest's bytes and the file's SHA-256."""
    roots = data_roots()
    heads = sorted(head_dir().glob(f"{HEAD_FILE_PREFIX}*.json")) if head_dir().is_dir() else []
    vendor = engines.vendor(db)
    work = Path(tempfile.mkdtemp(dir=_work_dir()))
    try:
        with tmp.open("xb") as raw:
            sink = archive.HashingSink(raw)
            writer = archive.Writer(sink, key, progress=progress)
            # 1. the audit head files (older than the snapshot, so it reaches each of them)
            for path in heads:
                writer.add_file(f"audit/{path.name}", path)
            # 2. the database, one consistent snapshot
            snap = work / ("pantau.sqlite3" if vendor == "sqlite" else "pantau.pgdump")
            facts = engines.snapshot(db, snap)
            writer.total = snap.stat().st_size + sum(archive.tree_size(r) for r in roots.values())
            archive._pause()
            writer.add_file(f"db/{snap.name}", snap)
            snap.unlink()
            archive._pause()
            # 3. the files, after the snapshot (write-once uploads: all it names exist)
            for prefix, root in roots.items():
                writer.add_tree(prefix, root)
            manifest = {
                "format": archive.FORMAT,
                "created": timezone.now().astimezone(dt.UTC).isoformat(),
                "pantau_version": _version(),
                "engine": vendor,
                **facts,
            }
            body = writer.finish(manifest)
            raw.flush()
            os.fsync(raw.fileno())
        return {**manifest, "parts": writer.parts}, body, sink.sha.hexdigest()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _disk_message(exc: OSError) -> BackupError:
    if exc.errno == errno.ENOSPC:
        return BackupError(
            _("Disk penuh saat menulis cadangan (%(detail)s)."), detail=exc.filename or ""
        )
    return BackupError(_("Gagal menulis cadangan: %(detail)s"), detail=str(exc))


def _copy_to(src: Path, target: Path, name: str, sha: str) -> dict[str, Any]:
    tmp = target / f"{TMP_PREFIX}{secrets.token_hex(4)}-{name}"
    try:
        with src.open("rb") as fin, tmp.open("xb") as fout:
            shutil.copyfileobj(fin, fout, 1 << 20)
            fout.flush()
            os.fsync(fout.fileno())
        if _sha256(tmp) != sha:
            raise BackupError(_("Salinan di tujuan tidak sama dengan aslinya."))
        os.replace(tmp, target / name)
        _fsync_dir(target)
    finally:
        tmp.unlink(missing_ok=True)
    return {"name": name, "size": src.stat().st_size, "sha256": sha}


def backup_create(*, actor, progress=None) -> BackupRun:
    """Back up now into every target directory. Returns the run (status ok or failed)."""
    key = keys.key_load()
    db = default_db()
    vendor = engines.vendor(db)
    with run_lock():
        runs_mark_interrupted()
        tmp_clean()
        now = timezone.now().astimezone(dt.UTC)
        name = f"pantau-{now:%Y%m%dT%H%M%SZ}.pbak"
        run = _run_start(actor=actor, kind=BackupRun.Kind.BACKUP, name=name, engine=vendor)
        files: list[dict[str, Any]] = []
        targets = [Path(t) for t in settings.BACKUP_DIRS]
        missing = [i for i, t in enumerate(targets, 1) if not t.is_dir()]
        for i in missing:  # a data-centre mount that is not there must not fill the local disk
            files.append({"target": i, "ok": False, "error": "missing"})
        present = [(i, t) for i, t in enumerate(targets, 1) if t.is_dir()]
        if not present:
            error = BackupError(
                _("Tidak ada direktori tujuan cadangan yang tersedia: %(dirs)s"),
                dirs=", ".join(str(t) for t in targets),
            )
            return _run_end(run, error=error, files=files)
        first_i, first = present[0]
        tmp = first / f"{TMP_PREFIX}{secrets.token_hex(4)}-{name}"
        try:
            manifest, body, sha = _write_archive(tmp, key, db, progress)
            os.replace(tmp, first / name)
            _fsync_dir(first)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            return _run_end(run, error=_disk_message(exc), files=files)
        except (engines.EngineError, BackupError) as exc:
            tmp.unlink(missing_ok=True)
            err = exc if isinstance(exc, BackupError) else BackupError(str(exc))
            return _run_end(run, error=err, files=files)
        size = (first / name).stat().st_size
        files.append({"target": first_i, "name": name, "size": size, "sha256": sha, "ok": True})
        for i, target in present[1:]:
            try:
                files.append({"target": i, **_copy_to(first / name, target, name, sha), "ok": True})
            except (OSError, BackupError) as exc:
                err = _disk_message(exc) if isinstance(exc, OSError) else exc
                files.append({"target": i, "ok": False, "error": err.both()})
        failed = [f for f in files if not f["ok"]]
        error = None
        if failed:
            error = BackupError(
                _("Cadangan tidak tertulis ke tujuan %(targets)s: %(dirs)s"),
                targets=", ".join(
                    str(f["target"]) for f in sorted(failed, key=lambda f: f["target"])
                ),
                dirs="; ".join(f"{targets[f['target'] - 1]} ({f['error']})" for f in failed),
            )
        return _run_end(
            run,
            error=error,
            files=sorted(files, key=lambda f: f["target"]),
            size=size,
            manifest_sha256=hashlib.sha256(body).hexdigest(),
            schema_version=manifest["schema"],
            audit_heads=manifest["audit_heads"],
        )


# ---- reading a backup back ----------------------------------------------------------------


def backup_open(path: Path, key: bytes, dest: Path) -> tuple[dict[str, Any], bytes]:
    """Decrypt and unpack `path` into `dest`, every checksum checked; BackupError otherwise."""
    if not path.is_file():
        raise BackupError(_("Berkas cadangan %(name)s tidak ada."), name=path)
    try:
        with path.open("rb") as fh:
            return archive.extract(fh, key, dest)
    except fmt.FormatError as exc:
        raise BackupError(FORMAT_MESSAGES[exc.code], name=path.name, detail=exc.detail) from exc
    except archive.ContentError as exc:
        raise BackupError(FORMAT_MESSAGES[exc.code], name=path.name, detail=exc.detail) from exc
    except OSError as exc:
        raise _disk_message(exc) from exc


def _db_part(staged: Path, manifest: dict[str, Any]) -> Path:
    name = "pantau.sqlite3" if manifest.get("engine") == "sqlite" else "pantau.pgdump"
    return staged / "db" / name


def _db_url(db: dict[str, Any], name: str | None = None) -> str:
    if engines.vendor(db) == "sqlite":
        return f"sqlite:///{Path(name or db['NAME']).resolve()}"
    user = quote(str(db.get("USER") or ""), safe="")
    password = quote(str(db.get("PASSWORD") or ""), safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{quote(name or str(db['NAME']), safe='')}"


def _pantau(args: list[str], *, db_url: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": db_url, "PANTAU_DATA_DIR": str(data_dir), "REDIS_URL": ""}
    env.pop("PANTAU_BACKUP_TEST_PAUSE", None)
    cmd = [sys.executable, "-c", "from pantau.cli import main; main()", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, check=False, timeout=3600)  # noqa: S603 # nosec B603


def _scratch_checks(staged: Path, db_url: str, manifest: dict[str, Any], facts: dict) -> list[str]:
    problems = []
    want, got = manifest.get("tables", {}), facts["tables"]
    for table in sorted(set(want) | set(got)):
        if want.get(table) != got.get(table):
            problems.append(f"{table}: {got.get(table)} ≠ {want.get(table)}")
    if problems:
        return [str(_("Jumlah baris berbeda dari manifes: %(t)s") % {"t": "; ".join(problems[:5])})]
    for args, label in (
        (["evaluation_check"], _("Pemeriksaan ringkasan")),
        (["audit", "verify"], _("Pemeriksaan rantai audit")),
    ):
        result = _pantau(args, db_url=db_url, data_dir=staged)
        if result.returncode != 0:
            tail = " | ".join((result.stderr or result.stdout).strip().splitlines()[-3:])
            problems.append(f"{label}: {tail}")
    return problems


def backup_verify(*, actor, path: Path | None = None) -> BackupRun:
    """Decrypt, check every checksum, restore into a scratch database, run the integrity
    check, the roll-up check and the audit chain check there, compare row counts."""
    key = keys.key_load()
    db = default_db()
    with run_lock():
        runs_mark_interrupted()
        path = path or newest_backup_file()
        if path is None:
            raise BackupError(_("Belum ada berkas cadangan untuk diuji."))
        run = _run_start(actor=actor, kind=BackupRun.Kind.VERIFY, name=path.name)
        staged = Path(tempfile.mkdtemp(dir=_work_dir()))
        try:
            manifest, body = backup_open(path, key, staged)
            problems = _verify_staged(db, staged, manifest)
            error = (
                BackupError(_("Uji pulih gagal: %(p)s"), p="; ".join(problems))
                if problems
                else None
            )
            return _run_end(
                run,
                error=error,
                size=path.stat().st_size,
                engine=manifest.get("engine", ""),
                manifest_sha256=hashlib.sha256(body).hexdigest(),
                schema_version=manifest.get("schema", {}),
                audit_heads=manifest.get("audit_heads", {}),
            )
        except (BackupError, engines.EngineError) as exc:
            err = exc if isinstance(exc, BackupError) else BackupError(str(exc))
            return _run_end(run, error=err)
        finally:
            shutil.rmtree(staged, ignore_errors=True)


def _verify_staged(db: dict[str, Any], staged: Path, manifest: dict[str, Any]) -> list[str]:
    dbfile = _db_part(staged, manifest)
    if manifest.get("engine") == "sqlite":
        integrity = engines.sqlite_integrity(dbfile)
        if integrity != "ok":
            return [f"PRAGMA integrity_check: {integrity}"]
        facts = engines.sqlite_facts(dbfile)
        return _scratch_checks(staged, f"sqlite:///{dbfile.resolve()}", manifest, facts)
    if engines.vendor(db) != "postgresql":
        raise BackupError(_("Cadangan PostgreSQL hanya dapat diuji pada instalasi PostgreSQL."))
    with engines.pg_scratch(db) as name:
        engines.restore({**db, "NAME": name}, dbfile, replace=False)
        facts = engines.pg_facts(db, name)
        return _scratch_checks(staged, _db_url(db, name), manifest, facts)


# ---- restore ------------------------------------------------------------------------------


def _nonempty(path: Path) -> bool:
    return path.is_dir() and any(path.iterdir())


def backup_restore(
    *,
    actor,
    path: Path,
    replace: bool = False,
    db: dict[str, Any] | None = None,
    roots: dict[str, Path] | None = None,
) -> BackupRun:
    """Restore `path` into the database `db` (this instance's by default) and the media and
    private folders; refused when either holds anything, unless `replace`. The manifest and
    every checksum are checked before anything is touched. The run is recorded in this
    instance's database (after the restore, when that is the restored one)."""
    if not path.is_file():
        raise BackupError(_("Berkas cadangan %(name)s tidak ada."), name=path)
    key = keys.key_load()
    own = db is None
    db = default_db() if db is None else db
    roots = roots or data_roots()
    vendor = engines.vendor(db)
    with run_lock():
        busy = [] if replace else [str(r) for r in roots.values() if _nonempty(r)]
        if not replace and not engines.is_empty(db):
            busy.insert(0, str(db["NAME"]))
        if busy:
            raise BackupError(
                _(
                    "Tujuan pemulihan tidak kosong (%(busy)s): tidak ada yang diubah. Gunakan "
                    "--replace untuk menimpa."
                ),
                busy=", ".join(busy),
            )
        staged = Path(tempfile.mkdtemp(dir=_work_dir()))
        try:
            manifest, body = backup_open(path, key, staged)
            if manifest.get("engine") != vendor:
                raise BackupError(
                    _("Cadangan ini dari %(src)s; basis data tujuan %(dst)s. Mesin harus sama."),
                    src=manifest.get("engine"),
                    dst=vendor,
                )
            if own:
                connection.close()  # not one of the connections a replace must not find
            engines.restore(db, _db_part(staged, manifest), replace=replace)
            stamp = timezone.now().strftime("%Y%m%d%H%M%S")
            for prefix, root in roots.items():
                if root.exists() and replace:
                    root.rename(root.with_name(f"{root.name}.sebelum-pulih-{stamp}"))
                elif root.exists():
                    root.rmdir()  # empty, checked above
                source = staged / prefix
                if source.is_dir():
                    shutil.move(str(source), str(root))
                else:
                    root.mkdir(parents=True)
            heads = staged / "audit"
            if heads.is_dir():
                head_dir().mkdir(parents=True, exist_ok=True)
                for head in heads.iterdir():
                    if not (head_dir() / head.name).exists():
                        shutil.copy2(head, head_dir() / head.name)
        except engines.EngineError as exc:
            raise BackupError(_("Pemulihan basis data gagal: %(e)s"), e=str(exc)) from exc
        finally:
            shutil.rmtree(staged, ignore_errors=True)
        if own:
            connection.close()  # the next query opens the restored database
        run = _run_start(actor=actor, kind=BackupRun.Kind.RESTORE, name=path.name, engine=vendor)
        return _run_end(
            run,
            size=path.stat().st_size,
            manifest_sha256=hashlib.sha256(body).hexdigest(),
            schema_version=manifest.get("schema", {}),
            audit_heads=manifest.get("audit_heads", {}),
        )


# ---- files and retention ------------------------------------------------------------------


def backup_files() -> list[tuple[int, Path]]:
    """Pantau's backup files in every target (name pattern and header), newest first."""
    found = []
    for i, target in enumerate(settings.BACKUP_DIRS, 1):
        target = Path(target)
        if not target.is_dir():
            continue
        for path in target.iterdir():
            if NAME_RE.match(path.name) and path.is_file():
                with path.open("rb") as fh:
                    if fh.read(len(fmt.MAGIC)) == fmt.MAGIC:
                        found.append((i, path))
    return sorted(found, key=lambda f: (f[1].name, -f[0]), reverse=True)


def good_names() -> set[str]:
    """Names of backups whose run ended well (complete and checksummed when written)."""
    names = set()
    for run in BackupRun.objects.filter(kind=BackupRun.Kind.BACKUP).exclude(files=[]):
        for f in run.files:
            if f.get("ok"):
                names.add(f["name"])
    return names


def verified_names() -> set[str]:
    return set(
        BackupRun.objects.filter(
            kind=BackupRun.Kind.VERIFY, status=BackupRun.Status.OK
        ).values_list("name", flat=True)
    )


def newest_backup_file() -> Path | None:
    good = good_names()
    for _i, path in backup_files():
        if path.name in good:
            return path
    return None


def _stamp(name: str) -> dt.datetime:
    match = NAME_RE.match(name)
    if match is None:  # only matching names get here
        raise ValueError(name)
    return dt.datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)


def keep_parse(text: str) -> dict[str, int]:
    rules: dict[str, int] = {}
    for part in [p.strip() for p in text.split(",") if p.strip()]:
        match = re.fullmatch(r"(\d+)([dwm])", part)
        if not match:
            raise BackupError(
                _("PANTAU_BACKUP_KEEP tidak sah: %(part)s (contoh: 7d,4w,12m)."), part=part
            )
        rules[match.group(2)] = int(match.group(1))
    return rules


def keep_select(names: list[str], rules: dict[str, int]) -> set[str]:
    """The newest backup of each of the last n days, ISO weeks and months (like restic's
    --keep-daily/--keep-weekly/--keep-monthly)."""
    keep: set[str] = set()
    ordered = sorted(names, reverse=True)
    periods = {
        "d": lambda t: t.date().isoformat(),
        "w": lambda t: f"{t.isocalendar()[0]}-W{t.isocalendar()[1]:02d}",
        "m": lambda t: f"{t.year}-{t.month:02d}",
    }
    for unit, count in rules.items():
        seen: list[str] = []
        for name in ordered:
            period = periods[unit](_stamp(name))
            if period not in seen:
                if len(seen) == count:
                    break
                seen.append(period)
                keep.add(name)
    return keep


def backup_prune(*, actor, dry_run: bool = False) -> list[Path]:
    """Delete Pantau's backups the retention rules do not keep; never the newest good or the
    newest verified one, never a file Pantau did not make."""
    rules = keep_parse(settings.BACKUP_KEEP)
    with run_lock():
        files = backup_files()
        good = good_names()
        names = sorted({p.name for _i, p in files if p.name in good})
        keep = keep_select(names, rules)
        if names:
            keep.add(names[-1])
        verified = sorted(n for n in names if n in verified_names())
        if verified:
            keep.add(verified[-1])
        doomed = [p for _i, p in files if p.name in good and p.name not in keep]
        if dry_run or not doomed:
            return doomed
        services.backup_prune_record(
            actor=actor, deleted=sorted({p.name for p in doomed}), keep=settings.BACKUP_KEEP
        )
        for path in doomed:
            path.unlink(missing_ok=True)
        return doomed


def backup_key_create(*, actor) -> Path:
    path = keys.key_path()
    keys.key_write(path)
    services.backup_key_record(actor=actor)
    return path
