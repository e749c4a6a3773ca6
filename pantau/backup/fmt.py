"""The backup file format (decision 0033): a header, then a zstd-compressed tar stream
encrypted in chunks with AES-256-GCM.

    header  = MAGIC (8) | VERSION (1) | key id (8) | nonce prefix (7) | chunk size (4, big end)
    chunk_i = AES-256-GCM(key, nonce = prefix | i (4, big end) | last (1), plain_i, aad = header)

Every chunk is authenticated together with the header; its place (the counter) and whether it
is the last one are in its nonce, so a cut-off file (no chunk marked last), chunks swapped or
dropped, a changed header and any altered byte are all detected ("STREAM", Hoang, Reyhanitabar,
Rogaway and Vizár 2015). The key id (a SHA-256 of the key under a fixed label) tells a wrong key
from a damaged file without revealing the key.
"""

from __future__ import annotations

import hashlib
import os
import struct
from pathlib import Path
from typing import BinaryIO

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"PANTAUBK"
VERSION = 1
KEY_BYTES = 32
CHUNK = 1 << 20  # 1 MiB of plain text per chunk
TAG = 16
_HEADER = struct.Struct(">8sB8s7sI")
HEADER_SIZE = _HEADER.size
MAX_CHUNK = 64 << 20


class FormatError(Exception):
    """The file is not a Pantau backup, is damaged or altered, or the key is not its key."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code, detail)
        self.code = code  # not_backup, wrong_key, truncated, altered, unsupported
        self.detail = detail


def key_id(key: bytes) -> bytes:
    return hashlib.sha256(b"pantau-backup-key-id\x00" + key).digest()[:8]


def key_generate() -> bytes:
    return os.urandom(KEY_BYTES)


def key_parse(text: bytes) -> bytes:
    """A key file holds 64 hex digits (and perhaps a newline)."""
    try:
        key = bytes.fromhex(text.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise ValueError("key file must hold 64 hexadecimal digits")
    return key


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", counter, 1 if last else 0)


class EncryptingWriter:
    """A file-like sink: bytes written are encrypted chunk by chunk into `out`."""

    def __init__(self, out: BinaryIO, key: bytes, chunk: int = CHUNK) -> None:
        self._out = out
        self._aead = AESGCM(key)
        self._prefix = os.urandom(7)
        self._chunk = chunk
        self.header = _HEADER.pack(MAGIC, VERSION, key_id(key), self._prefix, chunk)
        out.write(self.header)
        self._buf = bytearray()
        self._counter = 0
        self._closed = False

    def write(self, data: bytes) -> int:
        self._buf += data
        while len(self._buf) > self._chunk:  # keep at least one byte back for the last chunk
            self._emit(bytes(self._buf[: self._chunk]), last=False)
            del self._buf[: self._chunk]
        return len(data)

    def _emit(self, plain: bytes, *, last: bool) -> None:
        if self._counter >= 0xFFFFFFFF:
            raise OverflowError("backup too large for one stream")
        nonce = _nonce(self._prefix, self._counter, last)
        self._out.write(self._aead.encrypt(nonce, plain, self.header))
        self._counter += 1

    def flush(self) -> None:
        """Nothing to do: only `close` may write the last chunk."""

    def close(self) -> None:
        if not self._closed:
            self._emit(bytes(self._buf), last=True)
            self._buf.clear()
            self._closed = True


class DecryptingReader:
    """A file-like source giving the plain bytes of an encrypted stream; raises FormatError
    at the first chunk that does not authenticate, or at the end when the last chunk is
    missing."""

    def __init__(self, src: BinaryIO, key: bytes) -> None:
        header = src.read(HEADER_SIZE)
        if len(header) < HEADER_SIZE or not header.startswith(MAGIC):
            raise FormatError("not_backup")
        _magic, version, kid, prefix, chunk = _HEADER.unpack(header)
        if version != VERSION:
            raise FormatError("unsupported", str(version))
        if kid != key_id(key):
            raise FormatError("wrong_key")
        if not 0 < chunk <= MAX_CHUNK:
            raise FormatError("altered", "chunk size")
        self._src = src
        self._aead = AESGCM(key)
        self._header = header
        self._prefix = prefix
        self._size = chunk + TAG
        self._counter = 0
        self._pending = src.read(self._size)
        self._buf = b""  # plain bytes decrypted and not yet read, from self._pos on
        self._pos = 0
        self._done = False

    def _next(self) -> None:
        sealed = self._pending
        if not sealed:
            raise FormatError("truncated")
        self._pending = self._src.read(self._size)
        last = not self._pending
        try:
            plain = self._aead.decrypt(
                _nonce(self._prefix, self._counter, last), sealed, self._header
            )
        except Exception as exc:  # cryptography's InvalidTag: altered, reordered or cut
            if last:
                # a full-length chunk at the end that does not open as "last": the file was cut
                # at a chunk boundary; otherwise some byte changed
                raise FormatError("truncated" if len(sealed) == self._size else "altered") from exc
            raise FormatError("altered") from exc
        self._counter += 1
        self._buf = self._buf[self._pos :] + plain
        self._pos = 0
        self._done = last

    def read(self, n: int = -1) -> bytes:
        # reads take slices from a position, so that many small reads of one chunk do not
        # copy the rest of the chunk each time
        while not self._done and (n < 0 or len(self._buf) - self._pos < n):
            self._next()
        end = len(self._buf) if n < 0 else min(len(self._buf), self._pos + n)
        out = self._buf[self._pos : end]
        self._pos = end
        return out


def header_key_matches(path: Path, key: bytes) -> bool | None:
    """None when the file is not a Pantau backup at all; else whether `key` is its key."""
    with path.open("rb") as fh:
        header = fh.read(HEADER_SIZE)
    if len(header) < HEADER_SIZE or not header.startswith(MAGIC):
        return None
    return _HEADER.unpack(header)[2] == key_id(key)
