"""`pantau backup`: back up now into every PANTAU_BACKUP_DIRS target (docs/backup.md)."""

from pantau.backup import runs
from pantau.backup.errors import BackupError
from pantau.backup.management.commands._common import OpsCommand, Progress, fail, run_outcome


class Command(OpsCommand):
    help = (
        "Cadangkan basis data dan berkas sekarang (lihat juga: backup key, list, verify, prune). "
        "/ Back up the database and files now (see also: backup key, list, verify, prune)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--quiet", action="store_true", help="tanpa tampilan kemajuan / no progress"
        )

    def handle(self, *args, **options):
        progress = Progress(self.stdout, options["quiet"])
        try:
            run = runs.backup_create(actor=None, progress=progress)
        except BackupError as exc:
            raise fail(exc) from exc
        finally:
            progress.end()
        ok = [f for f in run.files if f.get("ok")]
        for f in ok:
            self.stdout.write(f"{runs.settings.BACKUP_DIRS[f['target'] - 1]}/{f['name']}")
        run_outcome(
            self,
            run,
            f"Cadangan selesai: {run.name}, {run.size or 0:,} bita, {len(ok)} tujuan. "
            f"/ Backup done: {run.name}, {run.size or 0:,} bytes, {len(ok)} target(s).",
        )
