"""DCAT (DCAT-AP 2 style) RDF of the public catalogue and of each dataset, with Hydra paging
(docs/opendata-interop.md §9), serialised by rdflib from the same package dicts as the CKAN API."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

from pantau.opendata import ckan, fq
from pantau.opendata.ckan import text as ckan_text

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
DCATAP = Namespace("http://data.europa.eu/r5r/")
PUBLISHER_TYPE = ckan.PUBLISHER_TYPE
AVAILABILITY = f"{EU}planned-availability/STABLE"
TABLE_SCHEMA = ckan.TABLE_SCHEMA
# English preferred labels of the concepts Pantau names (EU authority tables, ADMS vocabularies)
CONCEPT_LABELS = {
    **{
        f"{EU}data-theme/{code}": label
        for code, label in {
            "AGRI": "Agriculture, fisheries, forestry and food",
            "ECON": "Economy and finance",
            "EDUC": "Education, culture and sport",
            "ENER": "Energy",
            "ENVI": "Environment",
            "GOVE": "Government and public sector",
            "HEAL": "Health",
            "INTR": "International issues",
            "JUST": "Justice, legal system and public safety",
            "OP_DATPRO": "Provisional data",
            "REGI": "Regions and cities",
            "SOCI": "Population and society",
            "TECH": "Science and technology",
            "TRAN": "Transport",
        }.items()
    },
    AVAILABILITY: "Stable",
    PUBLISHER_TYPE: "Local Authority",
    "http://purl.org/adms/licencetype/Attribution": "Attribution",
    "http://purl.org/adms/licencetype/ShareAlike": "Share alike",
    "http://purl.org/adms/licencetype/PublicDomain": "Public domain",
}
# ADMS licence types of the licences Pantau offers (ckan.LICENSES)
LICENCE_TYPE = {
    "cc-by": "Attribution",
    "cc-by-sa": "ShareAlike",
    "cc-zero": "PublicDomain",
    "odc-by": "Attribution",
}
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
        ("dcatap", DCATAP),
    ):
        g.bind(prefix, ns)
    return g


def _when(stamp: str | None):
    """A CKAN stamp (naive UTC, six fractional digits) as xsd:dateTime with its fraction and
    a `Z` (opendata-interop §5): harvesters compare these strings."""
    if not stamp:
        return None
    # normalize=False: rdflib would otherwise rewrite the Z as +00:00
    return Literal(stamp.rstrip("Z") + "Z", datatype=XSD.dateTime, normalize=False)


def _typed(g: Graph, uri: str, cls, label: str | None = None) -> URIRef:
    """A vocabulary IRI with the class DCAT-AP 3 expects of it (range shapes), and a label
    where a client reads one (ckanext-dcat takes `rdfs:label` as the value). A skos:Concept
    carries the English preferred label of its authority table (DCAT-AP requires one)."""
    node = URIRef(uri)
    g.add((node, RDF.type, cls))
    if label:
        g.add((node, RDFS.label, Literal(label)))
    if cls == SKOS.Concept:
        g.add(
            (
                node,
                SKOS.prefLabel,
                Literal(CONCEPT_LABELS.get(uri, uri.rsplit("/", 1)[-1]), lang="en"),
            )
        )
    return node


def _agent(g: Graph, node: URIRef, name: str) -> URIRef:
    """A publisher: foaf:Agent (the class DCAT-AP's range names) and foaf:Organization, with
    its ADMS publisher type (a regional government is a local authority)."""
    g.add((node, RDF.type, FOAF.Agent))
    g.add((node, RDF.type, FOAF.Organization))
    g.add((node, FOAF.name, Literal(name, lang="id")))
    g.add((node, DCTERMS.type, _typed(g, PUBLISHER_TYPE, SKOS.Concept)))
    return node


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
        g.add((ds, DCAT.theme, _typed(g, theme, SKOS.Concept)))
    issued = _when(_extra(pkg, "issued") or pkg["metadata_created"])
    g.add((ds, DCTERMS.issued, issued))
    g.add((ds, DCTERMS.modified, _when(pkg["metadata_modified"])))
    g.add((ds, OWL.versionInfo, Literal(pkg["version"])))
    g.add((ds, DCTERMS.language, _typed(g, f"{EU}language/IND", DCTERMS.LinguisticSystem)))
    page = URIRef(pkg["url"])
    g.add((ds, DCAT.landingPage, page))
    g.add((page, RDF.type, FOAF.Document))
    if _extra(pkg, "frequency"):
        freq = _typed(g, _extra(pkg, "frequency"), DCTERMS.Frequency)
        g.add((ds, DCTERMS.accrualPeriodicity, freq))
    period = BNode()
    g.add((ds, DCTERMS.temporal, period))
    g.add((period, RDF.type, DCTERMS.PeriodOfTime))
    g.add((period, DCAT.startDate, Literal(_extra(pkg, "temporal_start"), datatype=XSD.date)))
    g.add((period, DCAT.endDate, Literal(_extra(pkg, "temporal_end"), datatype=XSD.date)))
    g.add((ds, DCTERMS.spatial, _place(g, pkg)))
    org = pkg["organization"]
    publisher = _agent(g, URIRef(f"{base}/organization/{org['id']}"), org["title"])
    g.add((ds, DCTERMS.publisher, publisher))
    g.add((publisher, DCTERMS.identifier, Literal(pkg["_kode_organisasi"])))
    contact = BNode()
    g.add((ds, DCAT.contactPoint, contact))
    g.add((contact, RDF.type, VCARD.Kind))
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal(pkg["maintainer"])))
    if pkg["maintainer_email"]:
        g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{pkg['maintainer_email']}")))
    rights = _typed(g, f"{EU}access-right/PUBLIC", DCTERMS.RightsStatement)
    g.add((ds, DCTERMS.accessRights, rights))
    for uri in json.loads(_extra(pkg, "conforms_to") or "[]"):
        standard = _typed(g, uri, DCTERMS.Standard)
        if uri == TABLE_SCHEMA:
            g.add((standard, DCTERMS.title, Literal("Frictionless Table Schema", lang="en")))
        g.add((ds, DCTERMS.conformsTo, standard))
    if _extra(pkg, "provenance"):
        prov = BNode()
        g.add((ds, DCTERMS.provenance, prov))
        g.add((prov, RDF.type, DCTERMS.ProvenanceStatement))
        g.add((prov, RDFS.label, Literal(_extra(pkg, "provenance"), lang="id")))
    for res in pkg["resources"]:
        g.add((ds, DCAT.distribution, _distribution(g, base, pkg, res)))
    return ds


def _place(g: Graph, pkg: dict) -> URIRef:
    """The pemda as a dct:Location IRI (ckanext-dcat reads an IRI as `spatial_uri` and the
    prefLabel as `spatial_text`)."""
    place = URIRef(_extra(pkg, "spatial_uri"))
    g.add((place, RDF.type, DCTERMS.Location))
    g.add((place, DCTERMS.identifier, Literal(_extra(pkg, "kode_wilayah"))))
    g.add((place, SKOS.prefLabel, Literal(_extra(pkg, "spatial_text"), lang="id")))
    return place


def _pemda_place(g: Graph, pemda, base: str) -> URIRef:
    extras = [("kode_wilayah", pemda.kode), *ckan.spatial_extras(pemda, base)]
    return _place(g, {"extras": [{"key": k, "value": v} for k, v in extras]})


def _licence(g: Graph, pkg: dict) -> URIRef | None:
    """The licence document, with CKAN's licence title (`dct:title`): ckanext-dcat maps a
    licence to a CKAN `license_id` by CKAN's licence URL or by this title."""
    if not pkg["license_url"]:
        return None
    uri = ckan.LICENSES.get(pkg["license_id"], ckan.LICENSES["other-open"])[2]
    licence = URIRef(uri or pkg["license_url"])
    g.add((licence, RDF.type, DCTERMS.LicenseDocument))
    g.add((licence, DCTERMS.title, Literal(pkg["license_title"])))
    if pkg["license_id"] in LICENCE_TYPE:
        kind = f"http://purl.org/adms/licencetype/{LICENCE_TYPE[pkg['license_id']]}"
        g.add((licence, DCTERMS.type, _typed(g, kind, SKOS.Concept)))
    return licence


def _distribution(g: Graph, base: str, pkg: dict, res: dict) -> URIRef:
    dist = URIRef(f"{base}/dataset/{pkg['id']}/resource/{res['id']}")
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.title, Literal(res["name"], lang="id")))
    g.add((dist, DCTERMS.description, Literal(res["description"], lang="id")))
    g.add((dist, DCAT.accessURL, URIRef(pkg["url"])))
    g.add((dist, DCAT.downloadURL, URIRef(res["url"])))
    fmt = _typed(g, f"{EU}file-type/{res['format']}", DCTERMS.MediaTypeOrExtent, res["format"])
    g.add((dist, DCTERMS["format"], fmt))
    media = _typed(g, IANA + res["mimetype"], DCTERMS.MediaType, res["mimetype"])
    g.add((dist, DCAT.mediaType, media))
    g.add((dist, DCATAP.availability, _typed(g, AVAILABILITY, SKOS.Concept)))
    if res["size"] is not None:
        g.add((dist, DCAT.byteSize, Literal(int(res["size"]), datatype=XSD.nonNegativeInteger)))
    if res["hash"]:
        checksum = BNode()
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, URIRef(res["hash_algorithm"])))
        g.add((checksum, SPDX.checksumValue, Literal(res["hash"], datatype=XSD.hexBinary)))
    licence = _licence(g, pkg)
    if licence is not None:
        g.add((dist, DCTERMS.license, licence))
    g.add((dist, DCTERMS.issued, _when(res["created"])))
    g.add((dist, DCTERMS.modified, _when(res["last_modified"])))
    return dist


def _filtered(pkgs: list[dict], params) -> list[dict]:
    preds = []
    try:
        if params.get("q"):
            preds.append(ckan_text.compile_q(params["q"]))
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
    homepage = URIRef(base + "/")
    g.add((cat, FOAF.homepage, homepage))
    g.add((homepage, RDF.type, FOAF.Document))
    g.add((cat, DCTERMS.language, _typed(g, f"{EU}language/IND", DCTERMS.LinguisticSystem)))
    publisher = _agent(g, URIRef(f"{base}/pemda/{pemda.kode}"), f"Pemerintah {pemda.nama}")
    g.add((cat, DCTERMS.publisher, publisher))
    taxonomy = _typed(g, f"{EU}data-theme", SKOS.ConceptScheme)
    g.add((taxonomy, DCTERMS.title, Literal("Data theme", lang="en")))
    g.add((cat, DCAT.themeTaxonomy, taxonomy))
    g.add((cat, DCTERMS.spatial, _pemda_place(g, pemda, base)))
    if pkgs:
        g.add((cat, DCTERMS.issued, _when(min(p["metadata_created"] for p in pkgs))))
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
