from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pantau.core.errors import error_messages
from pantau.organisations.services import wilayah_load


class Command(BaseCommand):
    help = "Muat kode wilayah sebuah pemda dari CSV. / Load a pemda's region codes from a CSV."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--sumber", default="", help="Dasar hukum, mis. Kepmendagri 300.2.2-2430/2025"
        )
        parser.add_argument("--zona-waktu", default="Asia/Makassar")

    def handle(self, *args, **options):
        if not options["file"].is_file():
            raise CommandError(f"Berkas tidak ditemukan / file not found: {options['file']}")
        try:
            r = wilayah_load(
                actor=None,
                path=options["file"],
                sumber=options["sumber"],
                zona_waktu=options["zona_waktu"],
            )
        except ValidationError as exc:
            raise CommandError("\n".join(error_messages(exc))) from exc
        self.stdout.write(f"{r.pemda}: {r.created} baru, {r.updated} diubah, {r.unchanged} tetap.")
