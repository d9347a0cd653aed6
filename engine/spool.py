"""The one place an input that is compressed as a whole, or that arrives through a pipe, is turned into a
plain tar file: archives need random access to their members."""

from __future__ import annotations

import os
import stat
import tempfile

from engine import compression
from engine.errors import EstibaError, InvalidInput, NotFound

# spool file -> the user's path it holds the bytes of: readers name the user's file in their messages, never
# our temporary (shown()).
_SHOWN: dict[str, str] = {}


def shown(path: str) -> str:
    """The path to show for `path`: the user's input when `path` is one of our spool files."""
    return _SHOWN.get(path, path)


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
                what = f"{shown(path)} ({kind})" if kind != compression.NONE else shown(path)
                compression.decompress_into(stream, kind, out, what)
        except BaseException:
            os.unlink(temp)
            raise
    _SHOWN[temp] = shown(path)
    if len(_SHOWN) > 1000:  # a long-running window: forget the oldest (their files are long gone)
        del _SHOWN[next(iter(_SHOWN))]
    return temp, temp
