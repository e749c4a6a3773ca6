"""Pantau's catalogue as a CKAN 2.11 with ckanext-dcat sees it: its own RDF parser (DCAT-AP 3
profile) on Pantau's DCAT, and its own serializer on the package dicts a CKAN harvesting the
Action API stores. Both run in .venv-ckan (make setup-ckan) through scripts/ckan/ckan_dcat.py."""

import json
import re
import subprocess
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]
PYTHON = ROOT / ".venv-ckan" / "bin" / "python"
SPDX = "http://spdx.org/rdf/terms#"


@pytest.fixture
def catalogue(catalogue):
    """The shared catalogue, with the collection method (provenance) on every dataset."""
    from pantau.opendata import services as od

    admin = catalogue.world.a.users["admin"]
    for n, ds in enumerate(catalogue.public):
        catalogue.public[n] = od.dataset_update(
            actor=admin, dataset=ds, metode=f"Rekapitulasi laporan bulanan OPD ({ds.nama})"
        )
    return catalogue


def _ckan(*args: str, stdin: str) -> str:
    assert PYTHON.exists(), "run `make setup-ckan` (make test does) to install CKAN + ckanext-dcat"
    done = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [str(PYTHON), str(ROOT / "scripts" / "ckan" / "ckan_dcat.py"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _extras(pkg: dict) -> dict:
    return {e["key"]: e["value"] for e in pkg["extras"]}


@pytest.mark.parametrize("fmt", [("ttl", "turtle"), ("rdf", "xml"), ("jsonld", "json-ld")])
def test_ckanext_dcat_parses_licence_format_and_dates(client, catalogue, fmt):
    ext, rdf_format = fmt
    body = client.get(f"/catalog.{ext}").content.decode()
    parsed = {p["title"]: p for p in json.loads(_ckan("parse", rdf_format, stdin=body))}
    for ds in catalogue.public:
        mine = client.get(f"/api/3/action/package_show?id={ds.nama}").json()["result"]
        theirs = parsed[mine["title"]]
        assert theirs["license_id"] == "cc-by" == mine["license_id"]
        extras = _extras(theirs)
        # the instant with its fraction, in UTC (the parser writes +00:00 for our Z)
        assert extras["modified"] == mine["metadata_modified"] + "+00:00"
        assert extras["issued"] == _extras(mine)["issued"] + "+00:00"
        assert extras["spatial_uri"] == _extras(mine)["spatial_uri"]
        assert extras["spatial_text"] == catalogue.world.a.pemda.nama
        assert extras["provenance"] == _extras(mine)["provenance"]
        assert json.loads(extras["conforms_to"]) == json.loads(_extras(mine)["conforms_to"])
        assert extras["publisher_type"] == "http://purl.org/adms/publishertype/LocalAuthority"
        by_url = {r["url"]: r for r in theirs["resources"]}
        for res in mine["resources"]:
            got = by_url[res["url"]]
            assert (got["format"], got["mimetype"]) == (res["format"], res["mimetype"])
            assert got["issued"] == res["created"] + "+00:00"
            if res["format"] == "CSV":
                assert got["hash"] == res["hash"]
                assert re.fullmatch(r"[0-9a-f]{64}", got["hash"])
                assert got["hash_algorithm"] == SPDX + "checksumAlgorithm_sha256"
                assert got["size"] == res["size"]


def test_ckan_republishes_a_harvested_package_whole(client, catalogue):
    """A CKAN that harvested Pantau through the Action API keeps the package dict as it is;
    ckanext-dcat's serializer then writes spatial, provenance, conformsTo and a valid
    checksum from it."""
    ds = catalogue.public[0]
    pkg = client.get(f"/api/3/action/package_show?id={ds.nama}").json()["result"]
    g = Graph().parse(data=_ckan("serialize", stdin=json.dumps(pkg)), format="turtle")
    (dataset,) = g.subjects(RDF.type, DCAT.Dataset)
    (place,) = g.objects(dataset, DCTERMS.spatial)
    assert str(place) == _extras(pkg)["spatial_uri"]
    (prov,) = g.objects(dataset, DCTERMS.provenance)
    assert str(g.value(prov, RDFS.label)) == ds.metode
    assert URIRef("https://datapackage.org/standard/table-schema/") in set(
        g.objects(dataset, DCTERMS.conformsTo)
    )
    themes = [str(t) for t in g.objects(dataset, DCAT.theme)]
    assert themes == ["http://publications.europa.eu/resource/authority/data-theme/HEAL"]
    checksums = list(g.objects(None, URIRef(SPDX + "checksum")))
    assert len(checksums) == 1
    value = str(g.value(checksums[0], URIRef(SPDX + "checksumValue")))
    assert value == ds.csv_sha256 and re.fullmatch(r"[0-9a-f]{64}", value)
    algorithm = g.value(checksums[0], URIRef(SPDX + "algorithm"))
    assert algorithm == URIRef(SPDX + "checksumAlgorithm_sha256")
