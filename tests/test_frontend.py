"""The front end the pages are served with (decision 0012): numbers in charts and maps are
written as on the server (Indonesian, English in English), and the trimmed vendor builds hold
every icon, Bootstrap component and library that a template uses."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "pantau" / "static" / "pantau"
TEMPLATES = [p for p in (ROOT / "pantau").rglob("*.html") if "static" not in p.parts]


def _angka(lang: str, calls: list[str]) -> list[str]:
    script = (
        "const vm = require('vm'); const fs = require('fs');"
        f"const ctx = {{window: {{}}, document: {{documentElement: {{lang: {json.dumps(lang)}}}}}}};"
        "ctx.Intl = Intl; vm.createContext(ctx);"
        f"vm.runInContext(fs.readFileSync({json.dumps(str(STATIC / 'angka.js'))}, 'utf8'), ctx);"
        f"console.log(JSON.stringify([{', '.join('ctx.window.PantauAngka.' + c for c in calls)}]));"
    )
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.mark.skipif(not shutil.which("node"), reason="Node.js is needed (make setup-js)")
def test_chart_and_map_numbers_are_written_as_on_the_server():
    calls = ["angka(1200)", "persen(89.5)", "persen(100, 0)", "persen(null)", "angka('12.5', 1)"]
    assert _angka("id", calls) == ["1.200", "89,5%", "100%", "—", "12,5"]
    assert _angka("en", calls) == ["1,200", "89.5%", "100%", "—", "12.5"]


def test_scripts_format_numbers_through_the_shared_helper():
    """Map pop-ups showed `89.5%` and chart axes `1,200`: the page scripts wrote numbers with
    toFixed or ECharts' defaults instead of PantauAngka."""
    for name in ("dasbor.js", "peta.js", "publik.js"):
        text = (STATIC / name).read_text()
        assert not re.search(r"toFixed|toLocaleString|\{value\}%", text), name
    assert "PantauAngka" in (STATIC / "dasbor.js").read_text()
    for template in ("evaluation/dasbor.html", "opendata/kegiatan_list.html"):
        (path,) = [p for p in TEMPLATES if p.as_posix().endswith(template)]
        assert "pantau/angka.js" in path.read_text(), template


def _used(pattern: str) -> set[str]:
    found = set()
    for path in TEMPLATES:
        found |= set(re.findall(pattern, path.read_text()))
    return found


def test_every_icon_used_is_built():
    icons = re.search(r"^ICONS := (.*)$", (ROOT / "Makefile").read_text(), re.M).group(1).split()
    used = _used(r"\bbi-([a-z0-9-]+)")
    assert used and used <= set(icons), sorted(used - set(icons))


def test_every_bootstrap_component_used_is_bundled():
    bundle = (ROOT / "frontend" / "bootstrap.js").read_text()
    bundled = {m.lower() for m in re.findall(r"^import (\w+) from", bundle, re.M)}
    used = _used(r'data-bs-(?:toggle|dismiss)="(\w+)"')
    assert "collapse" in used and used <= bundled, sorted(used - bundled)


def test_htmx_is_loaded_where_a_page_uses_it():
    for path in TEMPLATES:
        text = path.read_text()
        if "{% extends" in text and re.search(r"\shx-(get|post|target|trigger)=", text):
            assert "vendor/htmx/htmx.min.js" in text, path


def test_pages_load_only_the_trimmed_chart_build():
    for path in TEMPLATES:
        assert "echarts.min.js" not in path.read_text(), path
    assert "echarts/core" in (ROOT / "frontend" / "echarts.js").read_text()


def test_source_maps_named_by_vendor_files_are_there():
    """collectstatic with PANTAU_DEBUG=0 (hashed file names) failed on leaflet.js.map: a vendor
    file that names its source map needs the map beside it."""
    vendor = ROOT / "pantau" / "static" / "vendor"
    if not vendor.exists():
        pytest.skip("make setup-js builds pantau/static/vendor")
    named = []
    for path in [*vendor.rglob("*.js"), *vendor.rglob("*.css")]:
        for ref in re.findall(r"sourceMappingURL=([^\s*]+)", path.read_text(errors="replace")):
            named.append(ref)
            assert (path.parent / ref).exists(), f"{path.relative_to(vendor)} names {ref}"
    assert "leaflet.js.map" in named
