"""Shared pieces of the archive destinations: the one tar-header writer, kernel-side copies into a tar being
written, and the write-beside-then-rename that makes an archive appear whole or not at all."""

from __future__ import annotations

import errno
import os
import tarfile
import tempfile
from collections.abc import Callable

from engine.errors import InvalidInput

REGULAR = tarfile.REGTYPE
DIRECTORY = tarfile.DIRTYPE
SYMLINK = tarfile.SYMTYPE
BLOCK = 512
USTAR_MAX_SIZE = 0o77777777777  # beyond, a member's header needs PAX records (Go's archive/tar, like tarfile)


def header(name: str, size: int = 0, *, mode: int, kind: bytes = REGULAR, link: str = "",
           go_numbers: bool = False) -> bytes:
    """The header block(s) of one member: owner 0/0 without user names, mtime 0 (reproducible bytes); PAX
    records first when the name or size does not fit ustar. `go_numbers`: fill devmajor/devminor with octal
    zeros as Go's archive/tar does where Python leaves NULs, which makes a docker-archive byte-identical to
    skopeo's (containers/image docker/internal/tarfile/writer.go writes through archive/tar)."""
    info = tarfile.TarInfo(name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mtime = 0
    info.type = kind
    info.mode = mode
    info.size = size if kind == REGULAR else 0
    info.linkname = link
    buf = info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")
    if go_numbers and len(buf) == BLOCK:
        fixed = bytearray(buf)
        fixed[329:345] = b"0000000\x000000000\x00"
        fixed[148:156] = b" " * 8
        fixed[148:156] = b"%06o\x00 " % sum(fixed)
        buf = bytes(fixed)
    return buf


def padding(size: int) -> int:
    """Zero bytes after `size` bytes of member data, to the next 512-byte block."""
    return -size % BLOCK


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def copy_into(out_fd: int, src_path: str, size: int | None = None) -> int:
    """Append all of src_path (which must be `size` bytes when given) at out_fd's position, in the kernel
    (copy_file_range, else sendfile). Returns the size copied."""
    with open(src_path, "rb") as src:
        in_fd = src.fileno()
        actual = os.fstat(in_fd).st_size
        if size is not None and actual != size:
            raise InvalidInput(f"staged blob {src_path} changed size while the archive was written")
        done = 0
        use_cfr = hasattr(os, "copy_file_range")
        while done < actual:
            try:
                if use_cfr:
                    n = os.copy_file_range(in_fd, out_fd, actual - done, done)
                else:
                    n = os.sendfile(out_fd, in_fd, done, actual - done)
            except OSError as exc:
                if use_cfr and exc.errno in (errno.EXDEV, errno.ENOSYS, errno.EOPNOTSUPP, errno.EINVAL):
                    use_cfr = False
                    continue
                raise
            if n == 0:
                raise InvalidInput(f"staged blob {src_path} ended early while the archive was written")
            done += n
    return actual


def append_file(fd: int, header: Callable[[int], bytes], payload: bytes | str) -> None:
    """Append a tar member: header(size), the data (bytes, or a staged file's path copied by the kernel), then
    the padding to a 512-byte block."""
    if isinstance(payload, bytes):
        size = len(payload)
        write_all(fd, header(size) + payload)
    else:
        size = os.path.getsize(payload)
        write_all(fd, header(size))
        copy_into(fd, payload, size)
    if padding(size):
        write_all(fd, b"\0" * padding(size))


def end_archive(fd: int) -> None:
    write_all(fd, b"\0" * 1024)  # two zero blocks, as Go's archive/tar ends


def open_beside(target: str) -> tuple[int, str]:
    """A new temporary file in target's directory (same filesystem: the final rename is atomic)."""
    return tempfile.mkstemp(prefix="." + os.path.basename(target) + "-", suffix=".tmp", dir=os.path.dirname(target))


def replace_atomically(target: str, write: Callable[[int], None], mode: int,
                       opened: tuple[int, str] | None = None) -> None:
    """Write a new file through `write(fd)` beside `target` (in `opened`, from open_beside, when the writing
    began earlier), then rename it over `target`. On any failure the temporary file is removed and `target`
    is untouched."""
    fd, tmp = opened or open_beside(target)
    try:
        try:
            write(fd)
            os.fchmod(fd, mode)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
