"""A report's table as PDF: the HTML template rendered by WeasyPrint (decision 0039) with the
pemda's header and logo, page numbers from CSS @page counters and the server-drawn SVG chart.
No network: every resource is inline (the logo and chart as data: URIs) and WeasyPrint's URL
fetcher is allowed data: URIs only."""

from __future__ import annotations

import base64
import mimetypes

from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from pantau.reports.charts import bar_svg
from pantau.reports.tables import Tabel


def logo_uri(pemda) -> str:
    """The pemda's logo as a data: URI, or "" (then the text header stands alone)."""
    if not pemda.logo:
        return ""
    try:
        with pemda.logo.open("rb") as fh:
            data = fh.read()
    except OSError:
        return ""
    kind = mimetypes.guess_type(pemda.logo.name)[0] or "image/png"
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def chart_uri(table: Tabel) -> str:
    if not table.grafik:
        return ""
    svg = bar_svg(
        table.grafik,
        table.grafik_judul,
        title=_("Realisasi fisik dan keuangan"),
        kosong=_("tidak ada data"),
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def html_for(table: Tabel, *, pemda, versi: str) -> str:
    return render_to_string(
        "reports/tabel_pdf.html",
        {
            "tabel": table,
            "pemda": pemda,
            "logo": logo_uri(pemda),
            "grafik": chart_uri(table),
            "versi": versi,
            "bahasa": translation.get_language() or "id",
            "dibuat": formats.date_format(timezone.localtime(), "DATETIME_FORMAT"),
        },
    )


def tabel_pdf(table: Tabel, *, pemda, versi: str) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    only_inline = URLFetcher(allowed_protocols={"data"})  # no file, no network
    return HTML(
        string=html_for(table, pemda=pemda, versi=versi), url_fetcher=only_inline
    ).write_pdf()
