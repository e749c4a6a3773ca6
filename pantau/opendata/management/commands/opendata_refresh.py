"""`pantau opendata_refresh [--tahun N]`: rebuild the development datasets from the verified
reports now (the task queue does it every 30 minutes)."""

from django.core.management.base import BaseCommand

from pantau.opendata import development
from pantau.organisations.models import Pemda


class Command(BaseCommand):
    help = "Perbarui dataset pembangunan dari laporan terverifikasi / refresh development datasets"

    def add_arguments(self, parser):
        parser.add_argument("--tahun", type=int, help="satu tahun anggaran saja")

    def handle(self, *args, tahun=None, **options):
        if tahun is None:
            count = development.refresh_all()
        else:
            count = sum(
                len(development.refresh(pemda=p, tahun=tahun))
                for p in Pemda.objects.filter(aktif=True)
            )
        self.stdout.write(f"{count} dataset pembangunan diperiksa / checked")
