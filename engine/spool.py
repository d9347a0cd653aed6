"""The one place an input that is compressed as a whole, or that arrives through a pipe, is turned into a
plain tar file: archives need random access to their members."""

from __future__ import annotations

import os
import stat
import tempfile

from engine import compression, leftovers
from engine.errors import InvalidInput


def uncompressed_copy(path: str, tmpdir: str | None) -> tuple[str, str | None]:
    """`path` itself when it is a plain regular file; else a temporary decompressed (or spooled) copy,
    since archives need random access. A pipe (/dev/stdin) is read once, never reopened."""
    regular = stat.S_ISREG(os.stat(path).st_mode)
    with open(path, "rb") as raw:
        kind, stream = compression.sniffing(raw)
        if kind == compression.NONE and regular:
            return path, None
        fd, temp = tempfile.mkstemp(prefix=leftovers.owner_tag() + "spool-", suffix=".tar", dir=tmpdir)
        _hold_while_it_exists(temp)
        try:
            with os.fdopen(fd, "wb") as out:
                reader = compression.decompressor(stream, kind)
                try:
                    while chunk := reader.read(1 << 20):
                        out.write(chunk)
                except compression.decompress_errors() as exc:
                    raise InvalidInput(f"{path}: corrupt {kind} data ({exc})") from None
                finally:
                    if reader is not stream:
                        reader.close()
        except BaseException:
            os.unlink(temp)
            raise
    return temp, temp


_held: dict[str, int] = {}  # spool path -> an fd holding its owner's lock (engine/leftovers.py)


def _hold_while_it_exists(path: str) -> None:
    """Lock a spool for as long as it exists; the caller removes it, and the next spool closes the locks of the
    removed ones (an fd whose file has no name left)."""
    for old, fd in list(_held.items()):
        if os.fstat(fd).st_nlink == 0:
            os.close(fd)
            del _held[old]
    fd = leftovers.hold_path(path)
    if fd is not None:
        _held[path] = fd
