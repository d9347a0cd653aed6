"""The one place an input that is compressed as a whole, or that arrives through a pipe, is turned into a
plain tar file: archives need random access to their members (manifest.json may come last), so this phase
cannot be streamed away. It reports its progress like a blob (labelled with the input's file name, counting
the input's bytes, its NEW event naming the phase: DECOMPRESSING, or READING a pipe) and hears a cancel
between chunks."""

from __future__ import annotations

import io
import os
import stat
import tempfile
from collections.abc import Callable

from engine import compression, leftovers
from engine.errors import EstibaError, InvalidInput, NotFound
from engine.progress import DECOMPRESSING, READING, Progress

# spool file -> the user's path it holds the bytes of: readers name the user's file in their messages, never
# our temporary (shown()).
_SHOWN: dict[str, str] = {}


def shown(path: str) -> str:
    """The path to show for `path`: the user's input when `path` is one of our spool files."""
    return _SHOWN.get(path, path)


class _Counting(io.RawIOBase):
    """Tells `on_bytes` (once set) how many bytes of the input were read."""

    def __init__(self, raw) -> None:
        self._raw = raw
        self.on_bytes: Callable[[int], None] | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        n = self._raw.readinto(buf)
        if n and self.on_bytes is not None:
            self.on_bytes(n)
        return n


def uncompressed_copy(path: str, tmpdir: str | None, *, prefix: str = "spool-",
                      progress: Progress | None = None) -> tuple[str, str | None]:
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
        counting = _Counting(f)
        try:
            kind, stream = compression.sniffing(counting)
            st = os.fstat(f.fileno())
            regular = stat.S_ISREG(st.st_mode)
        except OSError as exc:
            raise InvalidInput(f"cannot read {path} ({exc.strerror})") from None
        if kind == compression.NONE and regular:
            return path, None
        try:
            fd, temp = tempfile.mkstemp(prefix=leftovers.owner_tag() + prefix, suffix=".tar", dir=tmpdir)
        except OSError as exc:
            raise EstibaError(f"cannot create a temporary file in {tmpdir or tempfile.gettempdir()} "
                              f"({exc.strerror}); choose another temp directory") from None
        _hold_while_it_exists(temp)
        label = os.path.basename(path) or path
        try:
            if progress is not None:
                total = st.st_size if regular else -1
                progress.new(label, total, DECOMPRESSING if kind != compression.NONE else READING)
                counting.on_bytes = progress.counter(label, total)
                counting.on_bytes(compression.SNIFF_BYTES if regular else 0)  # the sniffed head
            with os.fdopen(fd, "wb") as out:
                what = f"{shown(path)} ({kind})" if kind != compression.NONE else shown(path)
                compression.decompress_into(stream, kind, out, what)
        except BaseException:
            os.unlink(temp)
            raise
        if progress is not None:
            progress.done(label, st.st_size if regular else -1)
    _SHOWN[temp] = shown(path)
    if len(_SHOWN) > 1000:  # a long-running window: forget the oldest (their files are long gone)
        del _SHOWN[next(iter(_SHOWN))]
    return temp, temp


def new_spool(tmpdir: str | None, what: str) -> tuple[int, str]:
    """(fd, path) of a new spool file in `tmpdir` (the store's tmp dir, so its blobs can be linked into place),
    locked while it exists; messages about it name `what`. The caller removes it."""
    try:
        fd, temp = tempfile.mkstemp(prefix=leftovers.owner_tag() + "spool-", suffix=".tar", dir=tmpdir)
    except OSError as exc:
        raise EstibaError(f"cannot create a temporary file in {tmpdir or tempfile.gettempdir()} "
                          f"({exc.strerror}); choose another temp directory") from None
    _hold_while_it_exists(temp)
    _SHOWN[temp] = what
    return fd, temp


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
