"""A staging directory for destinations: blobs land under temporary names and are renamed to their
digest only when verified; nothing in it is visible until the destination commits."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable

from engine import leftovers
from engine.digest import Digest

CHUNK = 1 << 20


def copy_range(src_path: str, offset: int, size: int, dst_path: str) -> None:
    """Copy bytes [offset, offset+size) of src_path into a new file dst_path, in the kernel when it can."""
    with open(src_path, "rb") as src, open(dst_path, "wb") as dst:
        done = 0
        try:
            while done < size:
                n = os.copy_file_range(src.fileno(), dst.fileno(), size - done, offset + done)
                if n == 0:
                    break
                done += n
        except OSError:
            pass  # not supported across these filesystems: fall back to read/write
        while done < size:
            data = os.pread(src.fileno(), min(CHUNK, size - done), offset + done)
            if not data:
                raise OSError(f"{src_path} ended early")
            dst.write(data)
            done += len(data)


def link_or_copy(src_path: str, offset: int, size: int, dst_path: str) -> None:
    """Hard-link a whole file when the filesystem allows, else copy the range."""
    if offset == 0 and os.path.getsize(src_path) == size:
        try:
            os.link(src_path, dst_path)
            return
        except OSError:
            pass
    copy_range(src_path, offset, size, dst_path)


class StagedWriter:
    def __init__(self, staging: Staging) -> None:
        self._staging = staging
        fd, self._tmp = tempfile.mkstemp(prefix="blob-", suffix=".part", dir=staging.dir)
        os.fchmod(fd, 0o644)  # mkstemp makes 0600; blobs of layouts and dir: are world-readable as c/image writes them
        self._file = os.fdopen(fd, "wb", buffering=CHUNK)
        self.write = self._file.write

    def commit(self, digest: Digest, size: int) -> None:
        self._file.close()
        os.replace(self._tmp, self._staging.path(digest))

    def abort(self) -> None:
        self._file.close()
        try:
            os.unlink(self._tmp)
        except FileNotFoundError:
            pass


class RecordingWriter:
    """A StagedWriter that tells its destination which digest it became."""

    def __init__(self, inner: StagedWriter, on_commit: Callable[[Digest], None]) -> None:
        self._inner = inner
        self._on_commit = on_commit
        self.write = inner.write

    def commit(self, digest: Digest, size: int) -> None:
        self._inner.commit(digest, size)
        self._on_commit(digest)

    def abort(self) -> None:
        self._inner.abort()


class Staging:
    """A private temporary directory holding blobs named by digest hex."""

    def __init__(self, parent: str, prefix: str = ".estiba-tmp-") -> None:
        os.makedirs(parent, exist_ok=True)
        # `<prefix><pid>-…`, locked while it lives: a later run sweeps those of dead processes (leftovers.py)
        leftovers.sweep_beside(os.path.join(parent, "x"), prefix)
        self.dir = tempfile.mkdtemp(prefix=prefix + leftovers.owner_tag(), dir=parent)
        self._held = leftovers.hold_path(self.dir)

    def path(self, digest: Digest) -> str:
        return os.path.join(self.dir, digest.hex)

    def has(self, digest: Digest) -> bool:
        return os.path.exists(self.path(digest))

    def writer(self) -> StagedWriter:
        return StagedWriter(self)

    def put_bytes(self, data: bytes, digest: Digest) -> None:
        w = self.writer()
        try:
            w.write(data)
        except BaseException:
            w.abort()
            raise
        w.commit(digest, len(data))

    def put_file(self, path: str, offset: int, size: int, digest: Digest) -> None:
        target = self.path(digest)
        if os.path.exists(target):
            return
        tmp = target + ".part"
        link_or_copy(path, offset, size, tmp)
        os.replace(tmp, target)

    def cleanup(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
        held, self._held = self._held, None
        if held is not None:
            os.close(held)
