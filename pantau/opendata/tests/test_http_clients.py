"""HTTP behaviour real open-data clients rely on (issue 10 §4): HEAD on every URL, CORS with an
OPTIONS preflight, conditional GET (ETag / Last-Modified, 304), gzip only on the public
machine answers, and no `Vary: Cookie` on anonymous API answers."""

import gzip
import json

import pytest
from django.utils.http import http_date

from pantau.opendata.ids import resource_id

pytestmark = pytest.mark.django_db


def _machine_urls(ds) -> list[str]:
    rid = resource_id(ds.uid, "csv")
    return [
        "/api/3/action/package_list",
        f"/api/action/package_show?id={ds.nama}",
        "/catalog.ttl",
        f"/dataset/{ds.nama}.jsonld",
        f"/dataset/{ds.nama}/datapackage.json",
        f"/dataset/{ds.nama}/resource/{rid}/download/{ds.nama}.csv",
    ]


def test_head_answers_like_get_without_a_body_on_every_kind_of_url(client, catalogue):
    ds = catalogue.public[0]
    rid = resource_id(ds.uid, "xlsx")
    urls = [
        *_machine_urls(ds),
        "/api",
        "/api/3",
        "/sitemap.xml",
        f"/dataset/{ds.nama}/resource/{rid}/download/{ds.nama}.xlsx",
        "/publik/",
        "/dataset/",
        f"/dataset/{ds.nama}/",
        "/masuk/",
    ]
    for url in urls:
        got = client.get(url)
        head = client.head(url)
        assert (url, head.status_code) == (url, 200)
        assert head.content == b""
        assert head["Content-Type"] == got["Content-Type"]
        if not url.endswith((".xlsx", ".jsonld")):  # (a workbook's zip holds its build time)
            assert int(head["Content-Length"]) == len(got.content), url
        else:
            assert int(head["Content-Length"]) > 0
    assert client.head("/dataset/tidak-ada.ttl").status_code == 404


def test_options_preflight_and_cors_on_machine_answers(client, catalogue):
    ds = catalogue.public[0]
    for url in _machine_urls(ds):
        pre = client.options(
            url,
            HTTP_ORIGIN="https://portal.example",
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
        )
        assert pre.status_code == 204, url
        assert pre["Access-Control-Allow-Origin"] == "*"
        assert "GET" in pre["Access-Control-Allow-Methods"]
        assert "Authorization" in pre["Access-Control-Allow-Headers"]
        assert not pre.has_header("Access-Control-Allow-Credentials")
        got = client.get(url, HTTP_ORIGIN="https://portal.example")
        assert got["Access-Control-Allow-Origin"] == "*", url
        assert not got.has_header("Access-Control-Allow-Credentials")
    pre = client.options("/api/3/action/package_search", HTTP_ORIGIN="https://x.example")
    assert "POST" in pre["Access-Control-Allow-Methods"]
    posted = client.post("/api/3/action/package_search", data="{}", content_type="application/json")
    assert posted.status_code == 200
    assert posted["Access-Control-Allow-Origin"] == "*"
    # an error answer is readable by a browser client too (it carries the envelope)
    missing = client.get("/api/3/action/package_show?id=tidak-ada")
    assert missing.status_code == 404 and missing["Access-Control-Allow-Origin"] == "*"
    # the portal's own HTML pages are not opened to other origins
    assert not client.get(f"/dataset/{ds.nama}/").has_header("Access-Control-Allow-Origin")


def test_conditional_get_answers_304_until_the_catalogue_changes(client, catalogue):
    from pantau.opendata import services as od

    ds = catalogue.public[0]
    first = {url: client.get(url) for url in _machine_urls(ds)}
    for url, got in first.items():
        assert got.status_code == 200
        etag, modified = got["ETag"], got["Last-Modified"]
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304, url
        assert again.content == b"" and again["ETag"] == etag
        assert again["Access-Control-Allow-Origin"] == "*"
        assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
        assert client.get(url, HTTP_IF_NONE_MATCH='W/"lain"').status_code == 200
    older = http_date(0)
    assert client.get("/catalog.ttl", HTTP_IF_MODIFIED_SINCE=older).status_code == 200
    od.dataset_update(actor=catalogue.world.a.users["admin"], dataset=ds, judul="Judul Baru")
    for url, got in first.items():
        changed = client.get(url, HTTP_IF_NONE_MATCH=got["ETag"])
        assert changed.status_code == 200, url
        assert changed["ETag"] != got["ETag"]
    assert "Judul Baru" in client.get(f"/dataset/{ds.nama}.jsonld").content.decode()


def test_gzip_on_public_machine_answers_only(client, catalogue):
    ds = catalogue.public[2]  # 300 rows: every answer is worth compressing
    for url in _machine_urls(ds)[1:]:  # package_list is too short to be worth it (< 200 B)
        got = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert got.get("Content-Encoding") == "gzip", url
        assert "Accept-Encoding" in got["Vary"]
        plain = client.get(url)
        if not url.endswith(".jsonld"):  # (its blank node labels differ from call to call)
            assert gzip.decompress(got.content) == plain.content
    api = client.get("/api/3/action/package_search", HTTP_ACCEPT_ENCODING="gzip")
    assert json.loads(gzip.decompress(api.content))["success"] is True
    # pages that carry a CSRF token or a session are never compressed (BREACH)
    for url in ("/masuk/", f"/dataset/{ds.nama}/", "/publik/"):
        assert not client.get(url, HTTP_ACCEPT_ENCODING="gzip").has_header("Content-Encoding")


def test_anonymous_api_answers_do_not_vary_on_cookie(client, catalogue):
    ds = catalogue.public[0]
    for url in _machine_urls(ds):
        vary = client.get(url).get("Vary", "")
        assert "cookie" not in vary.lower(), (url, vary)
    # the HTML pages still do (their language comes from a cookie)
    assert "Cookie" in client.get(f"/dataset/{ds.nama}/")["Vary"]


def test_conditional_answers_count_in_the_rate_limit(client, catalogue, settings):
    settings.OPENDATA_API_RATE = "3/m"
    settings.OPENDATA_CLIENT_IP_HEADER = ""
    etag = client.get("/catalog.ttl")["ETag"]
    assert [client.get("/catalog.ttl", HTTP_IF_NONE_MATCH=etag).status_code for _ in range(3)] == [
        304,
        304,
        429,
    ]
