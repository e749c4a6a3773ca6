"""The CKAN Action API subset (docs/opendata-interop.md §6–7): package, organisation, group and
DataStore actions over the public selectors. Pure functions of (pemda, base URL, parameters)
returning results or raising `ActionError`; transport lives in `api.py`.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import math
import re
import time
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache

from pantau.core import spreadsheets
from pantau.opendata import ckan_more, fq, public
from pantau.opendata.ids import resource_id

CKAN_VERSION = "2.11.0"
MAX_ROWS = 1000
DATASTORE_MAX = 32000
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


class ActionError(Exception):
    def __init__(self, kind: str, message: str = "", status: int = 400, fields=None):
        super().__init__(message)
        self.kind, self.message, self.status, self.fields = kind, message, status, fields or {}


def not_found(detail: str) -> ActionError:
    return ActionError("Not Found Error", f"Not found: {detail}", 404)


def validation(**fields) -> ActionError:
    return ActionError("Validation Error", status=409, fields=fields)


def stamp(when: dt.datetime | None) -> str | None:
    """CKAN timestamps: naive UTC with six fractional digits, always."""
    if when is None:
        return None
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


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
    import uuid

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
    import uuid

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


# --- parameter coercion (§4.3) -----------------------------------------------------------------
# Every reader refuses a value of the wrong JSON type with a Validation Error (409) naming the
# parameter: an empty list, an object where a scalar belongs, a list of lists. Lists are bounded
# (MAX_LIST_ITEMS; facet.field MAX_FACET_FIELDS) before anything loops over them.

TRUE = {"true", "1", "yes", "on", "y", "t"}
FALSE = {"false", "0", "no", "off", "n", "f", ""}
MAX_LIST_ITEMS = 1000
MAX_FACET_FIELDS = 50
_MISSING = object()


def _scalar(params: dict, key: str, default):
    """The parameter's single value (the last of a repeated one), or `default` when absent."""
    value = params.get(key, _MISSING)
    if value is _MISSING:
        return default
    if isinstance(value, list):
        if not value:
            raise validation(**{key: ["Missing value"]})
        value = value[-1]
    if isinstance(value, dict | list):
        raise validation(**{key: ["Must be a single value"]})
    return value


def as_bool(params: dict, key: str, default: bool) -> bool:
    value = _scalar(params, key, default)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise validation(**{key: ["Invalid boolean"]})


def as_int(params: dict, key: str, default: int | None) -> int | None:
    value = _scalar(params, key, default)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise validation(**{key: ["Invalid integer"]})
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not re.fullmatch(r"-?[0-9]{1,18}", text):  # ASCII digits only ("²".isdigit() is True)
        raise validation(**{key: ["Invalid integer"]})
    return int(text)


def _bounded(key: str, items: list, most: int) -> list:
    if len(items) > most:
        raise validation(**{key: [f"Too many values (at most {most})"]})
    return items


def as_list(params: dict, key: str, most: int = MAX_LIST_ITEMS) -> list:
    value = params.get(key, [])
    if isinstance(value, list):
        if len(value) == 1 and isinstance(value[0], str) and value[0].startswith("["):
            return as_list({key: value[0]}, key, most)
        return _bounded(key, value, most)
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                parsed = json.loads(text)
            except (ValueError, RecursionError) as exc:
                raise validation(**{key: ["Invalid list"]}) from exc
            if not isinstance(parsed, list):
                raise validation(**{key: ["Invalid list"]})
            return _bounded(key, parsed, most)
        return [text] if text else []
    raise validation(**{key: ["Invalid list"]})


def as_strings(params: dict, key: str, most: int = MAX_LIST_ITEMS) -> list[str]:
    items = as_list(params, key, most)
    if not all(isinstance(i, str) for i in items):
        raise validation(**{key: ["Must be a list of strings"]})
    return items


