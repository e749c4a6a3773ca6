"""`pantau backup verify [FILE]`: restore a backup (default: the newest good one) into a
scratch database and check it (docs/backup.md)."""

from pathlib import Path

from pantau.backup import runs
from pantau.backup.errors import BackupError
from pantau.backup.management.commands._common import OpsCommand, fail, run_outcome


class Command(OpsCommand):
    help = (
        "Uji pulih cadangan ke basis data sementara. / Verify a backup by restoring it into a "
        "scratch database."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, help="berkas (bawaan: terbaru) / file")

    def handle(self, *args, **options):
        try:
            run = runs.backup_verify(actor=None, path=options["file"])
        except BackupError as exc:
            raise fail(exc) from exc
        run_outcome(
            self,
            run,
            f"Uji pulih berhasil: {run.name}. / Verification passed: {run.name}.",
        )
