"""Where an archive writer puts bytes at offsets: a file it may seek in, or a stream (a pipe, a FIFO, a device;
engine/output.py) it can only append to.

The docker-archive writer lays members out at offsets (placement.py). Into a file, any order goes (the layer
copies run in parallel). Into a stream, the pipeline copies one layer at a time in archive order
(Destination.sequential), so each write starts where the last one ended, or less than a block after it: the
zero padding that ends a tar member, which a file gets from its holes and a stream gets written here. A
write further ahead would need the bytes in between held somewhere; it is refused as the internal error it is.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager

from engine.errors import EstibaError
from engine.formats.tarwriter import BLOCK, COPY_SLICE, copy_at, pwrite_all, write_all
from engine.output import stream_error
from engine.progress import OnBytes


class FileSink:
    def __init__(self, fd: int) -> None:
        self.fd = fd

    def write_at(self, data, offset: int) -> None:
        pwrite_all(self.fd, data, offset)

    def copy_at(self, src_path: str, src_offset: int, size: int, offset: int, on_bytes: OnBytes = None) -> None:
        copy_at(src_path, src_offset, size, self.fd, offset, on_bytes)

    def seek_end(self, offset: int) -> None:
        """Make `offset` the end of what is written, and the position the rest of the archive follows."""
        os.ftruncate(self.fd, offset)
        os.lseek(self.fd, offset, os.SEEK_SET)


class StreamSink:
    def __init__(self, fd: int, given: str) -> None:
        self.fd = fd
        self.pos = 0
        self.given = given  # the output as the user named it, for "the reader went away"

    @contextmanager
    def _closed_is_said(self) -> Iterator[None]:
        try:
            yield
        except OSError as exc:
            raise stream_error(exc, self.given) from None

    def _reach(self, offset: int) -> None:
        gap = offset - self.pos
        if gap < 0 or gap >= BLOCK:
            raise EstibaError(f"internal error: a stream output was written out of order (at {offset}, "
                              f"{self.pos} bytes written)")
        if gap:
            write_all(self.fd, b"\0" * gap)
            self.pos = offset

    def write_at(self, data, offset: int) -> None:
        with self._closed_is_said():
            self._reach(offset)
            write_all(self.fd, data)
        self.pos += len(data)

    def copy_at(self, src_path: str, src_offset: int, size: int, offset: int, on_bytes: OnBytes = None) -> None:
        with self._closed_is_said():
            self._reach(offset)
            send_range(src_path, src_offset, size, self.fd, on_bytes)
        self.pos += size

    def seek_end(self, offset: int) -> None:
        with self._closed_is_said():
            self._reach(offset)


def send_range(src_path: str, src_offset: int, size: int, out_fd: int, on_bytes: OnBytes = None) -> None:
    """Append bytes [src_offset, +size) of src_path at out_fd's position (a pipe too: sendfile), in slices
    that `on_bytes` hears of."""
    with open(src_path, "rb", buffering=0) as src:
        done = 0
        while done < size:
            want = min(COPY_SLICE, size - done)
            try:
                n = os.sendfile(out_fd, src.fileno(), src_offset + done, want)
            except OSError as exc:
                if exc.errno not in (errno.EINVAL, errno.ENOSYS):
                    raise
                data = os.pread(src.fileno(), min(want, 1 << 20), src_offset + done)
                write_all(out_fd, data)
                n = len(data)
            if n == 0:
                raise EstibaError(f"{src_path} ended early while the archive was written")
            done += n
            if on_bytes is not None:
                on_bytes(n)
