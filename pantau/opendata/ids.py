"""Stable public identifiers of a dataset's resources (CKAN resource ids never change between
versions: they are derived from the dataset's UUID and the resource's format)."""

import uuid

FORMATS = ("csv", "xlsx", "json")


def resource_id(dataset_uid, fmt: str) -> str:
    return str(uuid.uuid5(uuid.UUID(str(dataset_uid)), f"pantau-resource-{fmt}"))
