"""The SIPD dry run and import (decision 0023): conversion, then `plan_import` per OPD inside one
transaction, all OPDs or none. Both report progress through `progress(done, total)`."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pantau.audit.services import audit_record
from pantau.core.errors import error_messages
from pantau.core.tabular import CellError, CellErrors
from pantau.organisations.models import Pemda
from pantau.planning.imports import PlanImportResult, plan_import
from pantau.planning.models import TahunAnggaran
from pantau.planning.sipd.convert import Outcome, sipd_convert
from pantau.planning.sipd.pemetaan import can_edit, pemetaan_for
from pantau.planning.sipd.reader import SipdRecords


@dataclass
class SipdResult:
    """A dry run's (or an import's) answer: every record's outcome and every error."""

    outcomes: list[Outcome]
    errors: list[CellError]
    results: dict[str, PlanImportResult] = field(default_factory=dict)  # OPD name -> counts

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "records": [
                {
                    "baris": o.row,
                    "kode_sbl": o.kode_sbl,
                    "kode": o.kode,
                    "nama": o.nama,
                    "opd": o.opd,
                    "pagu": None if o.pagu is None else str(o.pagu),
                    "status": o.status,
                    "catatan": o.catatan,
                }
                for o in self.outcomes
            ],
            "errors": [e.as_dict() for e in self.errors],
            "results": {k: v.__dict__ for k, v in self.results.items()},
        }


class _DryRunRollbackError(Exception):
    pass


def _tahun_anggaran(pemda: Pemda, tahun: int) -> TahunAnggaran:
    ta = TahunAnggaran.objects.filter(pemda=pemda, tahun=tahun).first()
    if ta is None:
        raise ValidationError(
            _("Tahun anggaran %(t)s belum dibuka untuk %(p)s.") % {"t": tahun, "p": pemda.nama}
        )
    return ta


def _check_actor(actor, pemda: Pemda, action: str) -> None:
    """Only an admin or verifikator of the pemda imports SIPD data (all of its OPDs at once); a
    refusal is audited in its own transaction, so the attempt stays on record."""
    if actor is None or can_edit(actor, pemda):
        return
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="sipd.ditolak",
            obj=pemda,
            pemda_id=pemda.pk,
            changes={"_summary": {"langkah": action}},
        )
    raise ValidationError(
        _("Hanya admin atau verifikator pemda ini yang dapat mengimpor data SIPD.")
    )


def _import_all(actor, ta, plans, errors: CellErrors, result: SipdResult, progress, offset, total):
    for n, (opd, programs) in enumerate(plans.items(), start=1):
        try:
            with transaction.atomic():
                result.results[opd.nama] = plan_import(
                    actor=actor, tahun_anggaran=ta, opd=opd, programs=programs
                )
        except ValidationError as exc:
            for message in error_messages(exc):
                errors.add("", None, "", f"{opd.singkatan or opd.nama}: {message}")
        if progress:
            progress(offset + n, total)


def sipd_dry_run(*, actor, pemda: Pemda, tahun: int, records: SipdRecords, progress=None):
    """Every record's outcome and every error, by table, record and field; nothing is written
    (the plan import runs on the valid records and is rolled back)."""
    _check_actor(actor, pemda, "uji_coba")
    ta = _tahun_anggaran(pemda, tahun)
    mapping = pemetaan_for(pemda)
    total = len(records)
    conversion = sipd_convert(records, mapping, tahun, progress)
    total += len(conversion.plans)
    result = SipdResult(conversion.outcomes, [])
    try:
        with transaction.atomic():
            _import_all(
                actor,
                ta,
                conversion.plans,
                conversion.errors,
                result,
                progress,
                len(records),
                total,
            )
            raise _DryRunRollbackError
    except _DryRunRollbackError:
        pass
    result.errors = conversion.errors.errors
    return result


def sipd_import(*, actor, pemda: Pemda, tahun: int, records: SipdRecords, progress=None):
    """Import the plan of every OPD in the records, all or nothing (one transaction): refused
    with every error when one record is wrong."""
    _check_actor(actor, pemda, "impor")
    with transaction.atomic():
        ta = _tahun_anggaran(pemda, tahun)
        mapping = pemetaan_for(pemda)
        conversion = sipd_convert(records, mapping, tahun, progress)
        if conversion.errors:
            raise conversion.errors.as_validation_error()
        total = len(records) + len(conversion.plans)
        result = SipdResult(conversion.outcomes, [])
        _import_all(
            actor, ta, conversion.plans, conversion.errors, result, progress, len(records), total
        )
        if conversion.errors:
            raise conversion.errors.as_validation_error()
        return result
