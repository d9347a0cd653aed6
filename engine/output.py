"""Where an archive writer puts its bytes: the policy for an output path, in one place.

- A new path or an existing regular file: the archive is built in a temporary file beside it and renamed
  over it at the end, so the path holds the old file or the whole new archive, never a part. An existing
  file is replaced, as `podman save -o` and `skopeo copy` replace it (measured with podman 4.3.1).
- A symlink is followed: the file it points to is the one replaced; the link itself stays.
- Anything else (a pipe, a FIFO, a character device such as /dev/stdout or /dev/null, a socket) is a
  stream: it is opened for writing and written from start to end, never renamed over or deleted. The
  writers seek while building (docker-archive puts a header before a streamed layer), so the archive is
  built in a temporary file in the system's temporary directory and copied into the stream at the end
  (by the kernel: sendfile); a failure before that copy writes nothing to the stream.

The writer never creates anything beside a stream (for /dev/stdout that would be /dev). Every temporary is
named after this process and locked while open, and stale ones of dead processes go first (engine/leftovers.py).
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable

from engine import leftovers
from engine.errors import EstibaError, InvalidInput

CHUNK = 1 << 20
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
        """A new temporary file to build the archive in (the caller may seek in it)."""
        prefix = "estiba-stream-" if self.is_stream else "." + os.path.basename(self.path) + "-"
        leftovers.sweep_beside(os.path.join(self.work_dir, "x"), prefix, ".tmp")
        fd, tmp = tempfile.mkstemp(prefix=prefix + leftovers.owner_tag(), suffix=".tmp", dir=self.work_dir)
        leftovers.hold(fd)
        return fd, tmp

    def finish(self, write: Callable[[int], None], mode: int, opened: tuple[int, str] | None = None) -> None:
        """Write the archive through `write(fd)` (into `opened` from begin() when the building began earlier)
        and make it the output. On any failure a file output is untouched and temporary files are removed."""
        fd, tmp = opened or self.begin()  # a stream too: writers may truncate and seek while building
        try:
            try:
                write(fd)
                if not self.is_stream:
                    os.fchmod(fd, mode)
            finally:
                os.close(fd)
            if self.is_stream:
                self._to_stream(lambda out: _copy_file(tmp, out))
            else:
                os.replace(tmp, self.path)
        finally:
            if self.is_stream or os.path.exists(tmp):
                try:
                    os.unlink(tmp)
                except OSError:
                    pass

    def discard(self, opened: tuple[int, str] | None) -> None:
        """Give up a temporary file from begin()."""
        if opened is None:
            return
        fd, tmp = opened
        try:
            os.close(fd)
        except OSError:
            pass
        try:
            os.unlink(tmp)
        except OSError:
            pass

    def _to_stream(self, write: Callable[[int], None]) -> None:
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CLOEXEC)
        except OSError as exc:
            raise EstibaError(f"cannot open {self.given} for writing ({exc.strerror})") from None
        try:
            write(fd)
        except BrokenPipeError:
            raise OutputClosed(f"the reader of {self.given} went away; the archive is incomplete") from None
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                raise OutputClosed(f"the reader of {self.given} went away; the archive is incomplete") from None
            raise
        finally:
            os.close(fd)


def _copy_file(src: str, out_fd: int) -> None:
    with open(src, "rb", buffering=0) as f:
        size = os.fstat(f.fileno()).st_size
        done = 0
        while done < size:
            try:
                n = os.sendfile(out_fd, f.fileno(), done, min(size - done, 1 << 30))
            except OSError as exc:
                if exc.errno not in (errno.EINVAL, errno.ENOSYS):
                    raise
                n = _copy_plain(f, out_fd, done)
            if n == 0:
                raise EstibaError(f"the temporary archive {src} ended early")
            done += n


def _copy_plain(f, out_fd: int, offset: int) -> int:
    f.seek(offset)
    data = f.read(CHUNK)
    view = memoryview(data)
    while view:
        view = view[os.write(out_fd, view):]
    return len(data)


def open_output(path: str) -> Output:
    return Output(path)
