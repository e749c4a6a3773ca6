"""Metadata documents of a public dataset: schema.org `Dataset` JSON-LD (§10) and the Frictionless
`datapackage.json` v2 (§11), built from the same package dict as the CKAN API."""

from __future__ import annotations

from pantau.opendata import ckan

KODE_SUB = r"^[1-8]\.\d{2}\.\d{2}\.[12]\.\d{2}\.\d{4}$"
KODE_WILAYAH = r"^\d{2}\.\d{2}(\.\d{2}(\.[12]\d{3})?)?$"


def _z(stamp: str | None) -> str | None:
    return None if stamp is None else stamp.split(".")[0] + "Z"


def schema_org(base: str, ds, pkg: dict) -> dict:
    """The JSON-LD document; templates embed it with the `json_ld` filter (pantau.core.embed)."""
    doc = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": f"{base}/dataset/{ds.uid}",
        "name": ds.judul,
        "description": ds.deskripsi,
        "url": pkg["url"],
        "identifier": str(ds.uid),
        "keywords": ds.tags,
        "inLanguage": "id",
        "license": ckan.LICENSES.get(ds.lisensi, ckan.LICENSES["other-open"])[2] or None,
        "isAccessibleForFree": True,
        "creator": {
            "@type": "GovernmentOrganization",
            "name": ds.opd.nama,
            "identifier": ds.opd.kode,
        },
        "publisher": {"@type": "GovernmentOrganization", "name": f"Pemerintah {ds.pemda.nama}"},
        "dateCreated": _z(pkg["metadata_created"]),
        "dateModified": _z(pkg["metadata_modified"]),
        "datePublished": _z(ckan.stamp(ds.diterbitkan_pada)),
        "temporalCoverage": f"{ds.periode_awal.isoformat()}/{ds.periode_akhir.isoformat()}",
        "spatialCoverage": {"@type": "Place", "name": ds.pemda.nama, "identifier": ds.pemda.kode},
        "variableMeasured": [f["name"] for f in ds.versi_terbit.skema.get("fields", [])],
        "includedInDataCatalog": {
            "@type": "DataCatalog",
            "name": f"Portal Data {ds.pemda.nama}",
            "url": base,
        },
        "distribution": [
            {
                "@type": "DataDownload",
                "name": r["name"],
                "encodingFormat": r["mimetype"],
                "contentUrl": r["url"],
            }
            for r in pkg["resources"]
        ],
    }
    return {k: v for k, v in doc.items() if v is not None}


def _field(f: dict) -> dict:
    out = {"name": f["name"], "type": f.get("type", "string"), "title": f.get("title", f["name"])}
    if f.get("description"):
        out["description"] = f["description"]
    constraints = dict(f.get("constraints") or {})
    name = f["name"]
    if out["type"] == "string" and name.startswith("kode_sub"):
        constraints.setdefault("pattern", KODE_SUB)
    if out["type"] == "string" and name in ("kode_wilayah", "kode_kecamatan", "kode_desa"):
        constraints.setdefault("pattern", KODE_WILAYAH)
    if name == "bulan" and out["type"] == "integer":
        constraints.setdefault("minimum", 1)
        constraints.setdefault("maximum", 12)
    if constraints:
        out["constraints"] = constraints
    return out


def datapackage(base: str, ds) -> dict:
    pkg = ckan.package_dict(base, ds)
    versi = ds.versi_terbit
    lic = ckan.LICENSES.get(ds.lisensi, ckan.LICENSES["other-open"])
    contributors = [{"title": ds.opd.nama, "roles": ["creator"]}]
    walidata = {"title": pkg["maintainer"], "roles": ["publisher", "contact"]}
    if ds.pemda.walidata_email:
        walidata["email"] = ds.pemda.walidata_email
    contributors.append(walidata)
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": ds.nama,
        "id": pkg["url"],
        "title": ds.judul,
        "description": ds.deskripsi,
        "homepage": pkg["url"],
        "version": pkg["version"],
        "created": _z(pkg["metadata_created"]),
        "keywords": ds.tags,
        "licenses": [{"name": lic[3], "path": lic[2], "title": lic[0]}]
        if lic[2]
        else [{"name": lic[3], "title": lic[0]}],
        "contributors": contributors,
        "sources": [{"title": ds.metode or f"{ds.opd.nama} (Produsen Data)"}],
        "resources": [
            {
                "name": ds.nama,
                "path": ckan.download_url(base, ds, "csv"),
                "type": "table",
                "title": ds.judul,
                "description": f"{versi.jumlah_baris} baris, versi {versi.nomor}.",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                # of the CSV served (after small-cell suppression), as the CKAN resource
                **({"bytes": ds.csv_ukuran} if ds.csv_ukuran else {}),
                **({"hash": f"sha256:{ds.csv_sha256}"} if ds.csv_sha256 else {}),
                "dialect": {"delimiter": ",", "header": True},
                "schema": {
                    "fields": [_field(f) for f in versi.skema.get("fields", [])],
                    "missingValues": [""],
                },
            }
        ],
    }
