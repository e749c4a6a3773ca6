"""The per-pemda SIPD mapping (decision 0023): how SIPD's units, funding sources, places and
indicator units are read as Pantau's OPDs, `SumberDana`, `Wilayah` and formula types.

The mapping's exchange form is CSV (`jenis,nilai_sipd,tujuan`) or JSON
(`{"tahap", "jenis_kas", "rumus_bawaan", "nilai": [{"jenis", "nilai_sipd", "tujuan"}]}`);
`tujuan` is the OPD code, the funding source code, the wilayah code or the formula number 1–4.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pantau.audit.services import audit_record
from pantau.core.errors import error_messages
from pantau.core.tabular import CellErrors, read_text
from pantau.organisations.choices import Role
from pantau.organisations.models import Opd, Pemda, Wilayah
from pantau.planning.choices import JenisPemetaanSipd, Rumus, TahapAnggaran
from pantau.planning.models import PemetaanSipd, PemetaanSipdNilai, SumberDana

CSV_HEADER = ["jenis", "nilai_sipd", "tujuan"]
EDITOR_ROLES = frozenset({Role.ADMIN, Role.VERIFIKATOR})


def key(value) -> str:
    """How SIPD values are compared: text of the cell, blanks collapsed, case ignored."""
    return " ".join(read_text(value).split()).casefold()


@dataclass
class Pemetaan:
    """A pemda's mapping, read once for a conversion."""

    pemda_id: int
    tahap: str = TahapAnggaran.MURNI
    jenis_kas: str = "belanja"
    rumus_bawaan: int = Rumus.TREN_POSITIF
    nilai: dict[str, dict[str, object]] = field(
        default_factory=lambda: {j: {} for j in JenisPemetaanSipd.values}
    )

    def find(self, jenis: str, *values):
        """The Pantau target of the first of `values` that is mapped, else None."""
        table = self.nilai[jenis]
        for value in values:
            k = key(value)
            if k and k in table:
                return table[k]
        return None


def pemetaan_for(pemda: Pemda) -> Pemetaan:
    """The mapping of this pemda only (never another pemda's rows)."""
    settings_row = PemetaanSipd.objects.filter(pemda=pemda).first()
    out = Pemetaan(pemda_id=pemda.pk)
    if settings_row:
        out.tahap = settings_row.tahap
        out.jenis_kas = settings_row.jenis_kas
        out.rumus_bawaan = settings_row.rumus_bawaan
    rows = PemetaanSipdNilai.objects.filter(pemda=pemda).select_related(
        "opd", "sumber_dana", "wilayah"
    )
    for row in rows:
        target = row.opd or row.sumber_dana or row.wilayah or row.rumus
        out.nilai[row.jenis][key(row.nilai_sipd)] = target
    return out


def can_edit(user, pemda: Pemda) -> bool:
    from pantau.organisations.access import scope_for

    return scope_for(user).role_in(pemda.pk) in EDITOR_ROLES


def _target(pemda: Pemda, jenis: str, tujuan: str) -> dict:
    """The model fields of one mapping row's target; ValidationError when it does not exist."""
    if jenis == JenisPemetaanSipd.UNIT:
        opd = Opd.objects.filter(pemda=pemda, kode=tujuan).first()
        if opd is None:
            raise ValidationError(_("OPD berkode %(k)s tidak ada di pemda ini.") % {"k": tujuan})
        return {"opd": opd}
    if jenis == JenisPemetaanSipd.DANA:
        dana = SumberDana.objects.filter(kode=tujuan).first()
        if dana is None:
            raise ValidationError(_("Sumber dana berkode %(k)s tidak ada.") % {"k": tujuan})
        return {"sumber_dana": dana}
    if jenis in (JenisPemetaanSipd.KECAMATAN, JenisPemetaanSipd.DESA):
        wilayah = Wilayah.objects.filter(pemda=pemda, kode=tujuan).first()
        if wilayah is None:
            raise ValidationError(
                _("Wilayah berkode %(k)s tidak ada di pemda ini.") % {"k": tujuan}
            )
        return {"wilayah": wilayah}
    if tujuan not in {str(v) for v in Rumus.values}:
        raise ValidationError(_("Rumus capaian harus 1, 2, 3 atau 4."))
    return {"rumus": int(tujuan)}


def parse_csv(text: str) -> list[dict]:
    """Mapping rows from CSV text with the header `jenis,nilai_sipd,tujuan` (, or ;)."""
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text.strip(), newline=""), delimiter=delimiter)
    rows = [r for r in reader if any(c.strip() for c in r)]
    if not rows:
        return []
    header = [c.strip().lower() for c in rows[0]]
    if header[:3] != CSV_HEADER:
        raise ValidationError(_("Baris judul pemetaan harus: %(h)s.") % {"h": ",".join(CSV_HEADER)})
    return [
        {"baris": n, **dict(zip(CSV_HEADER, (c.strip() for c in r), strict=False))}
        for n, r in enumerate(rows[1:], start=2)
    ]


