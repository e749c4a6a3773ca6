"""`pantau backup prune`: delete backups that PANTAU_BACKUP_KEEP does not keep."""

from pantau.backup import runs
from pantau.backup.errors import BackupError
from pantau.backup.management.commands._common import OpsCommand, fail


class Command(OpsCommand):
    help = "Hapus cadangan lama menurut PANTAU_BACKUP_KEEP. / Delete old backups per PANTAU_BACKUP_KEEP."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="hanya tampilkan / only show")

    def handle(self, *args, **options):
        try:
            doomed = runs.backup_prune(actor=None, dry_run=options["dry_run"])
        except BackupError as exc:
            raise fail(exc) from exc
        for path in doomed:
            self.stdout.write(str(path))
        verb = "akan dihapus / would be deleted" if options["dry_run"] else "dihapus / deleted"
        self.stdout.write(f"{len(doomed)} {verb}.")
