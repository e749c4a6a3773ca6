"""Reading one SIPD value: SIPD's own machine numbers in JSON ("1250000.00", 1250000.0), the
Indonesian way in spreadsheet text (`1.250.000,00`), exact number cells either way."""

from __future__ import annotations

import re
from decimal import Decimal

from pantau.core.tabular import is_empty, read_number, read_text

MACHINE = re.compile(r"^-?\d+(?:\.\d+)?$")


def number(record, name: str) -> Decimal:
    value = record.values.get(name)
    if record.source == "json" and isinstance(value, str) and MACHINE.match(value.strip()):
        return Decimal(value.strip())
    return read_number(value, label=name)


def text(record, name: str) -> str:
    return " ".join(read_text(record.values.get(name)).split())


def inactive(record) -> bool:
    """SIPD marks deleted rows `active = 0` (wp-sipd keeps them); they are skipped."""
    value = record.values.get("active")
    return not is_empty(value) and read_text(value) in {"0", "0.0", "false", "False"}
