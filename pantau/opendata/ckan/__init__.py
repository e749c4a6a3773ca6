"""The CKAN Action API subset (docs/opendata-interop.md §6–7): package, organisation, group, tag
and DataStore actions over the public selectors. Pure functions of (context, parameters)
returning results or raising `ActionError`; transport lives in `opendata/api.py`.

Split by concern: `base` (errors, timestamps, the call context and its clock), `params`
(parameter readers), `dicts` (CKAN dictionaries and the public catalogue), `search`
(package actions), `site` (organisations, groups, licences, status, help), `tags`,
`datastore`, `text` (Solr-like `q` matching). This module holds the action table.
"""

from __future__ import annotations

from pantau.opendata.ckan import base, search
from pantau.opendata.ckan.base import ActionError, Context, stamp
from pantau.opendata.ckan.datastore import datastore_search
from pantau.opendata.ckan.dicts import (
    LICENSES,
    PUBLISHER_TYPE,
    TABLE_SCHEMA,
    catalogue,
    download_url,
    opd_name,
    package_dict,
    spatial_extras,
)
from pantau.opendata.ckan.search import (
    current_package_list_with_resources,
    package_list,
    package_search,
    package_show,
    resource_show,
)
from pantau.opendata.ckan.site import (
    group_list,
    group_show,
    help_show,
    license_list,
    organization_list,
    organization_show,
    resource_view_list,
    status_show,
)
from pantau.opendata.ckan.tags import package_autocomplete, tag_list, tag_show

__all__ = [
    "ACTIONS",
    "LICENSES",
    "PUBLISHER_TYPE",
    "TABLE_SCHEMA",
    "ActionError",
    "Context",
    "base",
    "catalogue",
    "download_url",
    "is_write",
    "opd_name",
    "package_dict",
    "search",
    "spatial_extras",
    "stamp",
]

ACTIONS = {
    "package_list": package_list,
    "package_search": package_search,
    "package_show": package_show,
    "resource_show": resource_show,
    "organization_list": organization_list,
    "organization_show": organization_show,
    "group_list": group_list,
    "group_show": group_show,
    "tag_list": tag_list,
    "tag_show": tag_show,
    "package_autocomplete": package_autocomplete,
    "current_package_list_with_resources": current_package_list_with_resources,
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
