"""Package actions: package_list, package_search (q, fq, sort, facets), package_show,
resource_show and current_package_list_with_resources."""

from __future__ import annotations

from pantau.opendata import fq
from pantau.opendata.ckan import text
from pantau.opendata.ckan.base import MAX_ROWS, ActionError, Context, not_found, validation
from pantau.opendata.ckan.dicts import catalogue, clean
from pantau.opendata.ckan.params import MAX_FACET_FIELDS, as_bool, as_int, as_str, as_strings


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
            text.compile_q(as_str(params, "q", "*:*")),
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


def current_package_list_with_resources(ctx, params: dict):
    """Full package dicts, most recently modified first (`limit`, `offset` or 1-based `page`)."""
    limit = as_int(params, "limit", 10)
    if limit < 0:
        raise validation(limit=["Must be a positive integer"])
    limit = min(limit, MAX_ROWS)
    if "offset" in params or "page" not in params:
        offset = as_int(params, "offset", 0)
    else:
        page = as_int(params, "page", 1)
        if page < 1:
            raise validation(page=["Must be a positive integer"])
        offset = (page - 1) * limit
    if offset < 0:
        raise validation(offset=["Must be a positive integer"])
    pkgs = _sorted(catalogue(ctx.pemda, ctx.base, ctx.changed), "metadata_modified desc")
    return [clean(p) for p in pkgs[offset : offset + limit]]
