"""`pantau backup key`: create the backup key file (mode 0600; an existing one is kept)."""

from pantau.backup import runs
from pantau.backup.errors import BackupError
from pantau.backup.management.commands._common import OpsCommand, fail


class Command(OpsCommand):
    help = "Buat berkas kunci cadangan. / Create the backup key file."

    def handle(self, *args, **options):
        try:
            path = runs.backup_key_create(actor=None)
        except BackupError as exc:
            raise fail(exc) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Kunci dibuat: {path}. Simpan salinannya di tempat lain yang aman (bukan di "
                f"direktori cadangan): tanpa kunci, cadangan tidak dapat dipulihkan. "
                f"/ Key created: {path}. Keep a copy somewhere safe, apart from the backups: "
                "without the key no backup can be restored."
            )
        )
