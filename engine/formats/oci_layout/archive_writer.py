"""Writing `oci-archive:PATH[:REF]`: one new tar of a layout, in containers/image's member order, replacing any
existing file at commit (as skopeo does), or streamed into a pipe or device (engine/output.py); blobs are staged
beside it (in the temporary directory for a stream) and copied in by the kernel."""

from __future__ import annotations

import os

from engine.contract import Destination
from engine.errors import EstibaError, InvalidInput
from engine.formats.oci_layout.common import INDEX_FILE, LAYOUT_BYTES, LAYOUT_FILE
from engine.formats.oci_layout.writer import FILE_MODE, LayoutDestination
from engine.formats.tarwriter import DIRECTORY, append_file, end_archive, header, write_all
from engine.output import open_output
from engine.progress import CancelToken, OnBytes


class ArchiveDestination(LayoutDestination):
    """`oci-archive:PATH[:REF]`: one new tar, replacing any existing file at commit (as skopeo does)."""

    def __init__(self, path: str, ref: str | None = None, *, compress: str | None = None,
                 tag_only_ref: bool = False, cancel: CancelToken | None = None) -> None:
        self._cancel = cancel  # checked while the commit copies staged blobs into the archive
        target = os.path.abspath(path)
        if os.path.isdir(target):
            raise InvalidInput(f"{path} is a directory; give a file name for the oci-archive (or use oci:{path})")
        self.output = open_output(path)  # a symlink is followed, a pipe or device is streamed into
        work_dir = self.output.work_dir if self.output.is_stream else None
        super().__init__(self.output.path, ref, compress, tag_only_ref,
                         f"oci-archive:{path}" + (f":{ref}" if ref else ""), work_dir)

    def commit(self) -> None:
        if self._finished:
            raise InvalidInput(f"{self.description} was already committed or aborted")
        try:
            members = self._members()
            self.output.finish(lambda fd: write_tar(fd, members, self._check_cancel), FILE_MODE)
        except BaseException as exc:
            self.abort()
            if isinstance(exc, OSError):
                raise EstibaError(f"cannot write {self.description} ({exc.strerror}); nothing was changed") \
                    from None
            raise
        self._finished = True
        self._staging.cleanup()

    def _check_cancel(self, n: int) -> None:
        if self._cancel is not None:
            self._cancel.check()

    def _members(self) -> list[tuple[str, str | bytes | None]]:
        """What c/image's oci-archive holds, in its order: dirs, blobs, index.json, oci-layout."""
        blobs = self._blob_list()
        dirs = sorted({"blobs/"} | {os.path.dirname(rel) + "/" for _, rel, _ in blobs})
        out: list[tuple[str, str | bytes | None]] = [(d, None) for d in dirs]
        out += [(rel, staged) for staged, rel, _ in blobs]
        out += [(INDEX_FILE, self._index_bytes(None)), (LAYOUT_FILE, LAYOUT_BYTES)]
        return out


def _header(name: str, size: int, is_dir: bool) -> bytes:
    # mtime 0: reproducible bytes (c/image writes real mtimes; nobody reads them)
    if is_dir:
        return header(name, kind=DIRECTORY, mode=0o755)
    return header(name, size, mode=FILE_MODE)


def write_tar(fd: int, members: list[tuple[str, str | bytes | None]], on_bytes: OnBytes = None) -> None:
    """Write a tar to `fd`: (name, None) is a directory, (name, bytes) a small file, (name, path) a file
    whose data is copied by the kernel. Go's writer ends with two zero blocks; so do we."""
    for name, payload in members:
        if payload is None:
            write_all(fd, _header(name, 0, True))
            continue
        append_file(fd, lambda size, name=name: _header(name, size, False), payload, on_bytes)
    end_archive(fd)


def open_archive_destination(path: str, ref: str | None = None, *, compress: str | None = None,
                             tag_only_ref: bool = False, cancel: CancelToken | None = None) -> Destination:
    """`oci-archive:PATH[:REF]` for writing; the file is replaced at commit (a cancel is heard meanwhile)."""
    return ArchiveDestination(path, ref, compress=compress, tag_only_ref=tag_only_ref, cancel=cancel)
