"""Shared by the backup commands: errors as "Indonesian / English", and a run's outcome."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from pantau.backup.errors import BackupError
from pantau.backup.models import BackupRun


class OpsCommand(BaseCommand):
    """A backup command: without Django's system checks. They import every URL and view (about
    a second per command) and check the web app's configuration, which was checked when it was
    deployed; a backup, verify or restore needs the database and the files, and is often run
    when something else is already wrong."""

    requires_system_checks: list[str] = []


def fail(exc: BackupError, code: int = 1) -> CommandError:
    return CommandError(exc.both(), returncode=code)


def run_outcome(cmd, run: BackupRun, ok_text: str) -> None:
    if run.status != BackupRun.Status.OK:
        raise CommandError(run.reason, returncode=2)
    cmd.stdout.write(cmd.style.SUCCESS(ok_text))


class Progress:
    """One line rewritten in place on a terminal; nothing when quiet or not a terminal."""

    def __init__(self, stream, quiet: bool) -> None:
        self._stream = stream
        self._on = not quiet and hasattr(sys.stdout, "isatty") and sys.stdout.isatty()
        self._last = -1

    def __call__(self, part: str, done: int, total: int) -> None:
        if not self._on:
            return
        pct = int(done * 100 / total) if total else 0
        if pct != self._last:
            self._last = pct
            self._stream.write(f"\r{pct:3d}%  {done / 1e6:8.1f} MB  {part[:50]:<50}", ending="")
            self._stream.flush()

    def end(self) -> None:
        if self._on:
            self._stream.write("")
