"""Database expressions over planning's columns, shared by the layers above."""

from __future__ import annotations

from django.db.models import DecimalField, F
from django.db.models.functions import Coalesce

from pantau.planning.choices import TahapAnggaran

MONEY = DecimalField(max_digits=18, decimal_places=2)


def pagu_expression(tahap: str):
    """The pagu in force as a database expression."""
    if tahap == TahapAnggaran.PERUBAHAN:
        return Coalesce("pagu_perubahan", "pagu_murni")
    return F("pagu_murni")
