"""`pantau backup list`: every backup file in every target, good or not, verified, age."""

from pantau.backup import selectors
from pantau.backup.management.commands._common import OpsCommand


def _age(delta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return f"{hours // 24}h {hours % 24}j" if hours >= 24 else f"{hours}j"


class Command(OpsCommand):
    help = "Daftar berkas cadangan. / List the backup files."

    def handle(self, *args, **options):
        rows = selectors.backup_list()
        if not rows:
            self.stdout.write("Belum ada cadangan. / No backups yet.")
            return
        self.stdout.write("tujuan  status            umur      ukuran(MB)  berkas")
        for row in rows:
            if not row.good:
                status = self.style.ERROR("BURUK / bad")
            elif row.verified:
                status = self.style.SUCCESS("teruji / verified")
            else:
                status = "baik / good"
            self.stdout.write(
                f"{row.target:>6}  {status:<17} {_age(row.age):>8}  {row.size / 1e6:10.1f}  {row.path}"
            )
