"""Charts drawn on the server as SVG (no browser, no JavaScript): a grouped bar chart of
physical against financial realisation per row, for the PDF and the print view. Every bar
carries its figure as text, so colour is never the only signal."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import escape

WIDTH, BAR_AREA, ROW = 640, 360, 26
COLOURS = ("#2b6cb0", "#dd8a1e")


def _fmt(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}".replace(".", ",") + "%"


def bar_svg(
    rows, series: tuple[str, str], *, title: str = "", kosong: str = "—", limit: int = 40
) -> str:
    """Horizontal grouped bars, 0–100% (a value above 100 is drawn to the edge and labelled
    with its real figure; an undefined one is labelled "—" with no bar)."""
    rows = list(rows)[:limit]
    label_w = 150
    scale = Decimal(BAR_AREA) / 100
    height = 46 + ROW * max(1, len(rows)) + 24
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" '
        'font-family="DejaVu Sans, sans-serif" font-size="10">',
        f'<text x="0" y="14" font-size="12" font-weight="bold">{escape(title)}</text>',
    ]
    for i, name in enumerate(series):
        x = label_w + i * 140
        parts.append(f'<rect x="{x}" y="22" width="10" height="10" fill="{COLOURS[i]}"/>')
        parts.append(f'<text x="{x + 14}" y="31">{escape(name)}</text>')
    for tick in (0, 25, 50, 75, 100):
        x = label_w + int(scale * tick)
        parts.append(
            f'<line x1="{x}" y1="40" x2="{x}" y2="{height - 20}" stroke="#ccc" stroke-width="1"/>'
        )
        parts.append(f'<text x="{x}" y="{height - 8}" text-anchor="middle">{tick}%</text>')
    for n, (label, first, second) in enumerate(rows):
        y = 44 + n * ROW
        parts.append(f'<text x="0" y="{y + 14}">{escape(str(label)[:26])}</text>')
        for i, value in enumerate((first, second)):
            by = y + i * 11
            if value is not None:
                w = int(scale * max(Decimal(0), min(Decimal(100), value)))
                parts.append(
                    f'<rect x="{label_w}" y="{by}" width="{w}" height="10" fill="{COLOURS[i]}"/>'
                )
            else:
                w = 0
            parts.append(f'<text x="{label_w + w + 4}" y="{by + 9}">{_fmt(value)}</text>')
    if not rows:
        parts.append(f'<text x="150" y="60">{escape(kosong)}</text>')
    parts.append("</svg>")
    return "".join(parts)
