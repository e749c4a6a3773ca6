"""Category tables (predikat) loaded from data, and the lookup of a value's category."""

from __future__ import annotations

import csv
import re
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pantau.audit.services import audit_record
from pantau.evaluation.models import KategoriPenilaian

CAPAIAN = "capaian_kinerja_p86_2017"
_RANGE = re.compile(
    r"^\s*(?:(?P<lo>[\d.]+)\s*(?P<lop><=|<))?\s*x\s*(?:(?P<hop><=|<)\s*(?P<hi>[\d.]+))?"
)


def parse_rule(rule: str, lower: Decimal | None, upper: Decimal | None) -> tuple[bool, bool]:
    """(lower inclusive, upper inclusive) from a rule such as `76<=x<91`, `90<x<=100`, `>=91`,
    `x<=50`. Where the printed upper bound differs from the numeric column (the printed
    Permendagri table leaves gaps, e.g. `x<=50` with batas_atas 51), the column wins and is
    exclusive, which closes the gap (data/README, project decision)."""
    text = rule.strip()
    if text.startswith(">="):
        return True, False
    if text.startswith(">"):
        return False, False
    match = _RANGE.match(text)
    if not match:
        raise ValidationError(_("Aturan batas '%(r)s' tidak dapat dibaca.") % {"r": rule})
    lower_incl = match["lop"] != "<" if match["lo"] else True
    upper_incl = match["hop"] == "<="
    if match["hi"] is not None and upper is not None and Decimal(match["hi"]) != upper:
        upper_incl = False
    return lower_incl, upper_incl


def _decimal(text: str) -> Decimal | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("Batas '%(v)s' bukan angka.") % {"v": text}) from None


@transaction.atomic
def kategori_load(*, actor, path: Path) -> int:
    """Replace the category tables with those of a CSV shaped like `kategori_penilaian.csv`.

    Rows keep the file's order within a scheme (best first). Ranges of a scheme must not overlap.
    """
    rows: list[KategoriPenilaian] = []
    with Path(path).open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        order: dict[str, int] = {}
        for row in reader:
            skema = row["skema"].strip()
            order[skema] = order.get(skema, 0) + 1
            lower, upper = _decimal(row["batas_bawah"]), _decimal(row["batas_atas"])
            lower_incl, upper_incl = parse_rule(row["aturan_batas"], lower, upper)
            colour = next(
                (w for w in row.get("catatan", "").split() if re.fullmatch(r"#[0-9a-fA-F]{6}", w)),
                "",
            )
            rows.append(
                KategoriPenilaian(
                    skema=skema,
                    label=row["label"].strip(),
                    urutan=order[skema],
                    batas_bawah=lower,
                    batas_atas=upper,
                    bawah_inklusif=lower_incl,
                    atas_inklusif=upper_incl,
                    aturan_batas=row["aturan_batas"].strip()[:200],
                    warna=colour,
                    catatan=row.get("catatan", "").strip()[:300],
                    sumber=row.get("sumber", "").strip(),
                )
            )
    for obj in rows:
        obj.full_clean(validate_unique=False, validate_constraints=False)
    _check_no_overlap(rows)
    KategoriPenilaian.objects.all().delete()
    KategoriPenilaian.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        action="kategori.load",
        object_type="evaluation.kategoripenilaian",
        object_repr=Path(path).name,
        changes={"_summary": {"rows": len(rows)}},
    )
    _cache.clear()
    return len(rows)


def _check_no_overlap(rows: list[KategoriPenilaian]) -> None:
    by_scheme: dict[str, list[KategoriPenilaian]] = {}
    for row in rows:
        by_scheme.setdefault(row.skema, []).append(row)
    for skema, cats in by_scheme.items():
        probes = {b for c in cats for b in (c.batas_bawah, c.batas_atas) if b is not None}
        for value in probes:
            hits = [c.label for c in cats if c.contains(value)]
            if len(hits) > 1:
                raise ValidationError(
                    _("Skema %(s)s: nilai %(v)s masuk ke lebih dari satu kategori (%(c)s).")
                    % {"s": skema, "v": value, "c": ", ".join(hits)}
                )


# Per-process cache of the (small, rarely changed) tables; entries expire so that a reload on one
# app server reaches the others within CACHE_SECONDS.
CACHE_SECONDS = 300
_cache: dict[str, tuple[float, list[KategoriPenilaian]]] = {}


def kategori_list(skema: str = CAPAIAN) -> list[KategoriPenilaian]:
    now = time.monotonic()
    hit = _cache.get(skema)
    if hit is None or now - hit[0] > CACHE_SECONDS:
        hit = (now, list(KategoriPenilaian.objects.filter(skema=skema).order_by("urutan")))
        _cache[skema] = hit
    return hit[1]


def kategori_for(value: Decimal | None, skema: str = CAPAIAN) -> KategoriPenilaian | None:
    """The category of a value in a scheme; None for an undefined value or no matching row."""
    if value is None:
        return None
    return next((c for c in kategori_list(skema) if c.contains(value)), None)
