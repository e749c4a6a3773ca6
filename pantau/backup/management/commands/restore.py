"""`pantau restore FILE [--replace]`: restore a backup into this instance (docs/backup.md).
Stop the app servers and the worker first."""

from pathlib import Path

from pantau.backup import runs
from pantau.backup.errors import BackupError
from pantau.backup.management.commands._common import OpsCommand, fail


class Command(OpsCommand):
    help = (
        "Pulihkan cadangan ke basis data dan folder berkas yang kosong. / Restore a backup into "
        "an empty database and file folders."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="timpa basis data dan berkas yang ada / replace the existing data",
        )

    def handle(self, *args, **options):
        try:
            run = runs.backup_restore(actor=None, path=options["file"], replace=options["replace"])
        except BackupError as exc:
            raise fail(exc) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Dipulihkan dari {run.name}. / Restored from {run.name}.")
        )
