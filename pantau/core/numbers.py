"""Parsing and formatting of money and percentages. Money is always Decimal."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_ID_NUMBER = re.compile(r"^-?\d{1,3}(\.\d{3})*(,\d+)?$|^-?\d+(,\d+)?$")
_PLAIN = re.compile(r"^-?\d+(\.\d+)?$")


def to_decimal(value, *, label: str) -> Decimal:
    """A Decimal from a Decimal, int or string; floats are refused (never float for Rupiah).

    Strings may be Indonesian (`1.250.000`, `87,5`, `Rp 1.250.000`) or plain (`1250000.50`).
    """
    if isinstance(value, bool | float):
        raise ValidationError(
            _("%(label)s: nilai harus berupa angka desimal yang tepat.") % {"label": label}
        )
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = (
            value.strip().replace("Rp", "").replace("%", "").replace(" ", "").replace("\u00a0", "")
        )
        try:
            if _PLAIN.match(text) and not re.match(r"^-?\d{1,3}\.\d{3}$", text):
                result = Decimal(text)
            elif _ID_NUMBER.match(text):
                result = Decimal(text.replace(".", "").replace(",", "."))
            else:
                raise InvalidOperation
        except InvalidOperation:
            raise ValidationError(
                _("%(label)s: '%(value)s' bukan angka yang sah (contoh: 1.250.000 atau 87,5).")
                % {"label": label, "value": value}
            ) from None
    else:
        raise ValidationError(_("%(label)s wajib diisi dengan angka.") % {"label": label})
    if not result.is_finite():
        raise ValidationError(_("%(label)s harus berupa angka.") % {"label": label})
    return result


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


def format_rupiah(value) -> str:
    """Rupiah amount for messages: whole rupiah without decimals, otherwise two decimals."""
    amount = Decimal(value)
    return format_number(amount, 0 if amount == amount.to_integral_value() else 2)


def int_param(value, default=None, *, lo: int = 0, hi: int = 2**31 - 1):
    """An ASCII integer within [lo, hi] from a query or form value (an id, a year, a month),
    else `default`. "²" or "١" (digits to str.isdigit) and ids too large for the database are
    not numbers here, so a page never fails on them."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()):
        return default
    number = int(text)
    return number if lo <= number <= hi else default
