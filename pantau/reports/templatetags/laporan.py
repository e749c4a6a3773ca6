"""Cells of a report table as text (print view and PDF), in the house's number format: the
unit is in the column heading (Rp, %, poin), as on the official forms, so a cell holds the
number alone (`1.000.000.000`, `64,00`, `+2,50`); a cell without a figure shows its reason in
words."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

from pantau.core.numbers import format_money, format_number
from pantau.core.templatetags.pantau import angka, persen, rupiah
from pantau.reports.tables import BILANGAN, NILAI, PERSEN, POIN, RUPIAH

register = template.Library()


@register.simple_tag
def sel(baris, kolom) -> str:
    value = baris.sel.get(kolom.key)
    if value is None:
        return baris.teks_kosong(kolom.key)
    if value == "":
        return ""
    if kolom.jenis == RUPIAH:
        return format_money(value)
    if kolom.jenis in (PERSEN, POIN):
        amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        sign = ("+" if amount > 0 else "−" if amount < 0 else "") if kolom.jenis == POIN else ""
        return sign + format_number(abs(amount) if sign else amount, 2)
    if kolom.jenis == BILANGAN:
        return angka(value)
    if kolom.jenis == NILAI:
        return format_number(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), 2)
    return str(value)


@register.simple_tag
def nilai(value, jenis) -> str:
    if value is None:
        return "—"
    if jenis == RUPIAH:
        return rupiah(value)
    if jenis == PERSEN:
        return persen(value, 2)
    return str(value)
