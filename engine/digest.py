"""Digests: a validated string type, and readers that hash while they stream."""

from __future__ import annotations

import hashlib
import re
from typing import BinaryIO

from engine.errors import DigestMismatch, InvalidInput

_DIGEST_RE = re.compile(r"^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$")
_HEX_RE = re.compile(r"^[a-f0-9]{64}$")


class Digest(str):
    """`sha256:<64 hex>` (or sha512 when read); validated, so it is safe in a file path."""

    __slots__ = ()

    def __new__(cls, value: str) -> Digest:
        if not isinstance(value, str) or not _DIGEST_RE.match(value):
            shown = value if isinstance(value, str) and len(value) < 150 else "(a long or non-string value)"
            raise InvalidInput(f"invalid digest {shown!r}: expected sha256: followed by 64 lowercase hex digits")
        return super().__new__(cls, value)

    @classmethod
    def from_hex(cls, hexdigest: str) -> Digest:
        """A store blob's name back to its digest: 64 hex digits are sha256, 128 sha512."""
        return cls(("sha512:" if len(hexdigest) == 128 else "sha256:") + hexdigest)

    @property
    def algorithm(self) -> str:
        return self.split(":", 1)[0]

    @property
    def hex(self) -> str:  # type: ignore[override]
        return self.split(":", 1)[1]

    def new_hasher(self) -> hashlib._Hash:
        return hashlib.new(self.algorithm)


def is_hex64(text: str) -> bool:
    return bool(_HEX_RE.match(text))


def sha256_digest(data: bytes) -> Digest:
    return Digest("sha256:" + hashlib.sha256(data).hexdigest())


class HashingReader:
    """Reads from `raw`, hashing (sha256) and counting every byte that passes. algorithm None: count only
    (bytes from the store, verified when they went in)."""

    def __init__(self, raw: BinaryIO, on_bytes=None, algorithm: str | None = "sha256") -> None:
        self._raw = raw
        self._algorithm = algorithm
        self._hash = hashlib.new(algorithm) if algorithm else _NoHash()
        self.count = 0
        self._on_bytes = on_bytes

    @property
    def hashing(self) -> bool:
        return self._algorithm is not None

    def read(self, n: int = -1) -> bytes:
        data = self._raw.read(n)
        if data:
            self._hash.update(data)
            self.count += len(data)
            if self._on_bytes is not None:
                self._on_bytes(len(data))
        return data

    def readinto(self, buf) -> int:
        n = self._raw.readinto(buf)
        if n:
            view = memoryview(buf)[:n]
            self._hash.update(view)
            self.count += n
            if self._on_bytes is not None:
                self._on_bytes(n)
        return n

    def digest(self) -> Digest:
        if self._algorithm is None:
            raise ValueError("this reader only counts")
        return Digest(f"{self._algorithm}:{self._hash.hexdigest()}")

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._raw.close()


class _NoHash:
    def update(self, data) -> None:
        pass


def check(what: str, expected: Digest, expected_size: int | None, actual: Digest, actual_size: int) -> None:
    """Raise DigestMismatch naming `what` unless digest and size match."""
    if expected_size is not None and expected_size >= 0 and actual_size != expected_size:
        raise DigestMismatch(
            f"{what} {expected[:19]}… is {actual_size} bytes, but its descriptor says {expected_size}: "
            "the input is corrupt or truncated"
        )
    if actual != expected:
        raise DigestMismatch(
            f"{what} {expected[:19]}… hashes to {actual[:19]}…: the input is corrupt or was tampered with"
        )


class HashingWriter:
    """Writes to `out`, hashing (sha256) and counting every byte."""

    def __init__(self, out) -> None:
        self._out = out
        self._hash = hashlib.sha256()
        self.count = 0

    def write(self, data) -> int:
        self._hash.update(data)
        n = len(data)
        self.count += n
        self._out.write(data)
        return n

    def flush(self) -> None:
        pass

    def writable(self) -> bool:
        return True

    def digest(self) -> Digest:
        return Digest("sha256:" + self._hash.hexdigest())
