from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pantau.core.errors import error_messages
from pantau.organisations.models import Pemda
from pantau.organisations.services import pemda_update


class Command(BaseCommand):
    help = (
        "Tetapkan atau hapus nama host portal publik sebuah pemda. / Set or clear the public "
        "host name of a pemda."
    )
    # Runs when the start-up check refuses a host claimed twice: that is what it repairs.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("kode", help="kode wilayah pemda, mis. 74.07")
        parser.add_argument("host", nargs="?", default="", help="mis. data.wakatobikab.go.id")
        parser.add_argument("--hapus", action="store_true", help="kosongkan nama host / clear")

    def handle(self, *args, **options):
        if bool(options["host"]) == bool(options["hapus"]):
            raise CommandError("Beri nama host atau --hapus. / Give a host name or --hapus.")
        pemda = Pemda.objects.filter(kode=options["kode"]).first()
        if pemda is None:
            raise CommandError(f"Pemda {options['kode']} tidak ada. / No such pemda.")
        try:
            pemda = pemda_update(actor=None, pemda=pemda, domain_publik=options["host"])
        except ValidationError as exc:
            raise CommandError("\n".join(error_messages(exc))) from exc
        self.stdout.write(f"{pemda}: {pemda.domain_publik or '-'}")
