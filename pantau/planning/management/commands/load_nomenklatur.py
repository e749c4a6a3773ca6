from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pantau.core.errors import error_messages
from pantau.planning.services import nomenklatur_load


class Command(BaseCommand):
    help = "Muat nomenklatur satu tahun anggaran dari CSV. / Load one fiscal year's nomenclature."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--tahun", type=int, required=True)
        parser.add_argument("--sumber", default="")

    def handle(self, *args, **options):
        if not options["file"].is_file():
            raise CommandError(f"Berkas tidak ditemukan / file not found: {options['file']}")
        try:
            r = nomenklatur_load(
                actor=None, path=options["file"], tahun=options["tahun"], sumber=options["sumber"]
            )
        except ValidationError as exc:
            raise CommandError("\n".join(error_messages(exc))) from exc
        self.stdout.write(
            f"Nomenklatur {r.tahun}: {r.created} baru, {r.updated} diubah, {r.unchanged} tetap."
        )
        for warning in r.warnings[:20]:
            self.stdout.write(self.style.WARNING(warning))
