"""What planning's services hand to the layers above (pantau.core.handoff)."""

from pantau.core.handoff import declare

SUB_KEGIATAN_CHANGED = declare(
    "planning.sub_kegiatan_changed",
    "Budget, cash plan or targets of these sub kegiatan changed (sub_ids).",
)
INDIKATOR_CHANGED = declare(
    "planning.indikator_changed",
    "Targets or formula of these indicators changed, or they were created (indikator_ids).",
)
TAHAP_CHANGED = declare(
    "planning.tahap_changed",
    "The budget version in force of a fiscal year changed (actor, tahun_anggaran).",
)
BUDGET_CHECK = declare(
    "planning.budget_check",
    "Asked (collect) before a sub kegiatan's new budget is kept (sub_kegiatan): the errors "
    "that refuse it.",
)
DOKUMEN_TRANSITION = declare(
    "planning.dokumen_transition",
    "A step of a plan version was taken (dokumen, name, actor, catatan): the notices follow.",
)
PLAN_REMOVED = declare(
    "planning.plan_removed",
    "A program, kegiatan, sub kegiatan or indicator was deleted from a year's plan "
    "(tahun_anggaran): the roll-ups of the year are rebuilt.",
)
