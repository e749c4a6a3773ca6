"""The backup key file: 64 hex digits, mode 0600, never inside a backup directory."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from pantau.backup import fmt
from pantau.backup.errors import BackupError


def key_path() -> Path:
    return Path(settings.BACKUP_KEY_FILE)


def _inside_backup_dir(path: Path) -> Path | None:
    resolved = path.resolve()
    for target in settings.BACKUP_DIRS:
        target = Path(target).resolve()
        if resolved == target or target in resolved.parents:
            return target
    return None


def key_check_place(path: Path) -> None:
    target = _inside_backup_dir(path)
    if target is not None:
        raise BackupError(
            _(
                "Berkas kunci %(key)s berada di dalam direktori cadangan %(dir)s: simpan kunci "
                "terpisah dari cadangan (PANTAU_BACKUP_KEY_FILE)."
            ),
            key=path,
            dir=target,
        )


def key_write(path: Path) -> None:
    key_check_place(path)
    if path.exists():
        raise BackupError(_("Berkas kunci %(key)s sudah ada; kunci lama tidak ditimpa."), key=path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(fmt.key_generate().hex() + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def key_load() -> bytes:
    path = key_path()
    key_check_place(path)
    if not path.is_file():
        raise BackupError(
            _("Berkas kunci %(key)s tidak ada: buat dengan `pantau backup key`."), key=path
        )
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise BackupError(
            _(
                "Berkas kunci %(key)s dapat dibaca orang lain (mode %(mode)s): jalankan "
                "`chmod 600 %(key)s`."
            ),
            key=path,
            mode=oct(mode),
        )
    try:
        return fmt.key_parse(path.read_bytes())
    except ValueError as exc:
        raise BackupError(
            _("Berkas kunci %(key)s bukan kunci cadangan Pantau (64 digit heksadesimal)."),
            key=path,
        ) from exc
