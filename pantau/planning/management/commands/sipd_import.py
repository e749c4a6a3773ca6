from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pantau.core.errors import error_messages
from pantau.organisations.models import Pemda
from pantau.planning.sipd import sipd_dry_run, sipd_import, sipd_read


class Command(BaseCommand):
    help = (
        "Impor rencana dari data SIPD (JSON/XLSX/CSV) melalui pemetaan pemda. / Import the plan "
        "from SIPD records through the pemda's mapping (docs/user-guide.md, Impor dari SIPD)."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--pemda", required=True, help="kode pemda, mis. 74.07")
        parser.add_argument("--tahun", type=int, required=True)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        pemda = Pemda.objects.filter(kode=options["pemda"]).first()
        if pemda is None:
            raise CommandError(f"Pemda {options['pemda']} tidak ada / unknown pemda.")
        files = []
        for path in options["files"]:
            if not path.is_file():
                raise CommandError(f"Berkas tidak ditemukan / file not found: {path}")
            files.append((path.name, path.read_bytes()))
        args = {"actor": None, "pemda": pemda, "tahun": options["tahun"]}
        try:
            args["records"] = sipd_read(files)
            result = sipd_dry_run(**args)  # every error listed, even when importing
            if result.ok and not options["dry_run"]:
                result = sipd_import(**args)
        except ValidationError as exc:
            raise CommandError("\n".join(error_messages(exc))) from exc
        for o in result.outcomes:
            line = f"{o.row:>5} {o.kode_sbl} {o.kode} {o.opd} {o.status}"
            self.stdout.write(line + ("; " + " ".join(o.catatan) if o.catatan else ""))
        for error in result.errors:
            self.stdout.write(self.style.ERROR(str(error)))
        for opd, counts in result.results.items():
            self.stdout.write(
                f"{opd}: {counts.sub_kegiatan} sub kegiatan, {counts.rencana} rencana, "
                f"{counts.indikator} indikator"
            )
        if result.errors:
            raise CommandError(f"{len(result.errors)} kesalahan; tidak ada yang disimpan.")
        label = "Uji coba selesai" if options["dry_run"] else "Impor selesai"
        self.stdout.write(self.style.SUCCESS(f"{label}: tidak ada kesalahan."))