def as_object(params: dict, key: str) -> dict:
    value = params.get(key, {})
    if isinstance(value, list):
        if not value:
            raise validation(**{key: ["Invalid JSON object"]})
        value = value[-1]
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        if not value.strip():
            return {}
        try:
            parsed = json.loads(value)
        except (ValueError, RecursionError) as exc:
            raise validation(**{key: ["Invalid JSON object"]}) from exc
        if isinstance(parsed, dict):
            return parsed
    raise validation(**{key: ["Invalid JSON object"]})


def as_str(params: dict, key: str, default: str = "") -> str:
    value = _scalar(params, key, default)
    if value is None:
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise validation(**{key: ["Must be a string"]})
    return str(value)


# --- actions ----------------------------------------------------------------------------------


def now() -> float:
    """The clock of the time limit (monotonic; one place, so that tests can move it)."""
    return time.monotonic()


class Context:
    def __init__(self, pemda, base: str, deadline: float, changed=None) -> None:
        self.pemda, self.base, self.deadline = pemda, base, deadline
        self._changed = changed

    @property
    def changed(self):
        """The catalogue's last change (`public.last_change`), read once per call."""
        if self._changed is None:
            self._changed = public.last_change(self.pemda)
        return self._changed

    def check_time(self) -> None:
        if now() > self.deadline:
            raise ActionError("Search Error", "Search error: the query took too long", 409)


def package_list(ctx: Context, params: dict):
    names = sorted(p["name"] for p in catalogue(ctx.pemda, ctx.base, ctx.changed))
    limit = as_int(params, "limit", None)
    offset = as_int(params, "offset", 0) or 0
    if (limit is not None and limit < 0) or offset < 0:
        raise validation(limit=["Must be a positive integer"])
    if limit is not None:
        return names[offset : offset + limit]
    return names


SORT_FIELDS = {"id", "name", "title_string", "metadata_modified", "metadata_created", "score"}


def _sort_key(spec: str):
    items = []
    for part in (spec or "").split(","):
        part = part.strip()
        if not part:
            continue
        bits = part.split()
        field = bits[0]
        order = bits[1].lower() if len(bits) > 1 else "asc"
        if field not in SORT_FIELDS or order not in ("asc", "desc") or len(bits) > 2:
            raise ActionError(
                "Search Query Error", f"Search Query is invalid: cannot sort by {part!r}", 400
            )
        if field == "score":
            field, order = "metadata_modified", "desc"
        items.append((field, order))
    items.append(("id", "asc"))
    return items


def _sorted(pkgs: list[dict], spec: str) -> list[dict]:
    out = list(pkgs)
    for field, order in reversed(_sort_key(spec)):
        key = "title" if field == "title_string" else field
        out.sort(key=lambda p, k=key: p.get(k) or "", reverse=order == "desc")
    return out


def package_search(ctx: Context, params: dict):
    try:
        preds = [
            ckan_more.compile_q(as_str(params, "q", "*:*")),
            fq.compile_fq(as_str(params, "fq")),
        ]
        preds += [fq.compile_fq(f) for f in as_strings(params, "fq_list")]
    except fq.QueryError as exc:
        raise ActionError("Search Query Error", f"Search Query is invalid: {exc}", 400) from exc
    rows = as_int(params, "rows", 10)
    start = as_int(params, "start", 0)
    if rows < 0:
        raise validation(rows=["Must be a positive integer"])
    if start < 0:
        raise validation(start=["Must be a positive integer"])
    rows = min(rows, MAX_ROWS)
    sort = as_str(params, "sort", "score desc, metadata_modified desc")
    ctx.check_time()
    matched = []
    for number, p in enumerate(catalogue(ctx.pemda, ctx.base, ctx.changed)):
        if number % 500 == 0:
            ctx.check_time()
        if all(f(p) for f in preds):
            matched.append(p)
    ctx.check_time()
    matched = _sorted(matched, sort)
    facets, search_facets = _facets(ctx, matched, params)
    return {
        "count": len(matched),
        "sort": sort,
        "results": [clean(p) for p in matched[start : start + rows]],
        "facets": facets,
        "search_facets": search_facets,
    }


