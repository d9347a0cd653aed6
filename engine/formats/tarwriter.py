"""Shared pieces of the archive destinations: the one tar-header writer, kernel-side copies into a tar being
written. Where the archive's bytes go (a temporary beside a file, renamed over it; or a stream) is
engine/output.py."""

from __future__ import annotations

import errno
import os
import tarfile
from collections.abc import Callable

from engine.errors import InvalidInput

REGULAR = tarfile.REGTYPE
DIRECTORY = tarfile.DIRTYPE
SYMLINK = tarfile.SYMTYPE
BLOCK = 512
COPY_SLICE = 8 << 20  # bytes per kernel copy call: progress and a cancel are heard between slices
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


def copy_into(out_fd: int, src_path: str, size: int | None = None,
              on_bytes: Callable[[int], None] | None = None) -> int:
    """Append all of src_path (which must be `size` bytes when given) at out_fd's position, in the kernel
    (copy_file_range, else sendfile), in slices that `on_bytes` hears of. Returns the size copied."""
    with open(src_path, "rb") as src:
        in_fd = src.fileno()
        actual = os.fstat(in_fd).st_size
        if size is not None and actual != size:
            raise InvalidInput(f"staged blob {src_path} changed size while the archive was written")
        done = 0
        use_cfr = hasattr(os, "copy_file_range")
        while done < actual:
            try:
                want = min(COPY_SLICE, actual - done)
                n = os.copy_file_range(in_fd, out_fd, want, done) if use_cfr else os.sendfile(out_fd, in_fd, done, want)
            except OSError as exc:
                if use_cfr and exc.errno in (errno.EXDEV, errno.ENOSYS, errno.EOPNOTSUPP, errno.EINVAL):
                    use_cfr = False
                    continue
                raise
            if n == 0:
                raise InvalidInput(f"staged blob {src_path} ended early while the archive was written")
            done += n
            if on_bytes is not None:
                on_bytes(n)
    return actual


def pwrite_all(fd: int, data, offset: int) -> None:
    view = memoryview(data)
    while view:
        n = os.pwrite(fd, view, offset)
        view, offset = view[n:], offset + n


def copy_at(src_path: str, src_offset: int, size: int, out_fd: int, out_offset: int,
            on_bytes: Callable[[int], None] | None = None) -> None:
    """Copy bytes [src_offset, +size) of src_path to out_fd at out_offset, in the kernel when it can
    (copy_file_range), in slices so that `on_bytes` (progress, and a cancel check) hears of each."""
    with open(src_path, "rb", buffering=0) as src:
        in_fd = src.fileno()
        done = 0
        use_cfr = hasattr(os, "copy_file_range")
        while done < size:
            want = min(COPY_SLICE, size - done)
            if use_cfr:
                try:
                    n = os.copy_file_range(in_fd, out_fd, want, src_offset + done, out_offset + done)
                except OSError as exc:
                    if exc.errno not in (errno.EXDEV, errno.ENOSYS, errno.EOPNOTSUPP, errno.EINVAL):
                        raise
                    use_cfr = False
                    continue
            else:
                data = os.pread(in_fd, min(want, 1 << 20), src_offset + done)
                n = len(data)
                pwrite_all(out_fd, data, out_offset + done)
            if n == 0:
                raise InvalidInput(f"{src_path} ended early while the archive was written")
            done += n
            if on_bytes is not None:
                on_bytes(n)


def append_file(fd: int, header: Callable[[int], bytes], payload: bytes | str,
                on_bytes: Callable[[int], None] | None = None) -> None:
    """Append a tar member: header(size), the data (bytes, or a staged file's path copied by the kernel), then
    the padding to a 512-byte block."""
    if isinstance(payload, bytes):
        size = len(payload)
        write_all(fd, header(size) + payload)
    else:
        size = os.path.getsize(payload)
        write_all(fd, header(size))
        copy_into(fd, payload, size, on_bytes)
    if padding(size):
        write_all(fd, b"\0" * padding(size))


def end_archive(fd: int) -> None:
    write_all(fd, b"\0" * 1024)  # two zero blocks, as Go's archive/tar ends
