"""The realisation workbook as a kind of the one import-job page (`planning.jobs`, decision
0022): registered from MonitoringConfig.ready; the job carries the OPD whose reports it holds."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pantau.monitoring.services_workbook import (
    WorkbookResult,
    realisasi_workbook_dry_run,
    realisasi_workbook_import,
)
from pantau.monitoring.workflow import can_edit


class _JobResult:
    def __init__(self, result: WorkbookResult):
        self.result = result

    def as_dict(self) -> dict:
        data = self.result.as_dict()
        data["rows"] = [
            {
                "sheet": r["sheet"],
                "row": r["row"],
                "kode": r["kode"] + (f" / {r['bulan']:02d}" if r["bulan"] else ""),
                "outcome": r["hasil"],
                "pesan": r["pesan"],
            }
            for r in data["rows"]
        ]
        return data


def realisasi_job_dry_run(*, actor, content, filename, tahun_anggaran, progress, opd):
    return _JobResult(
        realisasi_workbook_dry_run(
            content,
            filename,
            actor=actor,
            tahun_anggaran=tahun_anggaran,
            opd=opd,
            progress=progress,
        )
    )


def realisasi_job_import(*, actor, content, filename, tahun_anggaran, progress, opd):
    result = realisasi_workbook_import(
        content, filename, actor=actor, tahun_anggaran=tahun_anggaran, opd=opd, progress=progress
    )
    if not result.applied:  # an error found on the second reading: nothing was written
        raise ValidationError([str(e) for e in result.errors])
    return _JobResult(result)


def may_import_realisasi(user, pemda_id: int, opd) -> bool:
    """Only an operator of the OPD imports its reports (as on the report screens)."""
    return opd is not None and opd.pemda_id == pemda_id and can_edit(user, opd)


def register_realisasi() -> None:
    from pantau.planning.jobs import register

    register(
        "realisasi",
        label=_("Realisasi bulanan (templat realisasi)"),
        dry_run=realisasi_job_dry_run,
        run=realisasi_job_import,
        may_use=may_import_realisasi,
        needs_opd=True,
        help=_("Templat realisasi: .xlsx atau .csv, laporan satu OPD."),
    )
