"""Values real clients read from the catalogue (issue 10 §4): dates with their fraction and `Z`
in RDF, one `theme` per EU theme, the checksum as ckanext-dcat writes it, `bytes` and `hash` in
datapackage.json, format labels in RDF, and `lastmod` in the sitemap."""

import hashlib
import json
import re
import xml.etree.ElementTree as ET  # our own sitemap, not untrusted input

import pytest
from rdflib import Graph
from rdflib.namespace import DCAT, DCTERMS, RDFS

pytestmark = pytest.mark.django_db
EU = "http://publications.europa.eu/resource/authority/"


def _pkg(client, ds) -> dict:
    return client.get(f"/api/3/action/package_show?id={ds.nama}").json()["result"]


def _extra(pkg: dict, key: str) -> str:
    return next(e["value"] for e in pkg["extras"] if e["key"] == key)


def test_rdf_dates_keep_their_fraction_and_carry_z(client, catalogue):
    ds = catalogue.public[0]
    pkg = _pkg(client, ds)
    for fmt in ("ttl", "jsonld", "rdf"):
        text = client.get(f"/dataset/{ds.nama}.{fmt}").content.decode()
        assert pkg["metadata_modified"] + "Z" in text, fmt
        written = re.findall(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[^\"<]*", text)
        assert written, fmt
        assert all(re.fullmatch(r"[0-9T:.-]+\.\d{6}Z", w) for w in written), (fmt, written)


def test_theme_extra_names_each_eu_theme_once(client, catalogue):
    from pantau.opendata import services as od
    from pantau.opendata.models import Topik

    kesehatan = Topik.objects.get(nama="kesehatan")
    gizi, _ = Topik.objects.get_or_create(
        nama="gizi", defaults={"judul": "Gizi", "tema_eu": "HEAL"}
    )
    ds = catalogue.public[0]
    od.dataset_update(actor=catalogue.world.a.users["admin"], dataset=ds, topik=[kesehatan, gizi])
    pkg = _pkg(client, ds)
    assert len(pkg["groups"]) == 2
    assert json.loads(_extra(pkg, "theme")) == [f"{EU}data-theme/HEAL"]


def test_checksum_is_the_bare_digest_with_its_algorithm(client, catalogue):
    ds = catalogue.public[0]
    (csv_res,) = [r for r in _pkg(client, ds)["resources"] if r["format"] == "CSV"]
    served = client.get(csv_res["url"].replace("http://testserver", "")).content
    assert csv_res["hash"] == hashlib.sha256(served).hexdigest()
    assert csv_res["hash_algorithm"] == "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
    assert csv_res["size"] == len(served)


def test_rdf_formats_carry_the_short_labels_ckan_reads(client, catalogue):
    ds = catalogue.public[0]
    g = Graph().parse(data=client.get(f"/dataset/{ds.nama}.ttl").content, format="turtle")
    labels = {
        (
            str(g.value(g.value(d, DCTERMS["format"]), RDFS.label)),
            str(g.value(g.value(d, DCAT.mediaType), RDFS.label)),
        )
        for d in g.subjects(DCAT.downloadURL, None)
    }
    assert ("CSV", "text/csv") in labels and ("JSON", "application/json") in labels


def test_datapackage_resources_have_bytes_and_hash(client, catalogue):
    for ds in catalogue.public:
        desc = client.get(f"/dataset/{ds.nama}/datapackage.json").json()
        (res,) = desc["resources"]
        served = client.get(res["path"].replace("http://testserver", "")).content
        assert res["bytes"] == len(served)
        assert res["hash"] == "sha256:" + hashlib.sha256(served).hexdigest()


def test_sitemap_gives_lastmod_of_dataset_pages(client, catalogue):
    root = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    lastmod = {
        u.findtext("s:loc", namespaces=ns): u.findtext("s:lastmod", namespaces=ns)
        for u in root.findall("s:url", ns)
    }
    for ds in catalogue.public:
        stamp = _pkg(client, ds)["metadata_modified"].split(".")[0] + "+00:00"
        assert lastmod[f"http://testserver/dataset/{ds.nama}/"] == stamp
    assert lastmod["http://testserver/dataset/"] == max(
        v
        for k, v in lastmod.items()
        if k.startswith("http://testserver/dataset/") and v and k != "http://testserver/dataset/"
    )
