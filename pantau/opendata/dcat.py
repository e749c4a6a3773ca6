"""DCAT (DCAT-AP 2 style) RDF of the public catalogue and of each dataset, with Hydra paging
(docs/opendata-interop.md §9), serialised by rdflib from the same package dicts as the CKAN API."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

from pantau.opendata import ckan, fq

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
EU = "http://publications.europa.eu/resource/authority/"
PER_PAGE = 100
FORMATS = {
    "ttl": ("turtle", "text/turtle"),
    "rdf": ("xml", "application/rdf+xml"),
    "xml": ("xml", "application/rdf+xml"),
    "n3": ("n3", "text/n3"),
    "jsonld": ("json-ld", "application/ld+json"),
}


class BadRequestError(ValueError):
    pass


def _graph() -> Graph:
    g = Graph()
    for prefix, ns in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("vcard", VCARD),
        ("hydra", HYDRA),
        ("spdx", SPDX),
        ("adms", ADMS),
        ("locn", LOCN),
        ("skos", SKOS),
        ("owl", OWL),
        ("xsd", XSD),
    ):
        g.bind(prefix, ns)
    return g


def _when(stamp: str | None):
    return None if not stamp else Literal(stamp.split(".")[0] + "Z", datatype=XSD.dateTime)


def _extra(pkg: dict, key: str) -> str:
    return next((e["value"] for e in pkg["extras"] if e["key"] == key), "")


def add_dataset(g: Graph, base: str, pkg: dict) -> URIRef:
    ds = URIRef(f"{base}/dataset/{pkg['id']}")
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal(pkg["title"], lang="id")))
    g.add((ds, DCTERMS.description, Literal(pkg["notes"], lang="id")))
    g.add((ds, DCTERMS.identifier, Literal(pkg["id"])))
    for tag in pkg["tags"]:
        g.add((ds, DCAT.keyword, Literal(tag["name"], lang="id")))
    for theme in json.loads(_extra(pkg, "theme") or "[]"):
        g.add((ds, DCAT.theme, URIRef(theme)))
    issued = _when(_extra(pkg, "issued") or pkg["metadata_created"])
    g.add((ds, DCTERMS.issued, issued))
    g.add((ds, DCTERMS.modified, _when(pkg["metadata_modified"])))
    g.add((ds, OWL.versionInfo, Literal(pkg["version"])))
    g.add((ds, DCTERMS.language, URIRef(f"{EU}language/IND")))
    page = URIRef(pkg["url"])
    g.add((ds, DCAT.landingPage, page))
    g.add((page, RDF.type, FOAF.Document))
    if _extra(pkg, "frequency"):
        g.add((ds, DCTERMS.accrualPeriodicity, URIRef(_extra(pkg, "frequency"))))
    period = BNode()
    g.add((ds, DCTERMS.temporal, period))
    g.add((period, RDF.type, DCTERMS.PeriodOfTime))
    g.add((period, DCAT.startDate, Literal(_extra(pkg, "temporal_start"), datatype=XSD.date)))
    g.add((period, DCAT.endDate, Literal(_extra(pkg, "temporal_end"), datatype=XSD.date)))
    place = BNode()
    g.add((ds, DCTERMS.spatial, place))
    g.add((place, RDF.type, DCTERMS.Location))
    g.add((place, DCTERMS.identifier, Literal(_extra(pkg, "kode_wilayah"))))
    g.add((place, SKOS.prefLabel, Literal(pkg["_pemda"], lang="id")))
    org = pkg["organization"]
    publisher = URIRef(f"{base}/organization/{org['id']}")
    g.add((ds, DCTERMS.publisher, publisher))
    g.add((publisher, RDF.type, FOAF.Organization))
    g.add((publisher, FOAF.name, Literal(org["title"], lang="id")))
    g.add((publisher, DCTERMS.identifier, Literal(pkg["_kode_organisasi"])))
    contact = BNode()
    g.add((ds, DCAT.contactPoint, contact))
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal(pkg["maintainer"])))
    if pkg["maintainer_email"]:
        g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{pkg['maintainer_email']}")))
    g.add((ds, DCTERMS.accessRights, URIRef(f"{EU}access-right/PUBLIC")))
    g.add((ds, DCTERMS.conformsTo, URIRef("https://datapackage.org/standard/table-schema/")))
    if _extra(pkg, "sdi_metode"):
        prov = BNode()
        g.add((ds, DCTERMS.provenance, prov))
        g.add((prov, RDF.type, DCTERMS.ProvenanceStatement))
        g.add((prov, RDFS.label, Literal(_extra(pkg, "sdi_metode"), lang="id")))
    for res in pkg["resources"]:
        dist = URIRef(f"{base}/dataset/{pkg['id']}/resource/{res['id']}")
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(res["name"], lang="id")))
        g.add((dist, DCTERMS.description, Literal(res["description"], lang="id")))
        g.add((dist, DCAT.accessURL, URIRef(pkg["url"])))
        g.add((dist, DCAT.downloadURL, URIRef(res["url"])))
        g.add((dist, DCTERMS["format"], URIRef(f"{EU}file-type/{res['format']}")))
        g.add(
            (
                dist,
                DCAT.mediaType,
                URIRef(f"http://www.iana.org/assignments/media-types/{res['mimetype']}"),
            )
        )
        if res["size"]:
            g.add((dist, DCAT.byteSize, Literal(res["size"], datatype=XSD.decimal)))
        if res["hash"]:
            checksum = BNode()
            g.add((dist, SPDX.checksum, checksum))
            g.add((checksum, RDF.type, SPDX.Checksum))
            g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
            g.add(
                (
                    checksum,
                    SPDX.checksumValue,
                    Literal(res["hash"].split(":", 1)[1], datatype=XSD.hexBinary),
                )
            )
        if pkg["license_url"]:
            licence = URIRef(
                ckan.LICENSES.get(pkg["license_id"], ckan.LICENSES["other-open"])[2]
                or pkg["license_url"]
            )
            g.add((dist, DCTERMS.license, licence))
            g.add((licence, RDF.type, DCTERMS.LicenseDocument))
        g.add((dist, DCTERMS.issued, _when(res["created"])))
        g.add((dist, DCTERMS.modified, _when(res["last_modified"])))
    return ds


def _filtered(pkgs: list[dict], params) -> list[dict]:
    preds = []
    try:
        if params.get("q"):
            preds.append(fq.compile_q(params["q"]))
        if params.get("fq"):
            preds.append(fq.compile_fq(params["fq"]))
        since = params.get("modified_since")
        if since:
            when = fq.parse_datetime(since.replace("+00:00", "Z"))
            preds.append(lambda p: fq.parse_datetime(p["metadata_modified"]) >= when)
    except fq.QueryError as exc:
        raise BadRequestError(str(exc)) from exc
    return [p for p in pkgs if all(f(p) for f in preds)]


def catalogue_graph(*, pemda, base: str, pkgs: list[dict], params, fmt: str) -> Graph:
    raw_page = str(params.get("page", "1"))
    if not re.fullmatch(r"[0-9]{1,9}", raw_page) or int(raw_page) < 1:
        raise BadRequestError("page must be a positive integer")
    page = int(raw_page)
    matched = sorted(
        _filtered(pkgs, params), key=lambda p: (p["metadata_modified"], p["id"]), reverse=True
    )
    g = _graph()
    cat = URIRef(base)
    g.add((cat, RDF.type, DCAT.Catalog))
    g.add((cat, DCTERMS.title, Literal(f"Portal Data {pemda.nama}", lang="id")))
    g.add(
        (
            cat,
            DCTERMS.description,
            Literal(f"Katalog data terbuka {pemda.nama} (Satu Data Indonesia)", lang="id"),
        )
    )
    g.add((cat, FOAF.homepage, URIRef(base + "/")))
    g.add((cat, DCTERMS.language, URIRef(f"{EU}language/IND")))
    publisher = URIRef(f"{base}/pemda/{pemda.kode}")
    g.add((cat, DCTERMS.publisher, publisher))
    g.add((publisher, RDF.type, FOAF.Organization))
    g.add((publisher, FOAF.name, Literal(f"Pemerintah {pemda.nama}", lang="id")))
    if pkgs:
        g.add((cat, DCTERMS.modified, _when(max(p["metadata_modified"] for p in pkgs))))
    for pkg in matched[(page - 1) * PER_PAGE : page * PER_PAGE]:
        g.add((cat, DCAT.dataset, add_dataset(g, base, pkg)))
    if matched:
        keep = {k: params[k] for k in ("modified_since", "q", "fq", "profiles") if params.get(k)}
        last = max(1, -(-len(matched) // PER_PAGE))

        def url(n: int) -> Literal:
            return Literal(f"{base}/catalog.{fmt}?" + urlencode({**keep, "page": n}))

        node = URIRef(f"{base}/catalog.{fmt}?" + urlencode({**keep, "page": page}))
        g.add((node, RDF.type, HYDRA.PagedCollection))
        g.add((node, HYDRA.totalItems, Literal(len(matched), datatype=XSD.integer)))
        g.add((node, HYDRA.itemsPerPage, Literal(PER_PAGE, datatype=XSD.integer)))
        for new, old, n in (("first", "firstPage", 1), ("last", "lastPage", last)):
            g.add((node, HYDRA[new], url(n)))
            g.add((node, HYDRA[old], url(n)))
        if page < last:
            g.add((node, HYDRA.next, url(page + 1)))
            g.add((node, HYDRA.nextPage, url(page + 1)))
        if page > 1:
            g.add((node, HYDRA.previous, url(page - 1)))
            g.add((node, HYDRA.previousPage, url(page - 1)))
    return g


def dataset_graph(*, base: str, pkg: dict) -> Graph:
    g = _graph()
    add_dataset(g, base, pkg)
    return g


def serialise(g: Graph, fmt: str) -> tuple[str, str]:
    name, media = FORMATS[fmt]
    return g.serialize(format=name), media
