"""An engine's export read once, as it streams: every byte is written to one file (a spool, or the output
archive's own temporary file) and every regular member is hashed on the way, so the blobs can be served by
digest afterwards without hashing them again. Tar headers are parsed here (ustar, GNU long names, PAX
records), the way Python's tarfile and Go's archive/tar read them.

Top-level members named in `drop` (the engine's manifest.json, repositories, index.json) are not written:
their bytes are kept in memory, so that a caller writing the output archive in place can write its own
ones instead, or put the engine's back (restore())."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass

from engine.digest import Digest
from engine.engines.export_compress import LayerCompressor
from engine.errors import InvalidInput
from engine.formats.tarwriter import BLOCK, padding, write_all
from engine.manifest import MAX_JSON_BYTES
from engine.tarindex import MAX_MEMBERS, MAX_NAME, normalise

READ = 1 << 20
REGULAR = (b"0", b"\0", b"7")
ZERO_BLOCK = bytes(BLOCK)


@dataclass(frozen=True)
class Piece:
    """One regular member of the export, as written: its data is bytes [offset, offset+size) of the file."""

    name: str
    digest: Digest
    size: int
    offset: int


def _number(field: bytes, what: str) -> int:
    if field and field[0] & 0x80:  # base-256 (GNU, Go for sizes over 8 GiB)
        return int.from_bytes(field[1:], "big")
    text = field.split(b"\0", 1)[0].strip(b" \0")
    try:
        return int(text, 8) if text else 0
    except ValueError:
        raise InvalidInput(f"{what} is not a tar archive (a header has an invalid number)") from None


def _pax(data: bytes, what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    pos = 0
    while pos < len(data):
        space = data.find(b" ", pos)
        if space < 0:
            break
        try:
            length = int(data[pos:space])
        except ValueError:
            raise InvalidInput(f"{what}: a PAX header is malformed") from None
        if length <= 0:
            raise InvalidInput(f"{what}: a PAX header is malformed")
        record = data[space + 1:pos + length - 1]
        key, _, value = record.partition(b"=")
        out[key.decode(errors="replace")] = value.decode(errors="replace")
        pos += length
    return out


class ExportTee:
    """Write the tar stream `stream` to `fd` (from its current position) and hash its regular members."""

    def __init__(self, fd: int, what: str, *, drop: frozenset[str] = frozenset(),
                 on_bytes: Callable[[int], None] | None = None, compressor: LayerCompressor | None = None) -> None:
        self.fd = fd
        self.compressor = compressor  # compresses layers as they arrive (export_compress.py)
        self.what = what
        self.drop = drop
        self.on_bytes = on_bytes
        self.end = os.lseek(fd, 0, os.SEEK_CUR)  # where the next written byte goes
        self.pieces: dict[str, Piece] = {}  # digest -> the first member with those bytes
        self.names: set[str] = set()  # of every regular member written
        self.members: dict[str, Piece] = {}  # name -> the member (the first of that name)
        self.dropped: list[tuple[bytes, bytes]] = []  # (header blocks, data) of members not written
        self.dropped_data: dict[str, bytes] = {}  # their names -> data
        self._stream = None

    # -- reading
    def _read(self, n: int) -> bytes:
        """Exactly n bytes of the stream (an EngineError or InvalidInput when it ends early)."""
        parts = []
        need = n
        while need:
            data = self._stream.read(min(READ, need))
            if not data:
                raise InvalidInput(f"{self.what}: the engine's export ended in the middle of the archive")
            parts.append(data)
            need -= len(data)
            if self.on_bytes is not None:
                self.on_bytes(len(data))
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def _write(self, data) -> None:
        write_all(self.fd, data)
        self.end += len(data)

    # -- the archive
    def run(self, stream) -> None:
        self._stream = stream
        pending = b""  # PAX / GNU long-name blocks that belong to the next member
        long_name: str | None = None
        pax: dict[str, str] = {}
        count = 0
        while True:
            head = self._read(BLOCK)
            if head == ZERO_BLOCK:
                break  # end of archive: what follows is padding
            count += 1
            if _number(head[148:156], self.what) != sum(head[:148]) + 8 * 32 + sum(head[156:]):
                raise InvalidInput(f"{self.what}: the engine's export is not a tar archive (a header's checksum "
                                   "is wrong)")
            if count > MAX_MEMBERS:
                raise InvalidInput(f"{self.what}: the export has over {MAX_MEMBERS} members; refusing it")
            kind = head[156:157]
            size = _number(head[124:136], self.what)
            if kind in (b"x", b"g", b"L", b"K"):
                if size > MAX_JSON_BYTES:
                    raise InvalidInput(f"{self.what}: a tar extended header of {size} bytes; refusing it")
                data = self._read(size + padding(size))
                pending += head + data
                if kind == b"x":
                    pax.update(_pax(data[:size], self.what))
                elif kind == b"L":
                    long_name = data[:size].split(b"\0", 1)[0].decode(errors="replace")
                continue
            name = pax.get("path") or long_name or self._ustar_name(head)
            if len(name) > MAX_NAME:
                raise InvalidInput(f"{self.what}: a member name of {len(name)} bytes; refusing the archive")
            if "size" in pax:
                try:
                    size = int(pax["size"])
                except ValueError:
                    raise InvalidInput(f"{self.what}: a PAX size is not a number") from None
            clean = normalise(name, self.what)
            if kind in REGULAR:
                self._member(pending + head, clean, size)
            else:  # directories, links: passed on as they are (a docker-archive's layers are regular files)
                self._write(pending + head + self._read(size + padding(size)))
            pending, long_name, pax = b"", None, {}
        while self._stream.read(READ):  # the engine's trailing blocks
            pass

    def _ustar_name(self, head: bytes) -> str:
        name = head[0:100].split(b"\0", 1)[0]
        if head[257:262] == b"ustar":
            prefix = head[345:500].split(b"\0", 1)[0]
            if prefix:
                name = prefix + b"/" + name
        return name.decode("utf-8", errors="surrogateescape")

    def _member(self, blocks: bytes, name: str, size: int) -> None:
        hasher = hashlib.sha256()
        if name in self.drop:
            if size > MAX_JSON_BYTES:
                raise InvalidInput(f"{self.what}: {name} is {size} bytes, over the {MAX_JSON_BYTES >> 20} MiB "
                                   "limit")
            data = self._read(size)
            self._read(padding(size))
            self.dropped.append((blocks, data))
            self.dropped_data[name] = data
            return
        self._write(blocks)
        self.names.add(name)
        offset = self.end
        comp = self.compressor if self.compressor is not None and self.compressor.wants(name, size) else None
        job = comp.start(offset, size) if comp is not None else None
        left = size
        while left:  # the data as it comes, chunk by chunk (no joining)
            data = self._stream.read(min(READ, left))
            if not data:
                raise InvalidInput(f"{self.what}: the engine's export ended in the middle of the archive")
            if self.on_bytes is not None:
                self.on_bytes(len(data))
            hasher.update(data)
            self._write(data)
            left -= len(data)
            if comp is not None:
                comp.advanced(self.end)
        self._write(self._read(padding(size)))
        digest = Digest("sha256:" + hasher.hexdigest())
        if comp is not None:
            comp.finished(job, digest)
        piece = Piece(name, digest, size, offset)
        self.pieces.setdefault(digest, piece)
        self.members.setdefault(name, piece)

    def restore(self) -> None:
        """Write the dropped members back, then end the archive: the file is then the engine's export as sent."""
        for blocks, data in self.dropped:
            self._write(blocks + data + bytes(padding(len(data))))
        self.dropped = []
        self.finish()

    def finish(self) -> None:
        self._write(bytes(2 * BLOCK))
