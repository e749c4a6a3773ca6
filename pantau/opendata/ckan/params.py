"""Reading CKAN action parameters (docs/opendata-interop.md §4.3): typed readers that refuse a
value of the wrong JSON type with CKAN's Validation Error, with bounded lists."""

from __future__ import annotations

import json
import re

from pantau.opendata.ckan.base import validation

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