def _facets(ctx: Context, pkgs: list[dict], params: dict):
    fields = as_strings(params, "facet.field", MAX_FACET_FIELDS)
    limit = as_int(params, "facet.limit", 50)
    mincount = as_int(params, "facet.mincount", 1)
    if not as_bool(params, "facet", True) or not fields:
        return {}, {}
    facets, search = {}, {}
    for field in dict.fromkeys(fields):  # a field asked twice is counted once
        ctx.check_time()
        counts, titles = _facet_counts(pkgs, field)
        items = sorted(
            ((n, c) for n, c in counts.items() if c >= mincount), key=lambda kv: (-kv[1], kv[0])
        )
        if limit is not None and limit >= 0:
            items = items[:limit]
        facets[field] = dict(items)
        search[field] = {
            "title": field,
            "items": [{"name": n, "display_name": titles[n], "count": c} for n, c in items],
        }
    ctx.check_time()
    return facets, search


def _facet_counts(pkgs: list[dict], field: str) -> tuple[dict[str, int], dict[str, str]]:
    counts: dict[str, int] = {}
    titles: dict[str, str] = {}
    for p in pkgs:
        if field == "organization":
            vals = [(p["organization"]["name"], p["organization"]["title"])]
        elif field == "groups":
            vals = [(g["name"], g["title"]) for g in p["groups"]]
        elif field == "tags":
            vals = [(t["name"], t["name"]) for t in p["tags"]]
        elif field == "res_format":
            vals = [(r["format"], r["format"]) for r in p["resources"]]
        elif field == "license_id":
            vals = [(p["license_id"], p["license_title"])]
        elif field.startswith("extras_"):
            vals = [(v, v) for v in fq._values(p, field)]
        else:
            raise validation(**{"facet.field": [f"Unknown facet field {field}"]})
        for name, title in set(vals):
            counts[name] = counts.get(name, 0) + 1
            titles[name] = title
    return counts, titles


def package_show(ctx: Context, params: dict):
    key = as_str(params, "id") or as_str(params, "name_or_id")
    if not key:
        raise validation(id=["Missing value"])
    for pkg in catalogue(ctx.pemda, ctx.base, ctx.changed):
        if key in (pkg["id"], pkg["name"]):
            return clean(pkg)
    raise not_found("Dataset not found")


def resource_show(ctx: Context, params: dict):
    key = as_str(params, "id")
    if not key:
        raise validation(id=["Missing value"])
    for pkg in catalogue(ctx.pemda, ctx.base, ctx.changed):
        for res in pkg["resources"]:
            if res["id"] == key:
                return res
    raise not_found("Resource was not found.")


def _org_rows(ctx: Context):
    return [o for o in public.organisations(ctx.pemda) if o.package_count]


def organization_list(ctx: Context, params: dict):
    all_fields = as_bool(params, "all_fields", False)
    limit = as_int(params, "limit", 25 if all_fields else 1000)
    limit = max(0, min(limit, 25 if all_fields else 1000))
    offset = max(0, as_int(params, "offset", 0) or 0)
    wanted = set(as_strings(params, "organizations"))
    q = as_str(params, "q").lower()
    orgs = [o for o in _org_rows(ctx) if (not wanted or opd_name(o) in wanted)]
    if q:
        orgs = [o for o in orgs if q in opd_name(o) or q in o.nama.lower()]
    sort = as_str(params, "sort", "title asc").strip() or "title asc"
    bits = sort.split()
    field = bits[0]
    order = bits[1] if len(bits) > 1 else ("desc" if field == "package_count" else "asc")
    if field not in ("name", "title", "package_count") or order not in ("asc", "desc"):
        raise validation(sort=[f"Cannot sort by {sort}"])
    keyf = {"name": opd_name, "title": lambda o: o.nama, "package_count": lambda o: o.package_count}
    orgs.sort(key=keyf[field], reverse=order == "desc")
    orgs = orgs[offset : offset + limit]
    if not all_fields:
        return [opd_name(o) for o in orgs]
    return [
        _org_full(o, include_count=as_bool(params, "include_dataset_count", True)) for o in orgs
    ]


