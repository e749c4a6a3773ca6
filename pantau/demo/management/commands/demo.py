import datetime as dt
import time
import zoneinfo

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pantau.core.numbers import format_rupiah
from pantau.demo.generate import build_demo, demo_exists, demo_second_factor_ensure
from pantau.demo.keys import DEMO_TOTP_KEY, demo_totp_code


class Command(BaseCommand):
    help = "Bangun data demo Kabupaten Wakatobi yang deterministik. / Build the deterministic Wakatobi demo."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Lewati bila demo sudah ada. / Skip when the demo already exists.",
        )
        parser.add_argument("--today", help="Tanggal acuan YYYY-MM-DD (bawaan: hari ini, WITA).")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--kode-2fa",
            action="store_true",
            help="Cetak kode verifikasi dua langkah akun demo saat ini. "
            "/ Print the demo accounts' current two-step code.",
        )

    def handle(self, *args, **options):
        if options["kode_2fa"]:
            self.stdout.write(demo_totp_code())
            return
        if demo_exists():
            if options["if_empty"]:
                self.stdout.write("Data demo sudah ada; dipakai ulang. / Demo data exists; reused.")
                demo_second_factor_ensure()
                _second_factor_note(self.stdout)
                _rebuild_rollups_if_dropped(self.stdout)
                return
            raise CommandError(
                "Data demo (pemda 74.07) sudah ada. / The demo pemda 74.07 already exists."
            )
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError(f"--today: format tanggal YYYY-MM-DD ({exc})") from exc
        else:
            today = timezone.now().astimezone(zoneinfo.ZoneInfo("Asia/Makassar")).date()
        started = time.monotonic()
        result = build_demo(today=today, seed=options["seed"], log=lambda m: self.stdout.write(m))
        for year, info in result.years.items():
            self.stdout.write(
                f"TA {year}: {info['sub_kegiatan']} sub kegiatan, pagu Rp {format_rupiah(info['pagu'])}, "
                f"{info['realisasi']} laporan bulanan, {info['indikator']} nilai indikator"
            )
        for note in result.notes:
            self.stdout.write(self.style.WARNING(note))
        self.stdout.write(
            self.style.SUCCESS(f"Demo selesai dalam {time.monotonic() - started:.0f} detik.")
        )
        self.stdout.write("Akun demo / demo accounts (nama pengguna · kata sandi · peran):")
        for username, password, role in result.users:
            self.stdout.write(f"  {username:22} {password}  {role}")
        _second_factor_note(self.stdout)


def _second_factor_note(out) -> None:
    out.write(
        "Verifikasi dua langkah / two-step verification (bupati, admin.kominfo, "
        f"verifikator.bappeda): kunci demo / demo key {DEMO_TOTP_KEY}\n"
        "  tambahkan ke aplikasi autentikator, atau / add it to an authenticator app, or: "
        "pantau demo --kode-2fa"
    )


def _rebuild_rollups_if_dropped(out) -> None:
    """A migration that changes the roll-ups' shape drops their rows (they are derived data):
    rebuild them from the raw rows, once, before the demo is served again."""
    from pantau.evaluation import rollup
    from pantau.evaluation.models import RingkasanSubKegiatan
    from pantau.planning.models import SubKegiatan, TahunAnggaran

    if RingkasanSubKegiatan.objects.exists() or not SubKegiatan.objects.exists():
        return
    out.write("Ringkasan dibangun ulang dari data mentah. / Rebuilding the roll-ups.")
    for ta in TahunAnggaran.objects.all():
        rollup.refresh_year(ta)
