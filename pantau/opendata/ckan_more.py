"""More CKAN read actions that real clients call (issue 10 §4): the package list with
resources, tags, dataset autocomplete, and Solr-like word matching of the text fields in `q`.
Pure functions over `ckan.catalogue`, registered in `ckan.ACTIONS`."""

from __future__ import annotations

import re
import uuid

from pantau.opendata import fq

# `title:`, `notes:` and `text:` are text fields in CKAN's Solr schema: a term matches words,
# not the whole value. Other `field:value` terms keep the exact fq grammar.
TEXT_TERM = re.compile(r'(?<!\S)(title|notes|text):("(?:[^"\\]|\\.)*"|[^\s"]+)')
WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def _text_of(pkg: dict, field: str) -> str:
    if field == "title":
        return pkg["title"]
    if field == "notes":
        return pkg["notes"]
    return pkg["_search"]


def _text_term(field: str, value: str) -> fq.Predicate:
    if any(c in value for c in "*?~^"):
        raise fq.QueryError(f"wildcards are not supported in q: {field}:{value}")
    phrase = value.startswith('"')
    wanted = _words(value.strip('"').replace('\\"', '"'))

    def match(pkg: dict) -> bool:
        words = _words(_text_of(pkg, field))
        if not wanted:
            return True
        if phrase:
            n = len(wanted)
            return any(words[i : i + n] == wanted for i in range(len(words) - n + 1))
        return all(w in words for w in wanted)

    return match


def compile_q(text: str) -> fq.Predicate:
    """`q` of package_search and the DCAT catalogue: free words and fq terms as
    `fq.compile_q`, with the text fields matched word by word as Solr does."""
    text = text or ""
    if len(text) > fq.MAX_LENGTH:
        raise fq.QueryError(f"query longer than {fq.MAX_LENGTH} characters")
    preds: list[fq.Predicate] = []

    def take(m: re.Match) -> str:
        preds.append(_text_term(m[1], m[2]))
        return " "

    rest = TEXT_TERM.sub(take, text)
    preds.append(fq.compile_q(rest))
    return lambda pkg: all(p(pkg) for p in preds)


def _ckan():
    from pantau.opendata import ckan

    return ckan


def current_package_list_with_resources(ctx, params: dict):
    """Full package dicts, most recently modified first (`limit`, `offset` or 1-based `page`)."""
    ckan = _ckan()
    limit = ckan.as_int(params, "limit", 10)
    if limit < 0:
        raise ckan.validation(limit=["Must be a positive integer"])
    limit = min(limit, ckan.MAX_ROWS)
    if "offset" in params or "page" not in params:
        offset = ckan.as_int(params, "offset", 0)
    else:
        page = ckan.as_int(params, "page", 1)
        if page < 1:
            raise ckan.validation(page=["Must be a positive integer"])
        offset = (page - 1) * limit
    if offset < 0:
        raise ckan.validation(offset=["Must be a positive integer"])
    pkgs = ckan._sorted(ckan.catalogue(ctx.pemda, ctx.base, ctx.changed), "metadata_modified desc")
    return [ckan.clean(p) for p in pkgs[offset : offset + limit]]


def _tag_id(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"pantau:tag:{name}"))


def tag_dict(name: str) -> dict:
    return {"id": _tag_id(name), "name": name, "display_name": name, "vocabulary_id": None}


def tag_list(ctx, params: dict):
    """Tags on public datasets; `query` keeps those containing it (case-insensitive),
    `all_fields` gives tag dicts instead of names."""
    ckan = _ckan()
    names = sorted(
        {t["name"] for p in ckan.catalogue(ctx.pemda, ctx.base, ctx.changed) for t in p["tags"]}
    )
    query = ckan.as_str(params, "query") or ckan.as_str(params, "q")
    if query:
        names = [n for n in names if query.lower() in n.lower()]
    if ckan.as_bool(params, "all_fields", False):
        return [tag_dict(n) for n in names]
    return names


def tag_show(ctx, params: dict):
    ckan = _ckan()
    key = ckan.as_str(params, "id")
    if not key:
        raise ckan.validation(id=["Missing value"])
    pkgs = [
        p
        for p in ckan.catalogue(ctx.pemda, ctx.base, ctx.changed)
        if any(key in (t["name"], _tag_id(t["name"])) for t in p["tags"])
    ]
    if not pkgs:
        raise ckan.not_found("Could not find tag")
    name = next(t["name"] for t in pkgs[0]["tags"] if key in (t["name"], _tag_id(t["name"])))
    out = tag_dict(name)
    if ckan.as_bool(params, "include_datasets", False):
        out["packages"] = [ckan.clean(p) for p in sorted(pkgs, key=lambda p: p["name"])]
    return out


def package_autocomplete(ctx, params: dict):
    """Datasets whose name or title contains `q` (case-insensitive), at most `limit` (10)."""
    ckan = _ckan()
    q = ckan.as_str(params, "q").strip().lower()
    limit = ckan.as_int(params, "limit", 10)
    if limit < 0:
        raise ckan.validation(limit=["Must be a positive integer"])
    out = []
    if not q:
        return out
    for pkg in sorted(ckan.catalogue(ctx.pemda, ctx.base, ctx.changed), key=lambda p: p["name"]):
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
    return out[: min(limit, ckan.MAX_ROWS)]


HELP = {
    "current_package_list_with_resources": "Public datasets with their resources, most "
    "recently modified first. Params: limit (10, <=1000), offset, page.",
    "tag_show": "One tag. Params: id (name), include_datasets.",
    "package_autocomplete": "Datasets whose name or title contains q. Params: q, limit.",
    "tag_list": "Tags of public datasets. Params: query, all_fields.",
}
