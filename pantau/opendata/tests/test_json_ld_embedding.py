"""Issue 10 §2: text in a dataset's description cannot break out of the page's JSON-LD block
(`<!--<script>` made the rest of the page disappear): <, > and & (and U+2028/2029) are escaped
in every embedded JSON, and the JSON still reads back unchanged."""

import json
import re

import pytest
from django.template import Context, Template

from pantau.opendata import services as od

pytestmark = pytest.mark.django_db
HOSTILE = "Awas <!--<script> & </script><script>alert(1)</script> \u2028baris\u2029 -->"


def test_a_description_cannot_open_or_close_the_json_ld_script(client, catalogue, world):
    ds = catalogue.public[0]
    od.dataset_update(actor=world.a.users["admin"], dataset=ds, deskripsi=HOSTILE)
    page = client.get(f"/dataset/{ds.nama}/")
    assert page.status_code == 200
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page.text, re.S)
    raw = block.group(1)
    assert not set(raw) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(raw)["description"] == HOSTILE
    # the rest of the page is still there, after the block
    assert page.text.index(ds.judul, block.end()) > block.end()
    assert "<!--<script>" not in page.text


def test_the_json_ld_filter():
    out = Template("{% load pantau %}{{ v|json_ld }}").render(Context({"v": {"a": HOSTILE}}))
    assert out.startswith('{"a": "Awas \\u003C!--\\u003Cscript\\u003E \\u0026 ')
    assert json.loads(out) == {"a": HOSTILE}
