"""`pantau audit verify`: walk every audit chain and name the first broken link of each;
`pantau audit kepala`: write today's head file now (the task queue does it every day)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from pantau.audit import chain, triggers

KINDS = {
    chain.CONTENT_CHANGED: lambda: _("isi berubah (hash tidak cocok dengan isinya)"),
    chain.ROW_MISSING: lambda: _("baris hilang"),
    chain.ROW_INSERTED: lambda: _("baris disisipkan (tautan ke baris sebelumnya tidak cocok)"),
    chain.SEQUENCE_GAP: lambda: _("urutan loncat"),
    chain.HEAD_MISMATCH: lambda: _("kepala rantai tidak cocok"),
}


def describe(found: chain.Break) -> str:
    where = _("rantai %(chain)s, urutan %(seq)s") % {"chain": found.chain, "seq": found.seq}
    if found.event_id is not None:
        where += ", " + _("peristiwa #%(id)s") % {"id": found.event_id}
    text = f"{where}: {KINDS[found.kind]()}"
    if found.expected or found.found:
        text += " " + _("(seharusnya %(expected)s, ditemukan %(found)s)") % {
            "expected": found.expected or "-",
            "found": found.found or "-",
        }
    return text


class Command(BaseCommand):
    help = (
        "Periksa rantai hash jejak audit (verify) atau tulis berkas kepala hari ini (kepala). "
        "/ Verify the audit hash chains, or write today's head file."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="perintah", required=True)
        verify = sub.add_parser("verify", help="periksa setiap rantai / walk every chain")
        verify.add_argument(
            "--kepala",
            type=Path,
            help="berkas kepala pembanding (bawaan: yang terbaru) / head file to compare with",
        )
        verify.add_argument(
            "--tanpa-kepala",
            action="store_true",
            help="jangan bandingkan dengan berkas kepala / do not compare with a head file",
        )
        kepala = sub.add_parser(
            "kepala", help="tulis berkas kepala hari ini / write today's head file"
        )
        for each in (verify, kepala):
            each.add_argument("--bahasa", choices=["id", "en"], default=settings.LANGUAGE_CODE)

    def handle(self, *args, **options):
        with translation.override(options["bahasa"]):
            if options["perintah"] == "kepala":
                path = chain.head_file_write()
                self.stdout.write(_("Berkas kepala: %(path)s") % {"path": path})
                return
            self._verify(options)

    def _verify(self, options):
        head_file = None
        if not options["tanpa_kepala"]:
            head_file = options["kepala"] or chain.head_file_latest()
            if options["kepala"] and not head_file.is_file():
                raise CommandError(_("Berkas kepala %(path)s tidak ada.") % {"path": head_file})
        with transaction.atomic():  # one consistent view of every chain
            breaks, checked = chain.verify(head_file=head_file)
        if head_file is None:
            self.stdout.write(self.style.WARNING(_("Belum ada berkas kepala untuk pembanding.")))
        else:
            self.stdout.write(_("Dibandingkan dengan %(path)s.") % {"path": head_file})
        guarded = triggers.present(connection)
        if not guarded:
            self.stderr.write(
                self.style.ERROR(_("Pemicu penolak UPDATE/DELETE tidak terpasang di basis data."))
            )
        for found in breaks:
            self.stderr.write(describe(found))
        if breaks:
            raise CommandError(
                _("Rantai audit putus: %(n)s rantai rusak.") % {"n": len(breaks)}, returncode=2
            )
        if not guarded:
            # the links hold, but someone removed the guard: a monitor must hear of it (exit 3)
            raise CommandError(
                _(
                    "Rantai audit utuh (%(n)s peristiwa), tetapi pemicunya hilang: periksa siapa "
                    "yang menghapusnya, lalu pasang lagi (docs/operations.md, “Audit chain”)."
                )
                % {"n": checked},
                returncode=3,
            )
        self.stdout.write(
            self.style.SUCCESS(_("Rantai audit utuh: %(n)s peristiwa diperiksa.") % {"n": checked})
        )
