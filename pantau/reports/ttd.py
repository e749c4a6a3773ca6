"""Who signs which report, in which order (issue 14 §5; docs/domain.md §11; docs/reports.md
"Archive"). Pure rules over the report's kind and OPD, read by the signing service, the
detail page and the builders' empty signature block:

- Formulir E.81: "Disusun" by the head of the OPD (role `kepala_opd` of that OPD), then
  "Dievaluasi" by Bappeda: the role `verifikator` ("Verifikator (Bappeda)") of the pemda. The
  project has no separate "head of Bappeda" role; the head of Bappeda (or whoever Bappeda
  names to evaluate) holds the verifier role, and their position (`Membership.jabatan`, e.g.
  "Kepala Bappeda") is printed under the signature.
- Every other report of an OPD (Form B, RFK of an OPD): the head of that OPD.
- A report of the pemda (RFK of the pemda, ranking, summary): Bappeda (`verifikator`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from pantau.organisations.choices import Role
from pantau.reports.tables import TandaTangan

E81 = "e81"  # the E.81 kind's value (its choice is added with the E.81 builder)


@dataclass(frozen=True)
class Slot:
    peran: object  # the caption above the signature ("Disusun oleh"), lazily translated
    role: str  # the role that signs it
    opd: bool  # signed by the report's own OPD (else by the pemda's role)
    jabatan: object  # the position printed when the signer has none on their membership


KEPALA = _("Kepala Perangkat Daerah")
BAPPEDA = _("Bappeda")


def slots_for(*, jenis: str, opd_id: int | None) -> list[Slot]:
    """The signatures a report needs, in the order they are given."""
    if jenis == E81:
        return [
            Slot(_("Disusun oleh"), Role.KEPALA_OPD, True, KEPALA),
            Slot(_("Dievaluasi oleh"), Role.VERIFIKATOR, False, BAPPEDA),
        ]
    if opd_id is not None:
        return [Slot(_("Mengetahui"), Role.KEPALA_OPD, True, KEPALA)]
    return [Slot(_("Mengetahui"), Role.VERIFIKATOR, False, BAPPEDA)]


def blok_kosong(*, jenis: str, opd_id: int | None, opd_nama: str = "") -> list[TandaTangan]:
    """The empty signature block of a report (lines to sign on)."""
    out = []
    for slot in slots_for(jenis=jenis, opd_id=opd_id):
        jabatan = str(slot.jabatan)
        if slot.opd and opd_nama:
            jabatan = _("Kepala %(opd)s") % {"opd": opd_nama}
        out.append(TandaTangan(peran=str(slot.peran), jabatan=str(jabatan)))
    return out
