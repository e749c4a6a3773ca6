from django.core.management.base import BaseCommand, CommandError

from pantau.evaluation import rollup
from pantau.organisations.models import Pemda


class Command(BaseCommand):
    help = (
        "Hitung ulang semua tabel ringkasan dari data mentah dan laporkan selisihnya. "
        "/ Recompute every roll-up row from the raw rows and report differences."
    )

    def add_arguments(self, parser):
        parser.add_argument("--pemda", help="kode pemda, mis. 74.07 (bawaan: semua)")
        parser.add_argument(
            "--perbaiki", action="store_true", help="bangun ulang bila ada selisih / rebuild"
        )

    def handle(self, *args, **options):
        pemda = None
        if options["pemda"]:
            pemda = Pemda.objects.filter(kode=options["pemda"]).first()
            if pemda is None:
                raise CommandError(f"Pemda {options['pemda']} tidak ada.")
        diffs = rollup.check(pemda=pemda)
        for diff in diffs[:50]:
            self.stdout.write(str(diff))
        if not diffs:
            self.stdout.write(
                self.style.SUCCESS("Ringkasan sesuai data mentah. / Roll-ups match the raw rows.")
            )
            return
        if options["perbaiki"]:
            from pantau.planning.models import TahunAnggaran

            years = (
                TahunAnggaran.objects.all()
                if pemda is None
                else TahunAnggaran.objects.filter(pemda=pemda)
            )
            for ta in years:
                rollup.refresh_year(ta)
            self.stdout.write(
                self.style.WARNING(f"{len(diffs)} selisih diperbaiki. / differences rebuilt.")
            )
            return
        raise CommandError(f"{len(diffs)} selisih ditemukan. / differences found.")