def _org_full(o, *, include_count=True) -> dict:
    out = organization_dict(o, package_count=o.package_count if include_count else None)
    out.update(
        extras=[
            {"key": "kode_organisasi", "value": o.kode},
            {"key": "sdi_peran", "value": "produsen_data"},
        ],
        users=[],
        groups=[],
        tags=[],
        num_followers=0,
    )
    return out


def organization_show(ctx: Context, params: dict):
    key = as_str(params, "id")
    if not key:
        raise validation(id=["Missing value"])
    for o in _org_rows(ctx):
        if key in (opd_name(o), str(opd_uid(o))):
            out = _org_full(o)
            out["packages"] = []
            if as_bool(params, "include_datasets", False):
                out["packages"] = [
                    clean(p)
                    for p in catalogue(ctx.pemda, ctx.base, ctx.changed)
                    if p["organization"]["name"] == opd_name(o)
                ][:10]
            return out
    raise not_found("Organization not found")


def group_list(ctx: Context, params: dict):
    groups = [t for t in public.topics(ctx.pemda) if t.package_count]
    if as_bool(params, "all_fields", False):
        return [
            group_dict(t)
            | {"package_count": t.package_count, "type": "group", "is_organization": False}
            for t in groups
        ]
    return [t.nama for t in groups]


def group_show(ctx: Context, params: dict):
    key = as_str(params, "id")
    if not key:
        raise validation(id=["Missing value"])
    for t in public.topics(ctx.pemda):
        if t.package_count and key in (t.nama, str(topik_uid(t))):
            packages = []
            if as_bool(params, "include_datasets", False):  # the first 10, as organization_show
                packages = [
                    clean(p)
                    for p in catalogue(ctx.pemda, ctx.base, ctx.changed)
                    if any(g["name"] == t.nama for g in p["groups"])
                ][:10]
            return group_dict(t) | {
                "package_count": t.package_count,
                "type": "group",
                "is_organization": False,
                "packages": packages,
                "users": [],
            }
    raise not_found("Group not found")


def license_list(ctx: Context, params: dict):
    return [
        {"id": k, "title": v[0], "url": v[1], "od_conformance": "approved"}
        for k, v in LICENSES.items()
    ]


def resource_view_list(ctx: Context, params: dict):
    return []


def status_show(ctx: Context, params: dict):
    from importlib.metadata import version

    return {
        "site_title": f"Portal Data {ctx.pemda.nama}",
        "site_description": f"Data terbuka dan pembangunan {ctx.pemda.nama}",
        "site_url": ctx.base,
        "locale_default": "id",
        "extensions": ["datastore", "dcat"],
        "ckan_version": CKAN_VERSION,
        "pantau_version": version("pantau"),
    }


HELP = {
    "package_list": "Names of the public datasets. Params: limit, offset.",
    "package_search": "Search public datasets. Params: q, fq, fq_list, sort, rows (<=1000), "
    "start, facet, facet.field, facet.limit, facet.mincount.",
    "package_show": "One public dataset. Params: id (id or name).",
    "resource_show": "One resource of a public dataset. Params: id.",
    "organization_list": "OPDs (Produsen Data) with public datasets. Params: all_fields, sort, "
    "limit, offset, organizations, q.",
    "organization_show": "One OPD. Params: id, include_datasets.",
    "group_list": "Topics with public datasets. Params: all_fields.",
    "group_show": "One topic. Params: id, include_datasets.",
    "license_list": "Licences.",
    "resource_view_list": "Always [].",
    "status_show": "Site information.",
    "help_show": "This help. Params: name.",
    "datastore_search": "Rows of a public tabular resource. Params: resource_id, filters, q, "
    "limit (<=32000), offset, fields, sort, include_total, records_format, "
    "include_next_page.",
}


HELP.update(ckan_more.HELP)


