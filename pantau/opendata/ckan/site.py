"""Site actions: organisations (OPD), groups (topics), licences, resource views, status and the
help texts of every action."""

from __future__ import annotations

from pantau.opendata import public
from pantau.opendata.ckan.base import CKAN_VERSION, Context, not_found, validation
from pantau.opendata.ckan.dicts import (
    LICENSES,
    catalogue,
    clean,
    group_dict,
    opd_name,
    opd_uid,
    organization_dict,
    topik_uid,
)
from pantau.opendata.ckan.params import as_bool, as_int, as_str, as_strings


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
    "current_package_list_with_resources": "Public datasets with their resources, most "
    "recently modified first. Params: limit (10, <=1000), offset, page.",
    "tag_show": "One tag. Params: id (name), include_datasets.",
    "package_autocomplete": "Datasets whose name or title contains q. Params: q, limit.",
    "tag_list": "Tags of public datasets. Params: query, all_fields.",
}


def help_show(ctx: Context, params: dict):
    name = as_str(params, "name")
    if name not in HELP:
        raise not_found("Action not found")
    return HELP[name]
