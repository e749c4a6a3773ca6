"""Cells of a report table as text (print view and PDF): the house's Rupiah and percentage
formats; a cell without a figure shows its reason in words."""

from django import template

from pantau.core.templatetags.pantau import angka, persen, poin, rupiah
from pantau.reports.tables import BILANGAN, PERSEN, POIN, RUPIAH

register = template.Library()


@register.simple_tag
def sel(baris, kolom) -> str:
    value = baris.sel.get(kolom.key)
    if value is None:
        return baris.teks_kosong(kolom.key)
    if value == "":
        return ""
    if kolom.jenis == RUPIAH:
        return rupiah(value)
    if kolom.jenis == PERSEN:
        return persen(value, 2)
    if kolom.jenis == POIN:
        return poin(value, 2)
    if kolom.jenis == BILANGAN:
        return angka(value)
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