def help_show(ctx: Context, params: dict):
    name = as_str(params, "name")
    if name not in HELP:
        raise not_found("Action not found")
    return HELP[name]


# --- DataStore ---------------------------------------------------------------------------------


def _ds_fields(versi) -> list[dict]:
    out = [{"id": "_id", "type": "int"}]
    for f in versi.skema.get("fields", []):
        out.append(
            {
                "id": f["name"],
                "type": DS_TYPES.get(f.get("type", "string"), "text"),
                "info": {"label": f.get("title", f["name"]), "notes": f.get("description", "")},
            }
        )
    return out


# DataStore filter operators (defined once; used for every row of the row-by-row path)
OPERATORS = {
    "eq": lambda v, r: v == r,
    "gt": lambda v, r: v is not None and v > r,
    "gte": lambda v, r: v is not None and v >= r,
    "lt": lambda v, r: v is not None and v < r,
    "lte": lambda v, r: v is not None and v <= r,
    "in": lambda v, r: v in r,
}


def _row_matches(record: dict, filters: dict, text: str, per_field: dict) -> bool:
    for name, cond in filters.items():
        value = record.get(name)
        if isinstance(cond, dict):
            for op, ref in cond.items():
                try:
                    ok = OPERATORS[op](value, ref)
                except TypeError:
                    ok = False
                if not ok:
                    return False
        elif isinstance(cond, list):
            if value not in cond and str(value) not in [str(c) for c in cond]:
                return False
        elif value != cond and str(value) != str(cond):
            return False
    if text:
        blob = " ".join(str(v) for v in record.values() if isinstance(v, str)).lower()
        if not all(w in blob for w in text.lower().split()):
            return False
    return all(str(w).lower() in str(record.get(n, "")).lower() for n, w in per_field.items())


def _count(versi, conditions, queryset) -> int:
    """Rows matching the filters. A published version never changes, so its counts are kept
    in the cache (a day) and a second page of the same filter does not scan again."""
    raw = f"{versi.pk}|{sorted(map(repr, conditions))}"
    key = f"opendata:count:{hashlib.sha256(raw.encode()).hexdigest()}"
    found = cache.get(key)
    if found is None:
        found = queryset.count()
        cache.set(key, found, 86400)
    return found


def _sql_conditions(filters: dict, versi) -> list[tuple[str, str, object]] | None:
    """DataStore filters as typed (column, op, value) conditions for the database, or None when
    a filter needs the row-by-row path. Values are converted to the column's type, so
    {"tahun": "2025"} finds the number 2025 as CKAN does."""
    types = {f["name"]: f.get("type", "string") for f in versi.skema.get("fields", [])}
    types["_id"] = "integer"

    def typed(name, value):
        kind = types[name]
        if isinstance(value, dict | list) or value is None:
            raise TypeError
        if kind in ("integer", "year"):
            return int(str(value))
        if kind == "number":
            return float(str(value))
        if kind == "boolean":
            raise TypeError  # JSON booleans compare differently per database: row path
        return str(value)

    out = []
    try:
        for name, cond in filters.items():
            if isinstance(cond, list):
                out.append((name, "in", [typed(name, v) for v in cond]))
            elif isinstance(cond, dict):
                for op, ref in cond.items():
                    if op == "in":
                        out.append((name, "in", [typed(name, v) for v in ref]))
                    else:
                        out.append((name, op, typed(name, ref)))
            else:
                out.append((name, "eq", typed(name, cond)))
    except (TypeError, ValueError, OverflowError):
        return None
    return out


