"""Private file storage under PRIVATE_ROOT (never served statically; read through
access-checked views). Files are written to a temporary name, synced and renamed, so a crash
never leaves a half-written file behind a database row."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone


def store(data: bytes, *, suffix: str) -> str:
    """Write bytes atomically under PRIVATE_ROOT; returns the relative name."""
    name = f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"
    path = Path(settings.PRIVATE_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
    return name


def remove(name: str) -> None:
    if name:
        (Path(settings.PRIVATE_ROOT) / name).unlink(missing_ok=True)


def open_private(name: str) -> Path:
    path = (Path(settings.PRIVATE_ROOT) / name).resolve()
    if Path(settings.PRIVATE_ROOT).resolve() not in path.parents or not path.is_file():
        raise FileNotFoundError(name)
    return path
