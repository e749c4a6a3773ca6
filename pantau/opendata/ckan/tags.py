"""Tag actions and dataset autocomplete (tag_list with all_fields and query, tag_show,
package_autocomplete), over the public catalogue."""

from __future__ import annotations

import uuid

from pantau.opendata.ckan.base import MAX_ROWS, not_found, validation
from pantau.opendata.ckan.dicts import catalogue, clean
from pantau.opendata.ckan.params import as_bool, as_int, as_str


def _tag_id(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"pantau:tag:{name}"))


def tag_dict(name: str) -> dict:
    return {"id": _tag_id(name), "name": name, "display_name": name, "vocabulary_id": None}


def tag_list(ctx, params: dict):
    """Tags on public datasets; `query` keeps those containing it (case-insensitive),
    `all_fields` gives tag dicts instead of names."""
    names = sorted(
        {t["name"] for p in catalogue(ctx.pemda, ctx.base, ctx.changed) for t in p["tags"]}
    )
    query = as_str(params, "query") or as_str(params, "q")
    if query:
        names = [n for n in names if query.lower() in n.lower()]
    if as_bool(params, "all_fields", False):
        return [tag_dict(n) for n in names]
    return names


def tag_show(ctx, params: dict):
    key = as_str(params, "id")
    if not key:
        raise validation(id=["Missing value"])
    pkgs = [
        p
        for p in catalogue(ctx.pemda, ctx.base, ctx.changed)
        if any(key in (t["name"], _tag_id(t["name"])) for t in p["tags"])
    ]
    if not pkgs:
        raise not_found("Could not find tag")
    name = next(t["name"] for t in pkgs[0]["tags"] if key in (t["name"], _tag_id(t["name"])))
    out = tag_dict(name)
    if as_bool(params, "include_datasets", False):
        out["packages"] = [clean(p) for p in sorted(pkgs, key=lambda p: p["name"])]
    return out


def package_autocomplete(ctx, params: dict):
    """Datasets whose name or title contains `q` (case-insensitive), at most `limit` (10)."""
    q = as_str(params, "q").strip().lower()
    limit = as_int(params, "limit", 10)
    if limit < 0:
        raise validation(limit=["Must be a positive integer"])
    out = []
    if not q:
        return out
    for pkg in sorted(catalogue(ctx.pemda, ctx.base, ctx.changed), key=lambda p: p["name"]):
        if q in pkg["title"].lower():
            field, shown = "title", pkg["title"]
        elif q in pkg["name"]:
            field, shown = "name", f"{pkg['name']} ({pkg['title']})"
        else:
            continue
        out.append(
            {
                "name": pkg["name"],
                "title": pkg["title"],
                "match_field": field,
                "match_displayed": shown,
            }
        )
    return out[: min(limit, MAX_ROWS)]
