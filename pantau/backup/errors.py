"""Errors of backup, restore and verification: Indonesian and English (gettext), so that a
command prints "Indonesian / English" and a BackupRun keeps both."""

from __future__ import annotations

from typing import Any

from django.utils import translation


class BackupError(Exception):
    def __init__(self, message: Any, **params: Any) -> None:
        super().__init__(str(message))
        self.message = message  # a gettext_lazy string
        self.params = params

    def render(self, language: str | None = None) -> str:
        if language is None:
            return str(self.message) % self.params if self.params else str(self.message)
        with translation.override(language):
            return self.render()

    def both(self) -> str:
        ind, eng = self.render("id"), self.render("en")
        return ind if ind == eng else f"{ind} / {eng}"
