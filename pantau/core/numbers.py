"""Parsing and formatting of money and percentages. Money is always Decimal."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_PLAIN = re.compile(r"^-?\d+(\.\d+)?$")


def _separators() -> tuple[str, str]:
    """(grouping, decimal) separators of the active language: ('.', ',') in Indonesian,
    (',', '.') in English. What a user types is read the way the page wrote it."""
    from django.utils import translation
    from django.utils.formats import get_format

    if translation.get_language() is None:  # translations switched off: the house language
        return ".", ","
    decimal = get_format("DECIMAL_SEPARATOR") or ","
    grouping = get_format("THOUSAND_SEPARATOR") or ("." if decimal == "," else ",")
    return grouping, decimal


def _localised(grouping: str, decimal: str) -> re.Pattern:
    g, d = re.escape(grouping), re.escape(decimal)
    return re.compile(rf"^-?(\d{{1,3}}(?:{g}\d{{3}})+|\d+)(?:{d}\d+)?$")


def parse_decimal(text: str) -> Decimal | None:
    """The number in `text` written the way the active language writes numbers (Indonesian
    `1.250.000,50`, English `1,250,000.50`) or plainly (`1250000.50`), else None.

    A group of three digits after one dot (`1.250`) is a thousands group in Indonesian and a
    decimal in English, exactly as each language reads it."""
    grouping, decimal = _separators()
    text = text.strip().replace("Rp", "").replace("%", "").replace(" ", "").replace("\u00a0", "")
    if _localised(grouping, decimal).match(text):
        number = text.replace(grouping, "").replace(decimal, ".")
    elif _PLAIN.match(text):
        number = text
    else:
        return None
    try:
        result = Decimal(number)
    except InvalidOperation:  # pragma: no cover - the patterns admit only digits
        return None
    return result if result.is_finite() else None


def to_decimal(value, *, label: str) -> Decimal:
    """A Decimal from a Decimal, int or string; floats are refused (never float for Rupiah).

    Strings are read in the active language (`1.250.000,50` or `87,5` in Indonesian,
    `1,250,000.50` in English, with or without `Rp`) or plainly (`1250000.50`). An empty value
    is "wajib diisi", never "'' bukan angka".
    """
    if isinstance(value, bool | float):
        raise ValidationError(
            _("%(label)s: nilai harus berupa angka desimal yang tepat.") % {"label": label}
        )
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str) and not value.strip():
        raise ValidationError(_("%(label)s wajib diisi.") % {"label": label}, code="required")
    elif isinstance(value, str):
        parsed = parse_decimal(value)
        if parsed is None:
            raise ValidationError(
                _("%(label)s: '%(value)s' bukan angka yang sah (contoh: %(example)s).")
                % {"label": label, "value": value.strip(), "example": number_example()},
                code="invalid",
            )
        result = parsed
    else:
        raise ValidationError(_("%(label)s wajib diisi dengan angka.") % {"label": label})
    if not result.is_finite():
        raise ValidationError(_("%(label)s harus berupa angka.") % {"label": label})
    return result


def number_example() -> str:
    """Examples of numbers as the active language writes them: "1.250.000 atau 87,5"."""
    return _("%(a)s atau %(b)s") % {
        "a": format_exact(Decimal(1250000)),
        "b": format_exact(Decimal("87.5")),
    }


def percent(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """numerator / denominator × 100, or None when the denominator is zero (undefined)."""
    if not denominator:
        return None
    return numerator * 100 / denominator


def round2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def format_number(value, places: int = 0) -> str:
    """A number grouped the way the active language writes it (1.234.567,5 in Indonesian,
    1,234,567.5 in English): the one formatter for messages, commands and templates."""
    from django.utils.formats import number_format

    amount = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)


def decimal_places_of(value: Decimal) -> int:
    """How many decimals `value` needs to be written exactly (0 for 1250000.00)."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def format_exact(value) -> str:
    """A number in the active language with exactly the decimals it has (trailing zeros
    dropped): 45,5 · 12,3456 · 1.250.000. Reading it back gives the same number."""
    amount = Decimal(value)
    return format_number(amount, decimal_places_of(amount))


def format_money(value) -> str:
    """A money amount, exact: whole rupiah without decimals (1.250.000), otherwise with its
    cents (1.250.000,50). Reading it back gives the same amount, to the cent."""
    amount = Decimal(value)
    places = decimal_places_of(amount)
    return format_number(amount, 0 if places == 0 else max(2, places))


def format_rupiah(value) -> str:
    """Rupiah amount for messages: whole rupiah without decimals, otherwise with its cents."""
    return format_money(value)


def format_jarak(metres) -> str:
    """A distance as people say it: 850 m below a kilometre, else km (1,9 km · 1.860 km)."""
    metres = Decimal(metres)
    if metres < 1000:
        return _("%(n)s m") % {"n": format_number(metres)}
    km = metres / 1000
    tenth = km.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    whole = km >= 100 or tenth == tenth.to_integral_value()
    return _("%(n)s km") % {"n": format_number(km, 0 if whole else 1)}


def int_param(value, default=None, *, lo: int = 0, hi: int = 2**31 - 1):
    """An ASCII integer within [lo, hi] from a query or form value (an id, a year, a month),
    else `default`. "²" or "١" (digits to str.isdigit) and ids too large for the database are
    not numbers here, so a page never fails on them."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()):
        return default
    number = int(text)
    return number if lo <= number <= hi else default
