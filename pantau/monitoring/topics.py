"""What monitoring's services hand to the layers above (pantau.core.handoff)."""

from pantau.core.handoff import declare

REPORTS_CHANGED = declare(
    "monitoring.reports_changed",
    "Monthly reports of these sub kegiatan were written, imported or changed status (sub_ids).",
)
INDICATOR_VALUES_CHANGED = declare(
    "monitoring.indicator_values_changed",
    "Monthly values of these indicators were written or imported (indikator_ids).",
)
TRANSITION_DONE = declare(
    "monitoring.transition_done",
    "A workflow step of a report was taken (realisasi, name, actor, catatan).",
)
PERIOD_REOPENED = declare(
    "monitoring.period_reopened",
    "A closed period was reopened for one OPD (opening).",
)
REPORTS_VERIFIED_IN_BULK = declare(
    "monitoring.reports_verified_in_bulk",
    "Bappeda verified these reports in one bulk run (realisasi_ids, actor).",
)
