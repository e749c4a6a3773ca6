"""Who may do what to a monthly report, and when a period is open (docs/domain.md §12).

draft → diajukan (operator) → disetujui (kepala OPD) → diverifikasi (verifikator, locked).
At each step the report can be returned with a note (dikembalikan) and goes back to the operator.
In an open or reopened period the operator can start a correction of a verified report (a new
version, back to draft); its verified version stays official until the correction is verified.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pantau.monitoring.choices import StatusRealisasi as S
from pantau.organisations.access import scope_for
from pantau.organisations.choices import Role


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    role: str
    label: str
    needs_note: bool = False


TRANSITIONS = {
    t.name: t
    for t in [
        Transition(
            "submit",
            frozenset({S.DRAFT, S.DIKEMBALIKAN}),
            S.DIAJUKAN,
            Role.OPERATOR_OPD,
            _("Ajukan"),
        ),
        Transition("approve", frozenset({S.DIAJUKAN}), S.DISETUJUI, Role.KEPALA_OPD, _("Setujui")),
        Transition(
            "return_opd",
            frozenset({S.DIAJUKAN}),
            S.DIKEMBALIKAN,
            Role.KEPALA_OPD,
            _("Kembalikan ke operator"),
            needs_note=True,
        ),
        Transition(
            "verify", frozenset({S.DISETUJUI}), S.DIVERIFIKASI, Role.VERIFIKATOR, _("Verifikasi")
        ),
        Transition(
            "return_bappeda",
            frozenset({S.DIAJUKAN, S.DISETUJUI}),
            S.DIKEMBALIKAN,
            Role.VERIFIKATOR,
            _("Kembalikan ke OPD"),
            needs_note=True,
        ),
        # A verified report of an open (or reopened) period can be corrected: the correction
        # is a new version that goes through the same steps; the verified version stays the
        # official one until the correction is verified.
        Transition(
            "correct",
            frozenset({S.DIVERIFIKASI}),
            S.DRAFT,
            Role.OPERATOR_OPD,
            _("Buat koreksi"),
            needs_note=True,
        ),
    ]
}
EDITABLE = frozenset({S.DRAFT, S.DIKEMBALIKAN})


def role_for(user, opd) -> str | None:
    """The user's role towards this OPD: an OPD role only counts in the user's own OPD."""
    scope = scope_for(user)
    role = scope.role_in(opd.pemda_id)
    if role in {Role.OPERATOR_OPD, Role.KEPALA_OPD} and opd.id not in scope.opd_ids:
        return None
    return role


def allowed_transitions(user, realisasi) -> list[Transition]:
    role = role_for(user, realisasi.opd)
    return [t for t in TRANSITIONS.values() if t.role == role and realisasi.status in t.sources]


def can_edit(user, opd) -> bool:
    return role_for(user, opd) == Role.OPERATOR_OPD


def today_in(pemda) -> dt.date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(pemda.zona_waktu)).date()


class PeriodeState:
    BELUM_DIBUKA = "belum_dibuka"
    TERBUKA = "terbuka"
    DITUTUP = "ditutup"
    DIBUKA_KEMBALI = "dibuka_kembali"


def periode_state(
    periode, opd, *, today: dt.date | None = None, reopened_until: dt.date | None = None
) -> str:
    """Entry is open from the first day of the month to the cut-off (pemda time zone); after
    it the month is locked for the OPD unless an admin reopened it."""
    today = today or today_in(opd.pemda)
    if today < dt.date(periode.tahun_anggaran.tahun, periode.bulan, 1):
        return PeriodeState.BELUM_DIBUKA
    if today <= periode.batas_waktu:
        return PeriodeState.TERBUKA
    if reopened_until is not None and today <= reopened_until:
        return PeriodeState.DIBUKA_KEMBALI
    return PeriodeState.DITUTUP


def ketepatan(realisasi_diajukan_pada, periode, pemda, *, today: dt.date | None = None) -> str:
    """tepat waktu / terlambat / belum (not yet, before the cut-off) / tidak ada (missing)."""
    if realisasi_diajukan_pada is not None:
        local = realisasi_diajukan_pada.astimezone(zoneinfo.ZoneInfo(pemda.zona_waktu)).date()
        return "tepat_waktu" if local <= periode.batas_waktu else "terlambat"
    today = today or today_in(pemda)
    return "belum" if today <= periode.batas_waktu else "tidak_ada"
