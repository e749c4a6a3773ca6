"""Evidence in templates: a photo's warnings in the reader's language, wherever it is judged."""

from __future__ import annotations

from django import template

from pantau.monitoring.evidence import warning_messages

register = template.Library()


@register.filter
def peringatan_bukti(bukti) -> list[str]:
    """The doubts about a photo (no EXIF time or GPS, taken far away or before the month)."""
    return warning_messages(bukti)
