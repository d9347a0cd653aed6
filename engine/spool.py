"""The one place an input that is compressed as a whole, or that arrives through a pipe, is turned into a
plain tar file: archives need random access to their members."""

from __future__ import annotations

import os
import stat
import tempfile

from engine import compression
from engine.errors import EstibaError, InvalidInput, NotFound


def uncompressed_copy(path: str, tmpdir: str | None, *, prefix: str = "spool-") -> tuple[str, str | None]:
    """(a plain tar with the input's bytes, the temporary file to delete afterwards or None): `path` itself
    when it is an uncompressed regular file; else a temporary decompressed (or spooled) copy in `tmpdir`,
    since archives need random access. A pipe (/dev/stdin) is read once, never reopened. Every failure is a
    one-line error and leaves no temporary file."""
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed below, kept open while spooling
    except FileNotFoundError:
        raise NotFound(f"{path} does not exist") from None
    except OSError as exc:
        raise InvalidInput(f"cannot read {path} ({exc.strerror})") from None
    with f:
        try:
            kind, stream = compression.sniffing(f)
            regular = stat.S_ISREG(os.fstat(f.fileno()).st_mode)
        except OSError as exc:
            raise InvalidInput(f"cannot read {path} ({exc.strerror})") from None
        if kind == compression.NONE and regular:
            return path, None
        try:
            fd, temp = tempfile.mkstemp(prefix=prefix, suffix=".tar", dir=tmpdir)
        except OSError as exc:
            raise EstibaError(f"cannot create a temporary file in {tmpdir or tempfile.gettempdir()} "
                              f"({exc.strerror}); choose another temp directory") from None
        try:
            with os.fdopen(fd, "wb") as out:
                what = f"{path} ({kind})" if kind != compression.NONE else path
                compression.decompress_into(stream, kind, out, what)
        except BaseException:
            os.unlink(temp)
            raise
    return temp, temp
