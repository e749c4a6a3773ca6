"""The CKAN Action API driven by the `ckanapi` client library through a real HTTP server
(docs/opendata-interop.md §13)."""

import json
import re

import pytest
import requests
from ckanapi import (
    CKANAPIError,
    NotAuthorized,
    NotFound,
    RemoteCKAN,
    SearchQueryError,
    ValidationError,
)

from conftest import Catalogue, World

STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$")


@pytest.fixture
def live(transactional_db, nomen_csv, live_server):
    catalogue = Catalogue(World(nomen_csv))
    return live_server.url, catalogue


def _stamps(value):
    if isinstance(value, dict):
        for k, v in value.items():
            if k in ("metadata_created", "metadata_modified", "created", "last_modified") and v:
                yield v
            yield from _stamps(v)
    elif isinstance(value, list):
        for v in value:
            yield from _stamps(v)


def test_catalogue_through_ckanapi(live):
    url, catalogue = live
    for get_only in (False, True):  # POST JSON, then GET
        site = RemoteCKAN(url, get_only=get_only)
        names = site.action.package_list()
        assert names == sorted(names) and len(names) == 3
        assert set(names) == {d.nama for d in catalogue.public}
        pkg = site.action.package_show(id=names[0])
        assert pkg["name"] == names[0] and all(
            "format" in r and "url" in r for r in pkg["resources"]
        )
        assert site.action.package_show(id=pkg["id"]) == pkg
        page = site.action.package_search(q="*:*", rows=2, start=0, sort="id asc")
        assert page["count"] == 3 and len(page["results"]) == 2
        assert "resources" in page["results"][0]  # full dicts
        # paging to the end, as `ckanapi search datasets` does
        seen, start = [], 0
        while True:
            got = site.action.package_search(q="*:*", rows=1, start=start, sort="name asc")
            if not got["results"]:
                break
            seen += [p["name"] for p in got["results"]]
            start += len(got["results"])
        assert seen == names
        assert all(STAMP.match(s) for s in _stamps(pkg))
        # organisations: only OPDs with public datasets; users always empty
        orgs = site.action.organization_list()
        assert sorted(orgs) == ["dinkes-a", "pupr-a"]
        full = site.action.organization_list(all_fields=True)
        assert {o["name"] for o in full} == set(orgs) and len(full) <= 25
        org = site.action.organization_show(id="dinkes-a", include_datasets=True)
        assert org["users"] == [] and org["package_count"] == 2
        assert {p["name"] for p in org["packages"]} == {
            "jumlah-puskesmas-2025",
            "realisasi-harian-2025",
        }
        with pytest.raises(NotFound):
            site.action.organization_show(id="dinkes-b")  # another pemda's OPD
        # DataStore: fields and records of the 300-row table, paging three ways
        big = site.action.package_show(id="realisasi-harian-2025")
        rid = next(r["id"] for r in big["resources"] if r["datastore_active"])
        empty = site.action.datastore_search(resource_id=rid, limit=0)
        assert empty["records"] == [] and empty["total"] == 300
        assert empty["fields"][0] == {"id": "_id", "type": "int"}
        assert [f["id"] for f in empty["fields"]] == ["_id", "nomor", "nilai", "keterangan"]
        by_offset, offset = [], 0
        while True:
            got = site.action.datastore_search(resource_id=rid, limit=120, offset=offset)
            if not got["records"]:
                break
            by_offset += [r["_id"] for r in got["records"]]
            offset += 120
        assert by_offset == list(range(1, 301))
        # objects travel as JSON strings in GET mode (requests would send a dict's keys)
        obj = json.dumps if get_only else (lambda v: v)
        keyset, filters = [], {}
        while True:
            got = site.action.datastore_search(
                resource_id=rid, limit=100, filters=obj(filters), include_next_page=True
            )
            if not got["records"]:
                break
            keyset += [r["_id"] for r in got["records"]]
            filters = got["next_page"]
        assert keyset == list(range(1, 301))
        clamped = site.action.datastore_search(resource_id=rid, limit=40000)
        assert clamped["limit"] == 32000 and len(clamped["records"]) == 300
        some = site.action.datastore_search(
            resource_id=rid, filters=obj({"nomor": [2, 3]}), sort="nilai desc"
        )
        assert [r["nilai"] for r in some["records"]] == [30, 20]


def test_links_next_follows_with_get(live):
    url, _ = live
    site = RemoteCKAN(url)
    rid = next(
        r["id"]
        for r in site.action.package_show(id="realisasi-harian-2025")["resources"]
        if r["datastore_active"]
    )
    got = site.action.datastore_search(resource_id=rid, limit=100, filters={"nilai": {"gte": 1000}})
    ids = [r["_id"] for r in got["records"]]
    while got["records"]:
        body = requests.get(url + got["_links"]["next"], timeout=10).json()
        got = body["result"]
        ids += [r["_id"] for r in got["records"]]
    assert ids == list(range(100, 301))


