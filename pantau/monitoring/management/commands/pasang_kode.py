from django.core.management.base import BaseCommand, CommandError

from pantau.monitoring import services_pasang as pasang


class Command(BaseCommand):
    help = (
        "Tampilkan kode sekali pakai layar pemasangan pertama (/pasang/). "
        "/ Print the one-time code of the first-run screen."
    )

    def handle(self, *args, **options):
        if not pasang.install_needed():
            raise CommandError(
                "Pemda sudah terpasang; layar pemasangan tidak ada lagi. / "
                "A pemda is installed; the first-run screen is gone."
            )
        code = pasang.setup_code_get_or_make()
        self.stdout.write(code)
        self.stderr.write(f"({pasang.setup_code_path()}, mode 0600)")
