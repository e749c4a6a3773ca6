"""Pantau's DCAT output against the official DCAT-AP 3.0 SHACL shapes (tests/data/dcat-ap-3,
see PROVENANCE.md there): no violation of the core and range shapes, and the recommended
properties that apply (availability, publisher type, ...) are present."""

from pathlib import Path

import pytest
from rdflib import Graph

pytestmark = pytest.mark.django_db
SHAPES = Path(__file__).resolve().parents[3] / "tests" / "data" / "dcat-ap-3"


def _validate(data: Graph, *files: str):
    from pyshacl import validate

    shapes = Graph()
    for name in files:
        shapes.parse(SHAPES / name, format="turtle")
    _conforms, results, _text = validate(data, shacl_graph=shapes, allow_warnings=True)
    sh = "http://www.w3.org/ns/shacl#"
    out = []
    q = f"""SELECT ?focus ?path ?sev ?msg WHERE {{
        ?r a <{sh}ValidationResult> ; <{sh}focusNode> ?focus ; <{sh}resultSeverity> ?sev .
        OPTIONAL {{ ?r <{sh}resultPath> ?path }} OPTIONAL {{ ?r <{sh}resultMessage> ?msg }} }}"""
    for focus, path, sev, msg in results.query(q):
        out.append((str(sev).rsplit("#", 1)[-1], str(path), str(focus), str(msg)))
    return out


def _catalogue(client) -> Graph:
    response = client.get("/catalog.ttl")
    assert response.status_code == 200
    return Graph().parse(data=response.content, format="turtle")


def test_catalogue_has_no_dcat_ap_3_violation(client, catalogue):
    results = _validate(_catalogue(client), "shapes.ttl", "range.ttl")
    violations = [r for r in results if r[0] == "Violation"]
    assert violations == [], "\n".join(map(str, violations))


# Recommended properties that do not apply: Pantau stores no geometry of the pemda (no bbox or
# centroid to give) and no catalogue-wide licence is decided (each distribution has its own).
NOT_APPLICABLE = {
    ("Warning", "http://www.w3.org/ns/dcat#bbox"),
    ("Warning", "http://www.w3.org/ns/dcat#centroid"),
    ("Warning", "http://purl.org/dc/terms/license"),
}


def test_recommended_dcat_ap_3_properties_are_present(client, catalogue):
    results = _validate(_catalogue(client), "shapes_recommended.ttl")
    missing = [r for r in results if r[:2] not in NOT_APPLICABLE]
    assert missing == [], "\n".join(map(str, missing))
    # the catalogue's licence is the only licence warning: every distribution has one
    assert [r[2] for r in results if r[1].endswith("/license")] == ["http://testserver"]


def test_dataset_document_has_no_dcat_ap_3_violation(client, catalogue):
    ds = catalogue.public[0]
    graph = Graph().parse(data=client.get(f"/dataset/{ds.nama}.ttl").content, format="turtle")
    results = _validate(graph, "shapes.ttl", "range.ttl")
    assert [r for r in results if r[0] == "Violation"] == []