def test_errors_in_the_ckan_format(live):
    url, _catalogue = live
    site = RemoteCKAN(url)
    for hidden in (
        "stok-obat-terbatas",
        "kasus-rahasia",
        "ditarik-kemudian",
        "dataset-pemda-b",
        "tidak-ada",
    ):
        with pytest.raises(NotFound):
            site.action.package_show(id=hidden)
    with pytest.raises(ValidationError) as err:
        site.action.package_show()
    assert "id" in err.value.error_dict
    for bad in ("title:real*", "name:abc~", "nonsense_field:x", "(organization:a"):
        with pytest.raises(SearchQueryError):
            site.action.package_search(fq=bad)
    response = requests.get(
        url + "/api/3/action/package_search", params={"fq": "name:abc~"}, timeout=10
    )
    assert response.status_code == 400
    with pytest.raises(NotAuthorized):
        site.action.package_create(name="x")
    response = requests.post(url + "/api/action/package_create", json={"name": "x"}, timeout=10)
    assert response.status_code == 403
    with pytest.raises(CKANAPIError):
        site.action.foo_bar()
    response = requests.post(url + "/api/action/foo_bar", json={}, timeout=10)
    assert response.status_code == 400
    assert response.json() == "Bad request - Action name not known: foo_bar"
    with pytest.raises(ValidationError):
        site.action.package_search(rows=-1)
    with pytest.raises(NotFound):
        site.action.datastore_search(resource_id="00000000-0000-0000-0000-000000000000")
    with pytest.raises(ValidationError) as err:
        site.action.datastore_search(
            resource_id=next(
                r["id"]
                for r in site.action.package_show(id="realisasi-harian-2025")["resources"]
                if r["datastore_active"]
            ),
            filters={"tidak_ada": 1},
        )
    assert "filters" in err.value.error_dict


def test_no_redirects_cookies_or_token_differences(live):
    url, _ = live
    for path in ("/api/action/package_list", "/api/3/action/package_list"):
        response = requests.post(url + path, json={}, allow_redirects=False, timeout=10)
        assert response.status_code == 200 and "Set-Cookie" not in response.headers
        assert response.headers["Content-Type"].startswith("application/json")
    plain = requests.get(url + "/api/3/action/package_search?rows=100", timeout=10).json()
    for headers in (
        {"Authorization": "rubbish"},
        {"X-CKAN-API-Key": "rubbish"},
        {"Authorization": "Bearer x.y.z"},
    ):
        got = requests.get(
            url + "/api/3/action/package_search?rows=100", headers=headers, timeout=10
        )
        assert got.json() == plain
    assert requests.get(url + "/api/3", timeout=10).json() == {"version": 3}
    assert requests.get(url + "/api", timeout=10).json() == {"version": 1}
    assert requests.put(url + "/api/action/package_list", timeout=10).status_code == 405


def test_harvester_forms(live):
    """The fq forms the CKAN harvester and ckanext-dcat generate, paging until empty."""
    url, catalogue = live
    forms = [
        "organization:dinkes-a OR organization:pupr-a",
        "-organization:sekretariat-daerah -groups:arsip",
        "groups:kesehatan OR groups:pendidikan metadata_modified:[2025-07-01T08:00:00.123456Z TO *]",
        "metadata_modified:[2025-07-01T08:00:00Z TO *]",
        "metadata_modified:[2025-07-01T00:00:00Z TO NOW]",
        'tags:"uji" res_format:CSV',
        "+state:(active) capacity:public extras_kode_wilayah:74.07",
    ]
    for form in forms:
        names, start, previous = [], 0, None
        while True:
            page = requests.get(
                url + "/api/3/action/package_search",
                params={"rows": 2, "start": start, "sort": "id asc", "fq": form},
                timeout=10,
            ).json()
            assert page["success"], (form, page)
            results = page["result"]["results"]
            if not results:
                break
            assert results != previous
            previous = results
            names += [p["name"] for p in results]
            start += len(results)
        assert sorted(names) == sorted(d.nama for d in catalogue.public), form
    future = requests.get(
        url + "/api/3/action/package_search",
        params={"fq": "metadata_modified:[2999-01-01T00:00:00Z TO *]"},
        timeout=10,
    ).json()
    assert future["result"]["count"] == 0


def test_ckanapi_command_line(live, tmp_path):
    """The CLI smoke test of the contract (§13): dump datasets and organisations, search."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    url, catalogue = live
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}"}  # it spawns itself

    def run(*args):
        done = subprocess.run(  # noqa: S603 - the test runs the client it installed
            [str(bin_dir / "ckanapi"), *args, "-r", url],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
            env=env,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("dump", "datasets", "--all", "-O", str(tmp_path / "datasets.jsonl"))
    lines = (tmp_path / "datasets.jsonl").read_text().splitlines()
    assert sorted(json.loads(x)["name"] for x in lines) == sorted(d.nama for d in catalogue.public)
    run("dump", "organizations", "--all", "-O", str(tmp_path / "orgs.jsonl"))
    assert len((tmp_path / "orgs.jsonl").read_text().splitlines()) == 2
    found = run("search", "datasets", "q=puskesmas")
    assert "jumlah-puskesmas-2025" in found and "stok-obat" not in found
    out = run("action", "package_search", "-g", "rows=1", 'facet.field:["organization"]')
    assert json.loads(out)["count"] == 3
