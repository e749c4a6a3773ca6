"""The CKAN Action API's common ground: limits, the error every action raises, timestamps in
CKAN's format, and the call context with its clock (the time limit covers the whole call)."""

from __future__ import annotations

import datetime as dt
import time

from pantau.opendata import public

CKAN_VERSION = "2.11.0"
MAX_ROWS = 1000
DATASTORE_MAX = 32000


class ActionError(Exception):
    def __init__(self, kind: str, message: str = "", status: int = 400, fields=None):
        super().__init__(message)
        self.kind, self.message, self.status, self.fields = kind, message, status, fields or {}


def not_found(detail: str) -> ActionError:
    return ActionError("Not Found Error", f"Not found: {detail}", 404)


def validation(**fields) -> ActionError:
    return ActionError("Validation Error", status=409, fields=fields)


def stamp(when: dt.datetime | None) -> str | None:
    """CKAN timestamps: naive UTC with six fractional digits, always."""
    if when is None:
        return None
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def now() -> float:
    """The clock of the time limit (monotonic; one place, so that tests can move it)."""
    return time.monotonic()


class Context:
    def __init__(self, pemda, base: str, deadline: float, changed=None) -> None:
        self.pemda, self.base, self.deadline = pemda, base, deadline
        self._changed = changed

    @property
    def changed(self):
        """The catalogue's last change (`public.last_change`), read once per call."""
        if self._changed is None:
            self._changed = public.last_change(self.pemda)
        return self._changed

    def check_time(self) -> None:
        if now() > self.deadline:
            raise ActionError("Search Error", "Search error: the query took too long", 409)
