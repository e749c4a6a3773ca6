"""A backup setting of its own for every test: two targets, a key apart from them, media and
private folders with files in them (some nested, some binary)."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import pytest

from pantau.backup import keys


@pytest.fixture
def backup_env(settings, tmp_path: Path):
    data = tmp_path / "data"
    targets = [tmp_path / "dc", tmp_path / "second"]
    for t in targets:
        t.mkdir()
    settings.DATA_DIR = data
    settings.MEDIA_ROOT = data / "media"
    settings.PRIVATE_ROOT = data / "private"
    settings.BACKUP_DIRS = targets
    settings.BACKUP_KEY_FILE = tmp_path / "keys" / "backup.key"
    settings.BACKUP_KEEP = "7d,4w,12m"
    keys.key_write(settings.BACKUP_KEY_FILE)
    rng = random.Random(13)  # noqa: S311 - test content, not secrets
    files = {
        "media/thumbs/2026/foto-1.jpg": rng.randbytes(40_000),
        "media/thumbs/2026/foto-2.jpg": rng.randbytes(5_000),
        "private/bukti/74.07/laporan.pdf": rng.randbytes(120_000),
        "private/bukti/74.07/kosong.txt": b"",
        "private/impor/rencana.xlsx": b"PK\x03\x04" + rng.randbytes(3_000),
    }
    for rel, body in files.items():
        path = data / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    return {"data": data, "targets": targets, "files": files}


def tree_digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