def datastore_search(ctx: Context, params: dict):
    rid = as_str(params, "resource_id") or as_str(params, "id")
    if not rid:
        raise validation(resource_id=["Missing value"])
    found = public.dataset_by_resource(ctx.pemda, rid, changed=ctx.changed)
    if found is None or found[1] != "csv":
        raise not_found(f'Resource "{rid}" was not found.')
    ds = found[0]
    versi = ds.versi_terbit
    fields = _ds_fields(versi)
    names = [f["id"] for f in fields]
    filters = as_object(params, "filters")
    for name, cond in filters.items():
        if name not in names:
            raise validation(filters=[f"field {name!r} not in resource"])
        if isinstance(cond, dict) and set(cond) - {"eq", "gt", "gte", "lt", "lte", "in"}:
            raise validation(filters=[f"unknown operator in {name!r}"])
        if isinstance(cond, dict) and "in" in cond and not isinstance(cond["in"], list):
            raise validation(filters=[f"'in' of {name!r} must be a list"])
        values = cond.values() if isinstance(cond, dict) else [cond]
        flat = [v for x in values for v in (x if isinstance(x, list) else [x])]
        if len(flat) > MAX_LIST_ITEMS:
            raise validation(filters=[f"too many values for {name!r} (at most {MAX_LIST_ITEMS})"])
        if any(isinstance(v, float) and not math.isfinite(v) for v in flat) or any(
            isinstance(v, dict | list) for v in flat
        ):
            raise validation(filters=[f"invalid value for {name!r}"])
    raw_q = params.get("q", params.get("full_text", ""))
    if isinstance(raw_q, list):
        if not raw_q:
            raise validation(q=["Missing value"])
        raw_q = raw_q[-1]
    if isinstance(raw_q, list) or (
        isinstance(raw_q, dict) and any(isinstance(v, dict | list) for v in raw_q.values())
    ):
        raise validation(q=["Must be a string or an object of strings"])
    per_field, text = {}, ""
    if isinstance(raw_q, dict):
        per_field = raw_q
    elif isinstance(raw_q, str) and raw_q.strip().startswith("{"):
        per_field = as_object({"q": raw_q}, "q")
    else:
        text = str(raw_q or "")
    for name in per_field:
        if name not in names:
            raise validation(q=[f"field {name!r} not in resource"])
    limit = as_int(params, "limit", 100)
    offset = as_int(params, "offset", 0)
    if limit < 0:
        raise validation(limit=["Must be a positive integer"])
    if offset < 0:
        raise validation(offset=["Must be a positive integer"])
    offset = min(offset, 2**31 - 1)
    limit = min(limit, DATASTORE_MAX)
    wanted = as_strings(params, "fields")
    if len(wanted) == 1 and "," in str(wanted[0]):
        wanted = [w.strip() for w in str(wanted[0]).split(",")]
    for name in wanted:
        if name not in names:
            raise validation(fields=[f"field {name!r} not in resource"])
    sort_spec = as_str(params, "sort", "_id asc") or "_id asc"
    order = []
    for part in sort_spec.split(","):
        bits = part.strip().strip('"').split()
        if not bits:
            continue
        if (
            bits[0].strip('"') not in names
            or len(bits) > 2
            or (len(bits) == 2 and bits[1].lower() not in ("asc", "desc"))
        ):
            raise validation(sort=[f"cannot sort by {part.strip()!r}"])
        order.append((bits[0].strip('"'), len(bits) == 2 and bits[1].lower() == "desc"))
    fmt = as_str(params, "records_format", "objects")
    if fmt not in ("objects", "lists", "csv", "tsv"):
        raise validation(records_format=["Must be objects, lists, csv or tsv"])
    include_total = as_bool(params, "include_total", True)

    simple = (
        not text
        and not per_field
        and order in ([], [("_id", False)])
        and all(not isinstance(c, dict) and not isinstance(c, list) for c in filters.values())
    )
    out_fields = [f for f in fields if not wanted or f["id"] in wanted]
    qs = public.rows(ds)
    conditions = (
        _sql_conditions(filters, versi)
        if not text and not per_field and not public.suppresses(ds)
        else None
    )
    if conditions is not None and order in ([], [("_id", False)], [("_id", True)]):
        # filters and paging in the database
        found = public.rows_where(ds, conditions, descending=order == [("_id", True)])
        total = _count(versi, conditions, found) if include_total else None
        page = (
            [
                dict(_id=n, **d)
                for n, d in found.values_list("nomor", "data")[offset : offset + limit]
            ]
            if limit
            else []
        )
    elif simple and not filters:
        # fast path: paging in the database
        total = versi.jumlah_baris
        page = (
            [dict(_id=r.nomor, **public.suppress(ds, r.data)) for r in qs[offset : offset + limit]]
            if limit
            else []
        )
    else:
        matched = []
        for number, (nomor, data) in enumerate(qs.values_list("nomor", "data").iterator(2000)):
            if number % 5000 == 0:
                ctx.check_time()
            record = {"_id": nomor, **public.suppress(ds, data)}
            if _row_matches(record, filters, text, per_field):
                matched.append(record)
        for name, desc in reversed(order):
            matched.sort(key=lambda r, n=name: (r.get(n) is None, r.get(n)), reverse=desc)
        total = len(matched)
        page = matched[offset : offset + limit] if limit else []
    keys = [f["id"] for f in out_fields]
    result = {
        "resource_id": rid,
        "fields": out_fields,
        "limit": limit,
        "offset": offset,
        "filters": filters,
        "sort": sort_spec,
        "include_total": include_total,
        "records_format": fmt,
        "total_was_estimated": False,
    }
    if text or per_field:
        result["q"] = per_field or text
    if wanted:
        result["fields_requested"] = wanted
    if fmt == "objects":
        result["records"] = [{k: r.get(k) for k in keys} for r in page]
    elif fmt == "lists":
        result["records"] = [[r.get(k) for k in keys] for r in page]
    else:
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        kinds = {f["name"]: f.get("type", "string") for f in versi.skema.get("fields", [])}
        kinds["_id"] = "integer"
        for r in page:  # formula-like text made inert, numbers untouched (docs/security.md)
            writer.writerow(
                [spreadsheets.safe_cell(r.get(k), kinds.get(k, "string")) for k in keys]
            )
        result["records"] = buf.getvalue()
    if include_total:
        result["total"] = total
    link = {"resource_id": rid, "limit": limit}
    if filters:
        link["filters"] = json.dumps(filters)
    if text or per_field:
        link["q"] = json.dumps(per_field) if per_field else text
    if sort_spec != "_id asc":
        link["sort"] = sort_spec
    if wanted:
        link["fields"] = ",".join(wanted)
    result["_links"] = {"start": "/api/action/datastore_search?" + urlencode(link)}
    if limit:
        result["_links"]["next"] = "/api/action/datastore_search?" + urlencode(
            {**link, "offset": offset + limit}
        )
        if offset - limit > 0:
            result["_links"]["prev"] = "/api/action/datastore_search?" + urlencode(
                {**link, "offset": offset - limit}
            )
    if (
        as_bool(params, "include_next_page", False)
        and page
        and order in ([], [("_id", False)], [("_id", True)])
    ):
        last = page[-1]["_id"]
        desc = order == [("_id", True)]
        result["next_page"] = {"_id": {"lt" if desc else "gt": last}}
    return result


ACTIONS = {
    "package_list": package_list,
    "package_search": package_search,
    "package_show": package_show,
    "resource_show": resource_show,
    "organization_list": organization_list,
    "organization_show": organization_show,
    "group_list": group_list,
    "group_show": group_show,
    "tag_list": ckan_more.tag_list,
    "tag_show": ckan_more.tag_show,
    "package_autocomplete": ckan_more.package_autocomplete,
    "current_package_list_with_resources": ckan_more.current_package_list_with_resources,
    "license_list": license_list,
    "resource_view_list": resource_view_list,
    "status_show": status_show,
    "help_show": help_show,
    "datastore_search": datastore_search,
}
WRITE_SUFFIXES = ("_create", "_update", "_patch", "_delete", "_purge", "_upsert")
WRITE_PREFIXES = ("member_", "api_token_", "user_")


def is_write(name: str) -> bool:
    return name.endswith(WRITE_SUFFIXES) or name.startswith(WRITE_PREFIXES)
