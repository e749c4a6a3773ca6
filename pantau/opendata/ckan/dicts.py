"""CKAN dictionaries of Pantau's public objects (docs/opendata-interop.md §6): licences,
organisations (OPD), groups (topics), packages with their resources and extras, and the
public catalogue they are read from."""

from __future__ import annotations

import hashlib
import json
import uuid

from django.conf import settings
from django.core.cache import cache

from pantau.opendata import public
from pantau.opendata.ckan.base import stamp
from pantau.opendata.ids import resource_id

LICENSES = {
    "cc-by": (
        "Creative Commons Attribution",
        "http://www.opendefinition.org/licenses/cc-by",
        "https://creativecommons.org/licenses/by/4.0/",
        "CC-BY-4.0",
    ),
    "cc-by-sa": (
        "Creative Commons Attribution Share-Alike",
        "http://www.opendefinition.org/licenses/cc-by-sa",
        "https://creativecommons.org/licenses/by-sa/4.0/",
        "CC-BY-SA-4.0",
    ),
    "cc-zero": (
        "Creative Commons CCZero",
        "http://www.opendefinition.org/licenses/cc-zero",
        "https://creativecommons.org/publicdomain/zero/1.0/",
        "CC0-1.0",
    ),
    "odc-by": (
        "Open Data Commons Attribution License",
        "http://www.opendefinition.org/licenses/odc-by",
        "https://opendatacommons.org/licenses/by/1-0/",
        "ODC-By-1.0",
    ),
    "other-open": ("Other (Open)", "", "", "other-open"),
}
FREQUENCY = {
    "tahunan": "ANNUAL",
    "semesteran": "ANNUAL_2",
    "triwulanan": "QUARTERLY",
    "bulanan": "MONTHLY",
    "tidak_tetap": "IRREG",
}
KIP = {
    "berkala": "UU 14/2008 Pasal 9",
    "serta_merta": "UU 14/2008 Pasal 10",
    "setiap_saat": "UU 14/2008 Pasal 11",
}
EU = "http://publications.europa.eu/resource/authority/"
SHA256 = "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
TABLE_SCHEMA = "https://datapackage.org/standard/table-schema/"
PUBLISHER_TYPE = "http://purl.org/adms/publishertype/LocalAuthority"
DS_TYPES = {
    "string": "text",
    "integer": "int4",
    "number": "numeric",
    "boolean": "bool",
    "date": "date",
    "datetime": "timestamp",
    "year": "int4",
}


# --- dicts ------------------------------------------------------------------------------------


def organization_dict(opd, *, package_count: int | None = None) -> dict:
    out = {
        "id": str(opd_uid(opd)),
        "name": opd_name(opd),
        "title": opd.nama,
        "display_name": opd.nama,
        "type": "organization",
        "description": "",
        "image_url": "",
        "image_display_url": "",
        "created": stamp(opd.created_at),
        "is_organization": True,
        "approval_status": "approved",
        "state": "active",
    }
    if package_count is not None:
        out["package_count"] = package_count
    return out


def opd_uid(opd):

    return uuid.uuid5(uuid.NAMESPACE_URL, f"pantau:opd:{opd.pemda_id}:{opd.kode}")


def opd_name(opd) -> str:
    from django.utils.text import slugify

    return slugify(opd.singkatan or opd.nama)[:100] or f"opd-{opd.pk}"


def group_dict(topik) -> dict:
    return {
        "id": str(topik_uid(topik)),
        "name": topik.nama,
        "title": topik.judul,
        "display_name": topik.judul,
        "description": "",
        "image_display_url": "",
    }


def topik_uid(topik):

    return uuid.uuid5(uuid.NAMESPACE_URL, f"pantau:topik:{topik.nama}")


def dataset_url(base: str, ds) -> str:
    return f"{base}/dataset/{ds.nama}/"


def download_url(base: str, ds, fmt: str) -> str:
    return f"{base}/dataset/{ds.nama}/resource/{resource_id(ds.uid, fmt)}/download/{ds.nama}.{fmt}"


