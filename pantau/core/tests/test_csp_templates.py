"""No template carries what the Content Security Policy refuses (decision 0028): inline
`<script>` (data blocks `application/ld+json` and `application/json` excepted: browsers do not
run them), `<style>` blocks, `style="..."` attributes and `on...=` handlers. A new one fails here
before it fails silently in a browser."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
DATA_BLOCK = re.compile(r"""type=["']application/(ld\+)?json["']""", re.IGNORECASE)
STYLE_BLOCK = re.compile(r"<style\b", re.IGNORECASE)
STYLE_ATTR = re.compile(r"""\sstyle\s*=\s*["']""", re.IGNORECASE)
HANDLER = re.compile(r"""<[a-z][^>]*\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def problems(text: str) -> list[str]:
    found = []
    for m in SCRIPT.finditer(text):
        attrs = m.group(1)
        if "src=" not in attrs and not DATA_BLOCK.search(attrs):
            found.append(f"inline script {m.group(0)!r}")
    for pattern, what in (
        (STYLE_BLOCK, "<style> block"),
        (STYLE_ATTR, "style attribute"),
        (HANDLER, "on... handler"),
        (JS_URL, "javascript: URL"),
    ):
        found += [f"{what} {m.group(0)[:60]!r}" for m in pattern.finditer(text)]
    return found


# Rendered by WeasyPrint into PDF files on the server, never served as pages: the renderer
# that names each one (checked below).
PDF_ONLY = {"reports/templates/reports/tabel_pdf.html": "reports/pdf.py"}


def templates() -> list[Path]:
    return sorted(p for p in ROOT.rglob("templates/**/*.html") if "vendor" not in p.parts)


class TestNoInlineScriptOrStyle:
    def test_the_scanner_finds_each_kind(self):
        bad = (
            '<script>alert(1)</script><style>p{}</style><p style="x">'
            '<select onchange="go()"><a href="javascript:void(0)">'
        )
        assert len(problems(bad)) == 5
        good = (
            '<script src="/static/a.js" defer></script>'
            '<script type="application/ld+json">{}</script>'
            '<script id="t" type="application/json">{}</script><p data-style="x" class="on">'
        )
        assert problems(good) == []

    def test_no_template_has_inline_script_style_or_handler(self):
        paths = [p for p in templates() if p.relative_to(ROOT).as_posix() not in PDF_ONLY]
        assert len(paths) > 50
        found = [f"{p.relative_to(ROOT)}: {x}" for p in paths for x in problems(p.read_text())]
        assert not found, "\n".join(found)

    def test_the_pdf_only_templates_are_only_rendered_into_pdfs(self):
        """A template exempt from the scan is named by the PDF renderer and by nothing else
        (WeasyPrint reads its <style> on the server; no browser ever receives the page)."""
        for rel, renderer in PDF_ONLY.items():
            name = rel.split("/templates/", 1)[1]
            users = [
                p.relative_to(ROOT).as_posix()
                for p in ROOT.rglob("*.py")
                if "tests" not in p.parts and name in p.read_text()
            ]
            assert users == [renderer], (rel, users)
            used_in = [t for t in templates() if f'"{name}"' in t.read_text()]
            assert used_in == [], (rel, used_in)

    def test_htmx_injects_no_indicator_style_and_evaluates_nothing(self):
        base = (ROOT / "templates" / "base.html").read_text()
        assert '"includeIndicatorStyles": false' in base and '"allowEval": false' in base
