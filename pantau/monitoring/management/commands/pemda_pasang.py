import getpass
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pantau.core.errors import error_messages
from pantau.monitoring import services_pasang as pasang


class Command(BaseCommand):
    help = (
        "Pasang pemda baru tanpa demo: wilayah, nomenklatur, tahun anggaran dan admin pertama. "
        "/ Install a new pemda without the demo: regions, nomenclature, fiscal year, first admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wilayah", type=Path, default=pasang.WILAYAH_BAWAAN)
        parser.add_argument("--wilayah-sumber", default="")
        parser.add_argument("--pulau", type=Path, default=None)
        parser.add_argument("--nomenklatur", type=Path, default=pasang.NOMENKLATUR_BAWAAN)
        parser.add_argument("--nomenklatur-sumber", default="")
        parser.add_argument("--tahun", type=int, default=None)
        parser.add_argument("--zona-waktu", default="Asia/Makassar")
        parser.add_argument("--admin", required=True, help="nama pengguna admin pertama")
        parser.add_argument("--admin-email", default="")
        parser.add_argument("--admin-nama-depan", default="")
        parser.add_argument("--admin-nama-belakang", default="")
        parser.add_argument("--admin-jabatan", default="")
        parser.add_argument(
            "--sandi-stdin",
            action="store_true",
            help="baca kata sandi admin dari baris pertama stdin (untuk skrip)",
        )

    def _password(self, options) -> str:
        if options["sandi_stdin"]:
            return sys.stdin.readline().rstrip("\n")
        first = getpass.getpass("Kata sandi admin / admin password: ")
        if getpass.getpass("Ulangi / repeat: ") != first:
            raise CommandError("Kata sandi tidak sama / passwords differ.")
        return first

    def handle(self, *args, **options):
        for name in ("wilayah", "nomenklatur", "pulau"):
            if options[name] is not None and not options[name].is_file():
                raise CommandError(f"Berkas tidak ditemukan / file not found: {options[name]}")
        tahun = options["tahun"] or timezone.localdate().year
        try:
            r = pasang.pemda_install(
                actor=None,
                tahun=tahun,
                admin_username=options["admin"],
                admin_password=self._password(options),
                admin_email=options["admin_email"],
                admin_first_name=options["admin_nama_depan"],
                admin_last_name=options["admin_nama_belakang"],
                admin_jabatan=options["admin_jabatan"],
                wilayah_path=options["wilayah"],
                wilayah_sumber=options["wilayah_sumber"],
                pulau_path=options["pulau"],
                nomenklatur_path=options["nomenklatur"],
                nomenklatur_sumber=options["nomenklatur_sumber"],
                zona_waktu=options["zona_waktu"],
            )
        except ValidationError as exc:
            raise CommandError("\n".join(error_messages(exc))) from exc
        pasang.setup_code_discard()
        self.stdout.write(
            self.style.SUCCESS(
                f"{r.pemda} ({r.pemda.kode}) terpasang: {r.wilayah} wilayah, "
                f"{r.nomenklatur} nomenklatur {r.tahun}, tahun anggaran {r.tahun} dibuka, "
                f"admin '{r.admin_username}'."
            )
        )