def parse_json(text: str) -> dict:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ValidationError(_("Pemetaan bukan JSON yang valid.")) from exc
    if not isinstance(data, dict) or not isinstance(data.get("nilai", []), list):
        raise ValidationError(_("Pemetaan JSON harus berupa objek dengan daftar 'nilai'."))
    data["nilai"] = [
        {"baris": n, **{k: read_text(v) for k, v in item.items()}}
        for n, item in enumerate(data.get("nilai", []), start=1)
        if isinstance(item, dict)
    ]
    return data


@transaction.atomic
def pemetaan_sipd_set(
    *,
    actor,
    pemda: Pemda,
    tahap: str,
    jenis_kas: str,
    rumus_bawaan: int,
    entries: list[dict],
) -> PemetaanSipd:
    """Replace the pemda's whole SIPD mapping; nothing changes when one row is wrong."""
    if actor is not None and not can_edit(actor, pemda):
        raise ValidationError(_("Hanya admin atau verifikator pemda ini yang dapat mengubah."))
    errors = CellErrors()
    settings_row = PemetaanSipd.objects.filter(pemda=pemda).first() or PemetaanSipd(pemda=pemda)
    settings_row.tahap, settings_row.jenis_kas = tahap, (jenis_kas or "").strip()
    settings_row.rumus_bawaan = rumus_bawaan
    try:
        settings_row.full_clean()
    except ValidationError as exc:
        errors.add_validation("", None, "", exc)
    rows, seen = [], set()
    for entry in entries:
        n = entry.get("baris")
        jenis = (entry.get("jenis") or "").strip().lower()
        nilai = " ".join((entry.get("nilai_sipd") or "").split())
        tujuan = (entry.get("tujuan") or "").strip()
        if jenis not in JenisPemetaanSipd.values:
            errors.add("", n, "jenis", _("Jenis '%(j)s' tidak dikenal.") % {"j": jenis})
            continue
        if not nilai or not tujuan:
            errors.add("", n, "nilai_sipd", _("Nilai SIPD dan tujuan wajib diisi."))
            continue
        if (jenis, key(nilai)) in seen:
            errors.add("", n, "nilai_sipd", _("Nilai SIPD %(v)s ganda.") % {"v": nilai})
            continue
        seen.add((jenis, key(nilai)))
        target = errors.check("", n, "tujuan", _target, pemda, jenis, tujuan)
        if target is None:
            continue
        row = PemetaanSipdNilai(pemda=pemda, jenis=jenis, nilai_sipd=nilai, **target)
        try:
            row.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for message in error_messages(exc):
                errors.add("", n, "tujuan", message)
            continue
        rows.append(row)
    if errors:
        raise errors.as_validation_error()
    before = {
        "nilai": PemetaanSipdNilai.objects.filter(pemda=pemda).count(),
        "tahap": PemetaanSipd.objects.filter(pk=settings_row.pk)
        .values_list("tahap", flat=True)
        .first(),
    }
    settings_row.save()
    PemetaanSipdNilai.objects.filter(pemda=pemda).delete()
    PemetaanSipdNilai.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        action="pemetaan_sipd.set",
        obj=settings_row,
        changes={
            "_summary": {
                "sebelum": before,
                "tahap": tahap,
                "jenis_kas": settings_row.jenis_kas,
                "rumus_bawaan": rumus_bawaan,
                "nilai": len(rows),
            }
        },
    )
    return settings_row


def pemetaan_csv(pemda: Pemda) -> str:
    """The pemda's mapping rows as CSV (the form `parse_csv` reads)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    rows = PemetaanSipdNilai.objects.filter(pemda=pemda).select_related(
        "opd", "sumber_dana", "wilayah"
    )
    for row in rows:
        target = row.opd or row.sumber_dana or row.wilayah
        writer.writerow([row.jenis, row.nilai_sipd, target.kode if target else row.rumus])
    return out.getvalue()


__all__ = ["Pemetaan", "pemetaan_csv", "pemetaan_for", "pemetaan_sipd_set"]


def pemetaan_pemda(*, user) -> Pemda:
    """The pemda whose SIPD mapping the user edits (admin or verifikator there), or 404."""
    from django.http import Http404

    from pantau.organisations.selectors import pemda_list_for_user

    pemda = next((p for p in pemda_list_for_user(user=user) if can_edit(user, p)), None)
    if pemda is None:
        raise Http404
    return pemda


def pemetaan_settings(pemda: Pemda) -> PemetaanSipd:
    """The pemda's settings row, or the defaults (unsaved) when none was saved yet."""
    return PemetaanSipd.objects.filter(pemda=pemda).first() or PemetaanSipd(pemda=pemda)
