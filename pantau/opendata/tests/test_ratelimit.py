"""R6 (docs/quality.md): a flood of the public machine interfaces answers 429 with Retry-After,
per client address, and the server keeps answering everyone else."""

import pytest

from pantau.opendata.ids import resource_id

pytestmark = pytest.mark.django_db
API = "/api/3/action/package_list"


@pytest.fixture
def rate(settings):
    settings.OPENDATA_API_RATE = "5/m"
    settings.OPENDATA_API_RATE_EXEMPT = {"10.0.0.9"}
    settings.OPENDATA_CLIENT_IP_HEADER = ""
    return settings


def test_api_flood_answers_429_in_the_ckan_envelope(client, catalogue, rate):
    for _ in range(5):
        assert client.get(API).status_code == 200
    flooded = client.get(API)
    assert flooded.status_code == 429
    body = flooded.json()
    assert body["success"] is False and body["error"]["__type"] == "Rate Limit Error"
    assert "coba lagi" in body["error"]["message"]
    assert 1 <= int(flooded["Retry-After"]) <= 60
    assert flooded["Cache-Control"] == "no-store"
    # POST calls and cached answers count too
    assert client.post(API, "{}", content_type="application/json").status_code == 429
    # another address is served, and so is an exempt harvester
    assert client.get(API, REMOTE_ADDR="192.0.2.7").status_code == 200
    for _ in range(10):
        assert client.get(API, REMOTE_ADDR="10.0.0.9").status_code == 200
    # portal pages are never limited (many visitors can share one address)
    assert client.get("/publik/").status_code == 200
    assert client.get("/dataset/").status_code == 200


def test_downloads_and_feeds_share_the_limit(client, catalogue, rate):
    ds = catalogue.public[0]
    urls = [
        f"/dataset/{ds.nama}/resource/{resource_id(ds.uid, 'csv')}/download/{ds.nama}.csv",
        f"/dataset/{ds.nama}/datapackage.json",
        "/catalog.ttl",
        f"/dataset/{ds.uid}.jsonld",
        API,
    ]
    assert [client.get(u).status_code for u in urls] == [200] * 5
    answer = client.get(urls[0])
    assert answer.status_code == 429 and "Retry-After" in answer
    assert "Terlalu banyak permintaan" in answer.content.decode()


def test_address_behind_a_proxy_and_odd_addresses(client, catalogue, rate):
    rate.OPENDATA_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    for _ in range(5):
        client.get(API, HTTP_X_FORWARDED_FOR="198.51.100.4, 10.0.0.1")
    assert client.get(API, HTTP_X_FORWARDED_FOR="198.51.100.4").status_code == 429
    assert client.get(API, HTTP_X_FORWARDED_FOR="198.51.100.5").status_code == 200
    # IPv6 counted per /64; garbage never breaks the call
    for n in range(5):
        client.get(API, HTTP_X_FORWARDED_FOR=f"2001:db8:1:2::{n + 1}")
    assert client.get(API, HTTP_X_FORWARDED_FOR="2001:db8:1:2::99").status_code == 429
    assert client.get(API, HTTP_X_FORWARDED_FOR="bukan-alamat").status_code == 200
    assert client.get(API, REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="").status_code == 200


def test_the_limit_can_be_turned_off(client, catalogue, rate):
    rate.OPENDATA_API_RATE = ""
    assert {client.get(API).status_code for _ in range(12)} == {200}
