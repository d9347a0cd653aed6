"""Where an archive writer puts its bytes: the policy for an output path, in one place.

- A new path or an existing regular file: the archive is built in a temporary file beside it and renamed
  over it at the end, so the path holds the old file or the whole new archive, never a part. An existing
  file is replaced, as `podman save -o` and `skopeo copy` replace it (measured with podman 4.3.1).
- A symlink is followed: the file it points to is the one replaced; the link itself stays.
- Anything else (a pipe, a FIFO, a character device such as /dev/stdout or /dev/null, a socket) is a
  stream: it is opened for writing and written from start to end, never renamed over or deleted, with no
  temporary copy of the archive: begin() hands the writer the stream itself, and the writer puts its members
  into it in order (engine/formats/sink.py: a docker-archive's layer headers come first, from the sizes the
  pipeline knows before it copies; an oci-archive's blobs are read from where they already are). A failure
  midway leaves a cut archive in the stream (its reader sees no end-of-archive blocks and a non-zero exit).

The writer never creates anything beside a stream (for /dev/stdout that would be /dev). Every temporary is
named after this process and locked while open, and stale ones of dead processes go first (engine/leftovers.py).
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from engine import leftovers
from engine.errors import EstibaError, InvalidInput

_PROC_PREFIXES = ("/proc/", "/dev/fd/", "/dev/stdout", "/dev/stderr")


class OutputClosed(EstibaError):
    """The reader of a stream output (a pipe) went away before the archive was written."""


def _through_proc(path: str, real: str) -> bool:
    """/dev/stdout, /dev/fd/N, /proc/self/fd/N name an open file of this process: always a stream (renaming
    over the name they resolve to would leave the process's own descriptor writing nowhere)."""
    return path.startswith(_PROC_PREFIXES) or real.startswith("/proc/")


class Output:
    """One output path, classified once when the writer is created."""

    def __init__(self, path: str) -> None:
        self.given = path
        absolute = os.path.abspath(path)
        real = os.path.realpath(absolute)
        try:
            st = os.stat(absolute)
        except FileNotFoundError:
            st = None
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise InvalidInput(f"{path} is a directory; give a file name for the archive")
        self.is_stream = st is not None and (not stat.S_ISREG(st.st_mode) or _through_proc(absolute, real))
        self.path = absolute if self.is_stream else real

    @property
    def work_dir(self) -> str:
        """Where temporary files of this output may go: beside a file (same filesystem, so the rename is
        atomic and staged blobs can be hard-linked), the system's temporary directory for a stream."""
        return tempfile.gettempdir() if self.is_stream else os.path.dirname(self.path)

    def begin(self) -> tuple[int, str]:
        """Where to build the archive: (fd, temporary path) of a new temporary file the caller may seek in; for
        a stream, (fd of the stream, "") to write in order."""
        if self.is_stream:
            return self._open_stream(), ""
        prefix = "." + os.path.basename(self.path) + "-"
        leftovers.sweep_beside(os.path.join(self.work_dir, "x"), prefix, ".tmp")
        fd, tmp = tempfile.mkstemp(prefix=prefix + leftovers.owner_tag(), suffix=".tmp", dir=self.work_dir)
        leftovers.hold(fd)
        return fd, tmp

    def finish(self, write: Callable[[int], None], mode: int, opened: tuple[int, str] | None = None) -> None:
        """Write the archive through `write(fd)` (into `opened` from begin() when the building began earlier)
        and make it the output. On any failure a file output is untouched and temporary files are removed."""
        fd, tmp = opened or self.begin()
        if self.is_stream:
            try:
                self._streaming(lambda: write(fd))
            finally:
                os.close(fd)
            return
        try:
            try:
                write(fd)
                os.fchmod(fd, mode)
            finally:
                os.close(fd)
            os.replace(tmp, self.path)
        finally:
            if os.path.exists(tmp):
                try:
                    os.unlink(tmp)
                except OSError:
                    pass

    def discard(self, opened: tuple[int, str] | None) -> None:
        """Give up what begin() made (a temporary file is removed; a stream is closed)."""
        if opened is None:
            return
        fd, tmp = opened
        try:
            os.close(fd)
        except OSError:
            pass
        if tmp:
            try:
                os.unlink(tmp)
            except OSError:
                pass

    def _open_stream(self) -> int:
        try:
            return os.open(self.path, os.O_WRONLY | os.O_CLOEXEC)
        except OSError as exc:
            raise EstibaError(f"cannot open {self.given} for writing ({exc.strerror})") from None

    def _streaming(self, write: Callable[[], None]) -> None:
        try:
            write()
        except OSError as exc:
            raise stream_error(exc, self.given) from None


def stream_error(exc: OSError, given: str) -> EstibaError:
    """A write into a stream output failed: the reader went away (OutputClosed, exit 141), or the device
    refused (/dev/full): one line naming the output; what reached it is a cut archive."""
    if isinstance(exc, BrokenPipeError) or exc.errno == errno.EPIPE:
        return OutputClosed(f"the reader of {given} went away; the archive is incomplete")
    return EstibaError(f"cannot write {given} ({exc.strerror or exc}); what it received is an incomplete archive")


@contextmanager
def committing(description: str, abort: Callable[[], None]) -> Iterator[None]:
    """The commit of an archive or layout destination: on any failure the destination aborts (its temporaries
    go, a file output stays as it was) and an OSError becomes one line naming the output."""
    try:
        yield
    except BaseException as exc:
        abort()
        if isinstance(exc, OSError):
            raise EstibaError(f"cannot write {description} ({exc.strerror}); nothing was changed") from None
        raise


def open_output(path: str) -> Output:
    return Output(path)
