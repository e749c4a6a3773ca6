"""Display filters: Rupiah, percentages and months in the active language's number format."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from pantau.core.canonical import canonical_url
from pantau.core.embed import embedded_json
from pantau.core.numbers import format_exact, format_jarak, format_money, format_number

register = template.Library()


@register.filter
def json_ld(value):
    """A value as JSON for a `<script type="application/ld+json">` block (pantau.core.embed)."""
    return embedded_json(value)


@register.filter
def rupiah(value) -> str:
    """Rp 1.234.567, or Rp 1.234.567,50 when there are cents: the amount exactly as stored
    (Indonesian grouping, English grouping in English)."""
    if value is None or value == "":
        return "—"
    return f"Rp {format_money(value)}"


@register.filter
def rupiah_ringkas(value) -> str:
    """Short Rupiah for headline figures: Rp 1,2 T / Rp 905,3 M / Rp 12,5 jt."""
    if value is None or value == "":
        return "—"
    amount = Decimal(value)
    for size, suffix in (
        (Decimal(10) ** 12, _("T")),
        (Decimal(10) ** 9, _("M")),
        (Decimal(10) ** 6, _("jt")),
    ):
        if abs(amount) >= size:
            short = (amount / size).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            return f"Rp {number_format(short, decimal_pos=1, use_l10n=True)} {suffix}"
    return rupiah(amount)


@register.filter
def persen(value, places: int = 1) -> str:
    """87,5% — or an em dash when the figure is undefined (never a misleading 0%)."""
    if value is None or value == "":
        return "—"
    amount = Decimal(value).quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
    return f"{number_format(amount, decimal_pos=int(places), use_l10n=True)}%"


@register.filter
def poin(value, places: int = 1) -> str:
    """A deviation in percentage points with its sign: +2,5 poin / −9,1 poin."""
    if value is None or value == "":
        return "—"
    amount = Decimal(value).quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
    sign = "+" if amount > 0 else "−" if amount < 0 else "±"
    unit = _("poin")
    return f"{sign}{number_format(abs(amount), decimal_pos=int(places), use_l10n=True)} {unit}"


@register.filter
def angka(value, places: int = 0) -> str:
    """A number in the active locale; text that is not a number (what a user typed) unchanged."""
    if value is None or value == "":
        return "—"
    try:
        return format_number(Decimal(value), int(places))
    except (InvalidOperation, TypeError, ValueError):
        return str(value)


@register.filter
def angka_tepat(value) -> str:
    """A stored number exactly, as many decimals as it has (45,5 · 12,3456): what a form shows
    again for re-saving. Text that is not a number (what a user typed) unchanged."""
    if value is None or value == "":
        return ""
    try:
        return format_exact(Decimal(value))
    except (InvalidOperation, TypeError, ValueError):
        return str(value)


@register.filter
def jarak(metres) -> str:
    """A distance in metres as people say it: 850 m, 1,9 km, 1.860 km."""
    if metres is None or metres == "":
        return "—"
    return format_jarak(metres)


@register.filter
def nama_bulan(value, tahun=None) -> str:
    """A month number as its name in the active language: 6 → "Juni" ("Juni 2026" with a
    year), so that no page says "bulan 6"."""
    from django.utils.dates import MONTHS

    try:
        name = str(MONTHS[int(value)])
    except (KeyError, TypeError, ValueError):
        return "—"
    return f"{name} {tahun}" if tahun else name


@register.filter
def bar_width(value) -> str:
    """Width of a progress bar in % (clipped to 0–100 for the bar only, never for the number)."""
    if value is None:
        return "0"
    return str(max(Decimal(0), min(Decimal(100), Decimal(value))).quantize(Decimal("0.1")))


@register.filter
def band(value) -> str:
    """Progress colour band (display only; the number is always shown): <30 / 30–70 / >70."""
    if value is None:
        return "secondary"
    value = Decimal(value)
    if value < 30:
        return "danger"
    if value <= 70:
        return "warning"
    return "success"


@register.filter
def get_item(mapping, key):
    """mapping[key] in templates (None when absent)."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def get_index(sequence, index):
    """sequence[index] in templates (None when out of range)."""
    try:
        return sequence[int(index)]
    except (IndexError, TypeError, ValueError):
        return None


@register.simple_tag(takes_context=True)
def halaman_url(context, number) -> str:
    """The current page's address with another `halaman` (page number), every other query
    parameter (filters, search) kept: the links of `core/_halaman.html`."""
    query = context["request"].GET.copy()
    query["halaman"] = number
    return f"?{query.urlencode()}"


@register.filter
def romawi(value) -> str:
    """A quarter number in Roman numerals (TW III)."""
    return {1: "I", 2: "II", 3: "III", 4: "IV"}.get(value, str(value))


@register.simple_tag
def url_kanonik(viewname, *args, **params) -> str:
    """`{% url_kanonik 'monitoring:daftar' opd=.. tahun=.. bulan=.. %}`: the canonical address
    the page itself names (core.canonical), so that the link finds the page kept offline."""
    return canonical_url(viewname, *args, **params)
