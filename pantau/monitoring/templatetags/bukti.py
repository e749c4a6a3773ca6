"""Evidence and reports in templates: a photo's and a report's warnings in the reader's language,
wherever they are judged."""

from __future__ import annotations

from django import template

from pantau.monitoring.evidence import warning_messages
from pantau.monitoring.rules import warning_text

register = template.Library()


@register.filter
def peringatan_bukti(bukti) -> list[str]:
    """The doubts about a photo (no EXIF time or GPS, taken far away or before the month)."""
    return warning_messages(bukti)


@register.filter
def pesan_peringatan(warning: dict) -> str:
    """One stored warning of a report (`rules.warnings_realisasi`) in the reader's language."""
    return warning_text(warning)
