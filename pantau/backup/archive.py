"""Writing and reading the contents of a backup: a tar stream of the head files of the audit
chain, the database snapshot, the uploaded files and the manifest (decision 0033).

Consistency rule: the audit head files are copied first, then the database snapshot is taken,
then the files are copied. Uploads are written once and never changed in place, so every file
the snapshot refers to exists when the files are copied; a file uploaded after the snapshot
is in the backup but no row names it (harmless).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

import zstandard

from pantau.backup import fmt

MANIFEST = "manifest.json"
PREFIXES = ("audit", "db", "media", "private")
FORMAT = 1
BLOCK = 1 << 20  # bytes per read and write while packing and unpacking
Progress = Callable[[str, int, int], None]  # (part, bytes done, bytes in all)


class _Hashing(io.RawIOBase):
    def __init__(self, fh: BinaryIO, on_bytes: Callable[[int], None]) -> None:
        self._fh = fh
        self.sha = hashlib.sha256()
        self._on = on_bytes

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        data = self._fh.read(n)
        self.sha.update(data)
        self._on(len(data))
        return data


class HashingSink(io.RawIOBase):
    """A write-only file that passes every byte on to `out` and keeps their SHA-256: the
    backup file's checksum, taken while it is written rather than by reading it back."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self.sha = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.sha.update(data)
        self._out.write(data)
        return len(data)


def _pause() -> None:
    # The kill -9 test makes a real backup slow between parts (never set in production).
    delay = os.environ.get("PANTAU_BACKUP_TEST_PAUSE")
    if delay:
        time.sleep(float(delay))


@dataclass
class Writer:
    """Adds parts to an encrypted, compressed tar stream and keeps their checksums."""

    out: BinaryIO
    key: bytes
    progress: Progress | None = None
    total: int = 0
    done: int = 0
    parts: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._enc = fmt.EncryptingWriter(self.out, self.key)
        # zstd on every core (the reference `zstd -3` uses one; the output is the same format)
        zst = zstandard.ZstdCompressor(level=3, threads=-1)
        self._zst = zst.stream_writer(self._enc, closefd=False)
        # closed in finish(), which ends the stream in order (tar, zstd frame, last chunk)
        # tarfile's stream buffer is 10 KB by default, and its writes slice that buffer once
        # per 10 KB: a 1 MiB buffer and 1 MiB copies keep the calls few
        self._tar = tarfile.open(  # noqa: SIM115
            fileobj=self._zst, mode="w|", format=tarfile.PAX_FORMAT, bufsize=BLOCK
        )
        self._tar.copybufsize = BLOCK

    def _count(self, name: str) -> Callable[[int], None]:
        def on(n: int) -> None:
            self.done += n
            if self.progress:
                self.progress(name, self.done, self.total)

        return on

    def add_file(self, arcname: str, path: Path) -> None:
        info = tarfile.TarInfo(arcname)
        info.size = path.stat().st_size
        info.mtime = int(path.stat().st_mtime)
        info.mode = 0o600
        with path.open("rb") as fh:
            hashing = _Hashing(fh, self._count(arcname))
            self._tar.addfile(info, hashing)
        self.parts[arcname] = {"sha256": hashing.sha.hexdigest(), "size": info.size}

    def add_tree(self, prefix: str, root: Path) -> None:
        for path in tree_files(root):
            self.add_file(f"{prefix}/{path.relative_to(root).as_posix()}", path)
        _pause()

    def finish(self, manifest: dict[str, Any]) -> bytes:
        manifest = {**manifest, "parts": self.parts}
        body = json.dumps(manifest, sort_keys=True, indent=1, ensure_ascii=False).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(body)
        info.mode = 0o600
        self._tar.addfile(info, io.BytesIO(body))
        self._tar.close()
        self._zst.close()  # ends the zstd frame; closefd=False leaves the encrypter open
        self._enc.close()  # the last chunk, marked last
        return body


def tree_files(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                yield path


def tree_size(root: Path) -> int:
    return sum(p.stat().st_size for p in tree_files(root))


class ContentError(Exception):
    """The decrypted stream is not what its manifest says."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code, detail)
        self.code = code  # bad_member, missing_part, extra_part, checksum, no_manifest
        self.detail = detail


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ContentError("bad_member", name)
    if name != MANIFEST and path.parts[0] not in PREFIXES:
        raise ContentError("bad_member", name)
    return path


def extract(src: BinaryIO, key: bytes, dest: Path) -> tuple[dict[str, Any], bytes]:
    """Decrypt, decompress and unpack into `dest`, checking every part against the manifest.
    Returns the manifest and its bytes. Raises fmt.FormatError or ContentError."""
    reader = fmt.DecryptingReader(src, key)
    dctx = zstandard.ZstdDecompressor()
    seen: dict[str, dict[str, Any]] = {}
    body = b""
    try:
        with (
            dctx.stream_reader(reader, read_across_frames=True) as zr,
            tarfile.open(fileobj=zr, mode="r|", bufsize=BLOCK) as tar,
        ):
            for member in tar:
                path = _safe_name(member.name)
                if not member.isfile():
                    raise ContentError("bad_member", member.name)
                fh = tar.extractfile(member)
                if fh is None:  # a regular file always has a body; never seen
                    raise ContentError("bad_member", member.name)
                if member.name == MANIFEST:
                    body = fh.read()
                    continue
                target = dest.joinpath(*path.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                sha = hashlib.sha256()
                with target.open("wb") as out:
                    while chunk := fh.read(BLOCK):
                        sha.update(chunk)
                        out.write(chunk)
                seen[member.name] = {"sha256": sha.hexdigest(), "size": member.size}
            # read to the very end, so that the last chunk's authentication is checked too
            while zr.read(BLOCK):
                pass
    except (tarfile.TarError, zstandard.ZstdError, EOFError) as exc:
        raise ContentError("bad_member", str(exc)) from exc
    reader.read()  # the last chunk must be there and authentic
    if not body:
        raise ContentError("no_manifest")
    manifest = json.loads(body)
    parts = manifest.get("parts", {})
    for name, want in parts.items():
        got = seen.get(name)
        if got is None:
            raise ContentError("missing_part", name)
        if got != want:
            raise ContentError("checksum", name)
    extra = sorted(set(seen) - set(parts))
    if extra:
        raise ContentError("extra_part", extra[0])
    return manifest, body
