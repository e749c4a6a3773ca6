"""Monitoring's answers to planning's budget hand-offs (pantau.core.handoff, decision 0018):
realisation already reported is monitoring's to judge when planning changes a pagu."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import ExpressionWrapper, F, OuterRef, Subquery, Sum
from django.utils.translation import gettext as _

from pantau.audit.services import audit_record
from pantau.core.numbers import format_rupiah
from pantau.monitoring.models import Realisasi
from pantau.planning.expressions import MONEY, pagu_expression
from pantau.planning.models import SubKegiatan, TahunAnggaran


def realised_beyond_pagu(*, sub_kegiatan: SubKegiatan) -> list[str]:
    """`planning.budget_check`: the cumulative realisation may not exceed the new pagu."""
    sub = sub_kegiatan
    realised = Realisasi.objects.filter(sub_kegiatan=sub).aggregate(t=Sum("keuangan"))[
        "t"
    ] or Decimal(0)
    if realised <= sub.pagu:
        return []
    return [
        _("Realisasi kumulatif %(kode)s (Rp %(r)s) sudah melebihi pagu yang berlaku (Rp %(p)s).")
        % {"kode": sub.kode, "r": format_rupiah(realised), "p": format_rupiah(sub.pagu)}
    ]


def over_budget_codes(ta: TahunAnggaran) -> list[str]:
    """Codes of sub kegiatan whose cumulative realisation exceeds the pagu in force (one query)."""
    realised = (
        Realisasi.objects.filter(sub_kegiatan=OuterRef("pk"))
        .order_by()
        .values("sub_kegiatan")
        .annotate(t=Sum("keuangan"))
        .values("t")
    )
    return list(
        SubKegiatan.objects.filter(tahun_anggaran=ta)
        .annotate(
            r=Subquery(realised, output_field=MONEY),
            p=ExpressionWrapper(pagu_expression(ta.tahap), output_field=MONEY),
        )
        .filter(r__gt=F("p"))
        .order_by("kode")
        .values_list("kode", flat=True)
    )


def audit_over_budget(*, actor, tahun_anggaran: TahunAnggaran) -> None:
    """`planning.tahap_changed`: an enacted APBD-P is always accepted; the sub kegiatan already
    realised beyond their new pagu are named in an audit event (and flagged in the roll-ups)."""
    over = over_budget_codes(tahun_anggaran)
    if over:
        audit_record(
            actor=actor,
            action="tahun_anggaran.melebihi_pagu",
            obj=tahun_anggaran,
            changes={"_summary": {"jumlah": len(over), "kode": over[:200]}},
        )
