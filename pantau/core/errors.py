"""Helpers to turn validation errors into one clear message for people."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def error_messages(exc: ValidationError) -> list[str]:
    """All messages of a ValidationError, field names stripped, in the active language."""
    if hasattr(exc, "error_dict"):
        return [str(m) for errors in exc.message_dict.values() for m in errors]
    return [str(m) for m in exc.messages]
