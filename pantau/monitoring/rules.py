"""Data-quality rules of monthly realisation, shared by the single-row services and imports.

Pure functions: they take the figures and return messages; callers fetch what they need.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from pantau.core.numbers import format_number, format_rupiah
from pantau.planning.choices import Rumus

HUNDRED = Decimal(100)


def check_realisasi(
    *, pagu: Decimal, keuangan: Decimal, fisik: Decimal, kumulatif_lain: Decimal
) -> list[str]:
    """Errors for one monthly report.

    `kumulatif_lain` is the money reported in the other months of the same year, so the year's
    cumulative realisation after this report is `kumulatif_lain + keuangan`.
    """
    by_field = check_realisasi_fields(
        pagu=pagu, keuangan=keuangan, fisik=fisik, kumulatif_lain=kumulatif_lain
    )
    return [m for messages in by_field.values() for m in messages]


def check_realisasi_fields(
    *, pagu: Decimal, keuangan: Decimal, fisik: Decimal, kumulatif_lain: Decimal
) -> dict[str, list[str]]:
    """The errors of `check_realisasi` keyed by the field they are about (keuangan, fisik), so
    that a form shows each beside its field."""
    errors: dict[str, list[str]] = {}
    if keuangan < 0:
        errors.setdefault("keuangan", []).append(_("Realisasi keuangan tidak boleh negatif."))
    if not Decimal(0) <= fisik <= HUNDRED:
        errors.setdefault("fisik", []).append(_("Realisasi fisik harus di antara 0 dan 100%."))
    total = kumulatif_lain + keuangan
    if total > pagu:
        errors.setdefault("keuangan", []).append(
            _(
                "Realisasi keuangan kumulatif (Rp %(total)s) melebihi pagu yang berlaku "
                "(Rp %(pagu)s)."
            )
            % {"total": format_rupiah(total), "pagu": format_rupiah(pagu)}
        )
    return errors


def check_nilai_indikator(
    *, rumus: int, satuan: str, nilai: Decimal, sebelumnya: Decimal | None
) -> list[str]:
    """Errors for one indicator value, by formula type (docs/domain.md §8)."""
    errors: list[str] = []
    if not nilai.is_finite():
        return [_("Nilai indikator harus berupa angka.")]
    if rumus == Rumus.TREN_POSITIF and nilai < 0:
        errors.append(_("Indikator tren positif tidak boleh bernilai negatif."))
    is_percent = rumus == Rumus.PERSENTASE or satuan.strip() in {"%", "persen"}
    if is_percent and not Decimal(0) <= nilai <= HUNDRED:
        errors.append(_("Nilai persentase harus di antara 0 dan 100."))
    if rumus == Rumus.PERSENTASE and sebelumnya is not None and nilai < sebelumnya:
        errors.append(
            _("Persentase kumulatif tidak boleh turun dari periode sebelumnya (%(prev)s).")
            % {"prev": sebelumnya}
        )
    return errors


def _fisik_turun(now: Decimal, prev: Decimal) -> str:
    return _("Fisik kumulatif (%(now)s%%) lebih rendah dari bulan lalu (%(prev)s%%).") % {
        "now": format_number(now, 1),
        "prev": format_number(prev, 1),
    }


def _selisih(fisik: Decimal, keuangan: Decimal, gap: Decimal) -> str:
    return _("Fisik %(fisik)s%% dan keuangan %(keu)s%% berselisih lebih dari %(gap)s poin.") % {
        "fisik": format_number(fisik, 1),
        "keu": format_number(keuangan, 1),
        "gap": format_number(gap, 1),
    }


def warnings_realisasi(
    *,
    pagu: Decimal,
    kumulatif: Decimal,
    fisik: Decimal,
    fisik_sebelumnya: Decimal | None,
    gap: Decimal,
) -> list[dict[str, str]]:
    """Warnings (not errors) for one monthly report: they need a written explanation.

    - physical progress falling below last month's value (it is cumulative);
    - physical and financial progress diverging by more than `gap` percentage points.

    Each is stored with its code, the figures it was judged on (so that `warning_text` writes
    it again in the reader's language) and its message at the time.
    """
    out: list[dict[str, str]] = []
    if fisik_sebelumnya is not None and fisik < fisik_sebelumnya:
        out.append(
            {
                "kode": "fisik_turun",
                "pesan": _fisik_turun(fisik, fisik_sebelumnya),
                "fisik": str(fisik),
                "sebelumnya": str(fisik_sebelumnya),
            }
        )
    if pagu > 0:
        keuangan = kumulatif * 100 / pagu
        if abs(fisik - keuangan) > gap:
            out.append(
                {
                    "kode": "selisih_fisik_keuangan",
                    "pesan": _selisih(fisik, keuangan, gap),
                    "fisik": str(fisik),
                    "keuangan": str(keuangan),
                    "selisih": str(gap),
                }
            )
    return out


def warning_text(warning: dict) -> str:
    """A stored report warning in the active language, from its code and figures; one stored
    without its figures (before they were kept) keeps its text."""
    kode = warning.get("kode")
    try:
        if kode == "fisik_turun" and "sebelumnya" in warning:
            return _fisik_turun(Decimal(warning["fisik"]), Decimal(warning["sebelumnya"]))
        if kode == "selisih_fisik_keuangan" and "selisih" in warning:
            return _selisih(
                Decimal(warning["fisik"]), Decimal(warning["keuangan"]), Decimal(warning["selisih"])
            )
    except (ArithmeticError, TypeError, ValueError):
        pass
    return str(warning.get("pesan", ""))
