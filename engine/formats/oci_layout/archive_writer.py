"""Writing `oci-archive:PATH[:REF]`: one new tar of a layout, in containers/image's member order, replacing any
existing file at commit (as skopeo does), or streamed into a pipe or device (engine/output.py). Into a file, blobs
are staged beside it and copied in by the kernel. Into a stream, nothing is built first: a blob the pipeline
hands over as a file range (the store's blob, an archive's member) is not copied anywhere but read from there
when the tar goes out, at commit (the source stays open until then); only blobs made on the way (a config,
a manifest, a layer compressed anew) are staged, in the temporary directory."""

from __future__ import annotations

import os

from engine.contract import Destination
from engine.digest import Digest
from engine.errors import InvalidInput
from engine.formats.oci_layout.common import INDEX_FILE, LAYOUT_BYTES, LAYOUT_FILE
from engine.formats.oci_layout.writer import FILE_MODE, LayoutDestination
from engine.formats.sink import send_range
from engine.formats.tarwriter import DIRECTORY, append_file, end_archive, header, padding, write_all
from engine.output import committing, open_output
from engine.progress import CancelToken, OnBytes

Payload = str | bytes | tuple[str, int, int] | None  # a member's data: see write_tar


class ArchiveDestination(LayoutDestination):
    """`oci-archive:PATH[:REF]`: one new tar, replacing any existing file at commit (as skopeo does)."""

    def __init__(self, path: str, ref: str | None = None, *, compress: str | None = None,
                 tag_only_ref: bool = False, cancel: CancelToken | None = None) -> None:
        self._cancel = cancel  # checked while the commit copies staged blobs into the archive
        self._ranges: dict[str, tuple[str, int, int]] = {}  # a stream's blobs: hex -> (path, offset, size)
        target = os.path.abspath(path)
        if os.path.isdir(target):
            raise InvalidInput(f"{path} is a directory; give a file name for the oci-archive (or use oci:{path})")
        self.output = open_output(path)  # a symlink is followed, a pipe or device is streamed into
        work_dir = self.output.work_dir if self.output.is_stream else None
        super().__init__(self.output.path, ref, compress, tag_only_ref,
                         f"oci-archive:{path}" + (f":{ref}" if ref else ""), work_dir)

    def put_blob_file(self, path: str, offset: int, size: int, digest: Digest, on_bytes: OnBytes = None) -> bool:
        if not self.output.is_stream:
            return super().put_blob_file(path, offset, size, digest, on_bytes)
        with self._lock:
            self._ranges[digest.hex] = (path, offset, size)
        self._record(digest)
        return True

    def blob_size(self, digest: Digest) -> int:
        with self._lock:
            taken = self._ranges.get(digest.hex)
        return taken[2] if taken is not None else super().blob_size(digest)

    def commit(self) -> None:
        if self._finished:
            raise InvalidInput(f"{self.description} was already committed or aborted")
        with committing(self.description, self.abort):
            members = self._members()
            self.output.finish(lambda fd: write_tar(fd, members, self._check_cancel), FILE_MODE)
        self._finished = True
        self._staging.cleanup()

    def _check_cancel(self, n: int) -> None:
        if self._cancel is not None:
            self._cancel.check()

    def _members(self) -> list[tuple[str, Payload]]:
        """What c/image's oci-archive holds, in its order: dirs, blobs, index.json, oci-layout."""
        blobs = self._blob_list()
        dirs = sorted({"blobs/"} | {os.path.dirname(rel) + "/" for _, rel, _ in blobs})
        out: list[tuple[str, Payload]] = [(d, None) for d in dirs]
        with self._lock:
            ranges = dict(self._ranges)
        out += [(rel, ranges.get(digest.hex, staged)) for staged, rel, digest in blobs]
        out += [(INDEX_FILE, self._index_bytes(None)), (LAYOUT_FILE, LAYOUT_BYTES)]
        return out


def _header(name: str, size: int, is_dir: bool) -> bytes:
    # mtime 0: reproducible bytes (c/image writes real mtimes; nobody reads them)
    if is_dir:
        return header(name, kind=DIRECTORY, mode=0o755)
    return header(name, size, mode=FILE_MODE)


def write_tar(fd: int, members: list[tuple[str, Payload]], on_bytes: OnBytes = None) -> None:
    """Write a tar to `fd`: (name, None) is a directory, (name, bytes) a small file, (name, path) a file
    whose data is copied by the kernel, (name, (path, offset, size)) a file range sent the same way. Go's
    writer ends with two zero blocks; so do we."""
    for name, payload in members:
        if payload is None:
            write_all(fd, _header(name, 0, True))
            continue
        if isinstance(payload, tuple):
            path, offset, size = payload
            write_all(fd, _header(name, size, False))
            send_range(path, offset, size, fd, on_bytes)
            write_all(fd, b"\0" * padding(size))
            continue
        append_file(fd, lambda size, name=name: _header(name, size, False), payload, on_bytes)
    end_archive(fd)


def open_archive_destination(path: str, ref: str | None = None, *, compress: str | None = None,
                             tag_only_ref: bool = False, cancel: CancelToken | None = None) -> Destination:
    """`oci-archive:PATH[:REF]` for writing; the file is replaced at commit (a cancel is heard meanwhile)."""
    return ArchiveDestination(path, ref, compress=compress, tag_only_ref=tag_only_ref, cancel=cancel)