def resources(base: str, ds) -> list[dict]:
    versi = ds.versi_terbit
    modified = stamp(ds.diubah_publik)
    out = []
    for position, (fmt, label, mime) in enumerate(
        (
            ("csv", "CSV", "text/csv"),
            ("xlsx", "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("json", "JSON", "application/json"),
        )
    ):
        out.append(
            {
                "id": resource_id(ds.uid, fmt),
                "package_id": str(ds.uid),
                "name": f"{ds.judul} ({label})",
                "description": f"{versi.jumlah_baris} baris; versi {versi.nomor}.",
                "format": label,
                "mimetype": mime,
                "url": download_url(base, ds, fmt),
                "url_type": None,
                # of the file served (the CSV, after suppression), never of the upload
                "size": ds.csv_ukuran if fmt == "csv" else None,
                # bare hex with its SPDX algorithm, as ckanext-dcat reads and writes them
                "hash": ds.csv_sha256 if fmt == "csv" and ds.csv_sha256 else "",
                "hash_algorithm": SHA256 if fmt == "csv" and ds.csv_sha256 else "",
                "created": stamp(versi.created_at),
                "last_modified": modified,
                "metadata_modified": modified,
                "position": position,
                "state": "active",
                "datastore_active": fmt == "csv",
            }
        )
    return out


def extras(ds, base: str) -> list[dict]:
    pemda = ds.pemda
    themes = [f"{EU}data-theme/{t.tema_eu}" for t in ds.topik.all() if t.tema_eu]
    items = [
        ("kode_wilayah", pemda.kode),
        ("sdi_konsep", ds.konsep),
        ("sdi_definisi", ds.definisi),
        ("sdi_klasifikasi", ds.klasifikasi_penyajian),
        ("sdi_ukuran", ds.ukuran),
        ("sdi_satuan", ds.satuan),
        ("sdi_walidata", pemda.walidata_nama or f"Walidata {pemda.nama}"),
        ("sdi_frekuensi", ds.frekuensi),
        ("frequency", f"{EU}frequency/{FREQUENCY[ds.frekuensi]}" if ds.frekuensi else ""),
        ("temporal_start", ds.periode_awal.isoformat()),
        ("temporal_end", ds.periode_akhir.isoformat()),
        ("tahun_anggaran", str(ds.tahun or "")),
        ("sdi_tingkat_penyajian", ds.tingkat_penyajian),
        ("sdi_kode_referensi", "Kepmendagri 300.2.2-2430/2025; Kepmendagri 050-5889/2021"),
        ("sdi_metode", ds.metode),
        ("provenance", ds.metode),
        (
            "sel_kecil_disamarkan",
            f"{', '.join(ds.kolom_sel_kecil)}: 1-{ds.ambang_sel_kecil - 1}"
            if ds.kolom_sel_kecil and ds.ambang_sel_kecil > 1
            else "",
        ),
        ("klasifikasi", "publik"),
        ("kip_kelas", ds.kelas_kip),
        ("dasar_hukum", KIP.get(ds.kelas_kip, "")),
        ("access_rights", f"{EU}access-right/PUBLIC"),
        ("issued", stamp(ds.diterbitkan_pada) or ""),
        ("modified", stamp(ds.diubah_publik) or ""),
        ("sdi_status", "disetujui"),
        ("sdi_tanggal_persetujuan", stamp(ds.disetujui_pada) or ""),
        # one URI per theme, however many topics map to it
        ("theme", json.dumps(list(dict.fromkeys(themes)))),
        ("language", json.dumps([f"{EU}language/IND"])),
        ("conforms_to", json.dumps([TABLE_SCHEMA])),
    ]
    items[1:1] = spatial_extras(pemda, base)
    items[1:1] = [  # the publisher as ckanext-dcat's keys: it re-publishes them without a lookup
        ("publisher_uri", f"{base}/organization/{opd_uid(ds.opd)}"),
        ("publisher_name", ds.opd.nama),
        ("publisher_identifier", ds.opd.kode),
        ("publisher_type", PUBLISHER_TYPE),
    ]
    return [{"key": k, "value": str(v)} for k, v in items if v not in ("", None, "[]")]


def spatial_extras(pemda, base: str) -> list[tuple[str, str]]:
    """The pemda as the keys ckanext-dcat reads and writes for dct:spatial. The IRI names the
    area (kode wilayah, Kepmendagri) under the catalogue's site, like the publisher IRIs."""
    return [
        ("spatial_uri", f"{base}/wilayah/{pemda.kode}"),
        ("spatial_text", pemda.nama),
    ]


def package_dict(base: str, ds) -> dict:
    lic = LICENSES.get(ds.lisensi, LICENSES["other-open"])
    tags = ds.tags
    pkg = {
        "id": str(ds.uid),
        "name": ds.nama,
        "title": ds.judul,
        "notes": ds.deskripsi,
        "type": "dataset",
        "state": "active",
        "private": False,
        "owner_org": str(opd_uid(ds.opd)),
        "organization": organization_dict(ds.opd),
        "author": ds.opd.nama,
        "author_email": "",
        "maintainer": ds.pemda.walidata_nama or f"Walidata {ds.pemda.nama}",
        "maintainer_email": ds.pemda.walidata_email,
        "license_id": ds.lisensi,
        "license_title": lic[0],
        "license_url": lic[1],
        "isopen": ds.lisensi != "other-closed",
        "url": dataset_url(base, ds),
        "version": f"v{ds.versi_terbit.nomor}",
        "metadata_created": stamp(ds.created_at),
        "metadata_modified": stamp(ds.diubah_publik),
        "creator_user_id": None,
        "num_tags": len(tags),
        "tags": [
            {"name": t, "display_name": t, "state": "active", "vocabulary_id": None} for t in tags
        ],
        "groups": [group_dict(t) for t in ds.topik.all()],
        "extras": extras(ds, base),
        "relationships_as_subject": [],
        "relationships_as_object": [],
    }
    pkg["resources"] = resources(base, ds)
    pkg["num_resources"] = len(pkg["resources"])
    return pkg


def _searchable(pkg: dict) -> str:
    org = pkg["organization"]
    parts = [pkg["title"], pkg["notes"], org["title"], org["name"]]
    parts += [t["name"] for t in pkg["tags"]]
    parts += [r["name"] + " " + r["description"] for r in pkg["resources"]]
    parts += [e["value"] for e in pkg["extras"]]
    return " ".join(parts).lower()


def catalogue(pemda, base: str, changed=None) -> list[dict]:
    """Every public package dict of the pemda (cached until a dataset changes)."""
    changed = public.last_change(pemda) if changed is None else changed
    raw = f"{base}|{changed}"
    key = f"opendata:catalogue:{pemda.pk}:{hashlib.sha256(raw.encode()).hexdigest()}"
    hit = cache.get(key)
    if hit is not None:
        return hit
    out = []
    for ds in public.datasets(pemda):
        pkg = package_dict(base, ds)
        pkg["_search"] = _searchable(pkg)
        pkg["_pemda"] = ds.pemda.nama  # internal keys (removed by clean()) for DCAT
        pkg["_kode_organisasi"] = ds.opd.kode
        out.append(pkg)
    cache.set(key, out, settings.OPENDATA_API_CACHE_SECONDS)
    return out


def clean(pkg: dict) -> dict:
    return {k: v for k, v in pkg.items() if not k.startswith("_")}
