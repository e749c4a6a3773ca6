"""datastore_search over an approved dataset version (docs/opendata-interop.md §7): filters,
full text, fields, sort, paging, totals and the CSV/TSV/list record formats."""

from __future__ import annotations

import hashlib
import json
import math
from urllib.parse import urlencode

from django.core.cache import cache

from pantau.core import spreadsheets
from pantau.opendata import public
from pantau.opendata.ckan.base import DATASTORE_MAX, Context, not_found, validation
from pantau.opendata.ckan.dicts import DS_TYPES
from pantau.opendata.ckan.params import (
    MAX_LIST_ITEMS,
    as_bool,
    as_int,
    as_object,
    as_str,
    as_strings,
)

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
        kinds = {f["name"]: f.get("type", "string") for f in versi.skema.get("fields", [])}
        kinds["_id"] = "integer"
        result["records"] = spreadsheets.csv_text(  # formula-like text inert, numbers untouched
            (
                [spreadsheets.safe_cell(r.get(k), kinds.get(k, "string")) for k in keys]
                for r in page
            ),
            delimiter="," if fmt == "csv" else "\t",
        )
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
