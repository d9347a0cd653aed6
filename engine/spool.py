"""The one place an input that is compressed as a whole, or that arrives through a pipe, is turned into a
plain tar file: archives need random access to their members."""

from __future__ import annotations

import os
import stat
import tempfile

from engine import compression
from engine.errors import InvalidInput


def uncompressed_copy(path: str, tmpdir: str | None) -> tuple[str, str | None]:
    """`path` itself when it is a plain regular file; else a temporary decompressed (or spooled) copy,
    since archives need random access. A pipe (/dev/stdin) is read once, never reopened."""
    regular = stat.S_ISREG(os.stat(path).st_mode)
    with open(path, "rb") as raw:
        kind, stream = compression.sniffing(raw)
        if kind == compression.NONE and regular:
            return path, None
        fd, temp = tempfile.mkstemp(prefix="spool-", suffix=".tar", dir=tmpdir)
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
