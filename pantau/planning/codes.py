"""Nomenclature code formats (Kepmendagri 050-5889/2021; docs/domain.md §3.2)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PATTERNS = {
    "urusan": re.compile(r"^[1-8]$"),
    "bidang_urusan": re.compile(r"^[1-8]\.\d{2}$"),
    "program": re.compile(r"^[1-8]\.\d{2}\.\d{2}$"),
    "kegiatan": re.compile(r"^[1-8]\.\d{2}\.\d{2}\.[12]\.\d{2}$"),
    "sub_kegiatan": re.compile(r"^[1-8]\.\d{2}\.\d{2}\.[12]\.\d{2}\.\d{4}$"),
}
EXAMPLES = {
    "urusan": "1",
    "bidang_urusan": "1.02",
    "program": "1.02.02",
    "kegiatan": "1.02.02.2.01",
    "sub_kegiatan": "1.02.02.2.01.0001",
}
# Import normalisation: some sources write the level digit of kegiatan codes as "02".
LEGACY_KEGIATAN = re.compile(r"^(\d)\.(\d{2})\.(\d{2})\.0?([12])\.(\d{2})(?:\.(\d{4}))?$")
REKENING = re.compile(r"^[4-6]\.\d\.\d{2}\.\d{2}\.\d{2}\.\d{3,4}$")


def normalise(kode: str) -> str:
    """Strip blanks and turn a legacy level digit `02` into `2`; other codes are unchanged."""
    kode = kode.strip()
    match = LEGACY_KEGIATAN.match(kode)
    if not match:
        return kode
    u, bb, pp, level, kk, sub = match.groups()
    base = f"{u}.{bb}.{pp}.{level}.{kk}"
    return f"{base}.{sub}" if sub else base


def tingkat_of(kode: str) -> str | None:
    for tingkat, pattern in PATTERNS.items():
        if pattern.match(kode):
            return tingkat
    return None


def validate(kode: str, tingkat: str) -> None:
    if not PATTERNS[tingkat].match(kode or ""):
        raise ValidationError(
            _("Kode %(tingkat)s '%(kode)s' tidak sah; contoh format yang benar: %(contoh)s.")
            % {"tingkat": tingkat.replace("_", " "), "kode": kode, "contoh": EXAMPLES[tingkat]},
            code="kode_format",
        )


def parent(kode: str) -> str | None:
    """The parent code: the last segment removed (for a kegiatan, `.L.KK` together)."""
    tingkat = tingkat_of(kode)
    if tingkat in (None, "urusan"):
        return None
    parts = kode.split(".")
    if tingkat == "kegiatan":
        return ".".join(parts[:3])
    return ".".join(parts[:-1])


def validate_child(kode: str, tingkat: str, parent_kode: str) -> None:
    """The code is valid for its level and sits directly under `parent_kode`."""
    validate(kode, tingkat)
    if parent(kode) != parent_kode:
        raise ValidationError(
            _("Kode %(kode)s tidak berada di bawah %(parent)s.")
            % {"kode": kode, "parent": parent_kode},
            code="kode_induk",
        )


def is_penunjang_program(kode: str) -> bool:
    """Program U.BB.01 is always the support program (PROGRAM PENUNJANG URUSAN ...)."""
    return bool(PATTERNS["program"].match(kode)) and kode.endswith(".01")
