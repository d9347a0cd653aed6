"""Writing each layer of a docker-archive straight to its final offset.

A docker-archive is a plain tar in a fixed member order (writer.py), so once the size of every layer is known
(engine/layersizes.py) the offset of every header and every byte of data is known too: the destination writes
each layer's header when the image is planned and lets the parallel layer copies write their bytes at their
offsets (pwrite, or copy_file_range from a file range), so every byte is written once, with no staging file to
copy at commit. Into a stream (engine/formats/sink.py) the same offsets are written in order, one layer at a
time, each header when its layer starts. When a size is not known, the layer that comes next can still be
streamed in place into a file (its header, one block, is written once its size is known), and the rest is
staged and appended at commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from engine.digest import Digest
from engine.errors import Hint, InvalidInput
from engine.formats.tarwriter import pwrite_all


@dataclass
class Slot:
    """Where a layer's data goes in the archive file."""

    offset: int
    size: int
    taken: bool = False
    head: bytes = b""  # its header, still to write when the slot is taken (a stream: engine/formats/sink.py)


def _too_long(digest_text: str, size: int) -> InvalidInput:
    return InvalidInput(f"layer {digest_text} unpacks to more than the {size} bytes recorded for it: the image "
                        "or the store is damaged", Hint.CHECK_STORE)


class PlacedWriter:
    """Writes one layer at its slot, never past it; the pipeline verifies the digest before commit."""

    def __init__(self, sink, slot: Slot, digest: Digest, on_commit: Callable[[Digest], None]) -> None:
        self._sink = sink
        self._slot = slot
        self._digest = digest
        self._pos = slot.offset
        self._end = slot.offset + slot.size
        self._on_commit = on_commit

    def write(self, data) -> int:
        n = len(data)
        if self._pos + n > self._end:
            raise _too_long(f"{self._digest[:19]}…", self._slot.size)
        self._sink.write_at(data, self._pos)
        self._pos += n
        return n

    def commit(self, digest: Digest, size: int) -> None:
        written = self._pos - self._slot.offset
        if written != self._slot.size or size != self._slot.size:
            raise InvalidInput(f"layer {digest[:19]}… unpacks to {written} bytes, not the {self._slot.size} "
                               "recorded for it: the image or the store is damaged", Hint.CHECK_STORE)
        self._on_commit(digest)

    def abort(self) -> None:
        pass  # the bytes written so far go with the archive file when the destination aborts


class HeadWriter:
    """Streams a layer whose size is not known yet right after the placed part of the archive, leaving one
    block for its header (written at commit, when the member order is known)."""

    def __init__(self, fd: int, offset: int, on_commit: Callable[[Digest, int], None],
                 on_abort: Callable[[], None]) -> None:
        self._fd = fd
        self._start = self._pos = offset
        self._on_commit = on_commit
        self._on_abort = on_abort

    def write(self, data) -> int:
        pwrite_all(self._fd, data, self._pos)
        self._pos += len(data)
        return len(data)

    def commit(self, digest: Digest, size: int) -> None:
        written = self._pos - self._start
        if written != size:
            self._on_abort()
            raise InvalidInput(f"layer {digest[:19]}… is {written} bytes, not {size}")
        self._on_commit(digest, size)

    def abort(self) -> None:
        self._on_abort()
