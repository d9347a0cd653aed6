"""What the file transports share: archives are read through an uncompressed copy when compressed as a whole
(engine/spool.py), owned by the source so that closing it deletes the copy; layouts must be directories."""

from __future__ import annotations

import os
from collections.abc import Callable

from engine.contract import Source
from engine.errors import InvalidInput, NotFound
from engine.progress import CancelToken, Progress
from engine.spool import uncompressed_copy
from engine.transports.base import Location


class TempOwner(Source):
    """A source that deletes a temporary file when it is closed."""

    def __init__(self, inner: Source, temp: str | None, description: str) -> None:
        self.inner = inner
        self.temp = temp
        self.description = description
        inner.description = description
        self.trusted = inner.trusted

    def images(self):
        return self.inner.images()

    def get_manifest(self, digest, size):
        return self.inner.get_manifest(digest, size)

    def open_blob(self, desc):
        return self.inner.open_blob(desc)

    def blob_file(self, desc):
        return self.inner.blob_file(desc)

    def layer_size(self, desc):
        return self.inner.layer_size(desc)

    def compressed_file(self, desc, kind):
        return self.inner.compressed_file(desc, kind)

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            if self.temp:
                try:
                    os.unlink(self.temp)
                except FileNotFoundError:
                    pass


def open_archive(loc: Location, tmpdir: str | None, open_tar: Callable[[str], Source],
                 cancel: CancelToken | None = None, progress: Progress | None = None) -> Source:
    """Open the archive at loc.path with `open_tar(path of an uncompressed tar)`. A whole-archive decompression
    reports to the job's `progress` (a phase of its own, engine/spool.py) and hears its cancel."""
    if not os.path.exists(loc.path):
        raise NotFound(f"{loc.path}: no such file")
    if os.path.isdir(loc.path):
        raise InvalidInput(f"{loc.path} is a directory, not a {loc.transport}; use oci:{loc.path} or dir:")
    if progress is None and cancel is not None:
        progress = Progress(None, cancel)
    tar_path, temp = uncompressed_copy(loc.path, tmpdir, progress=progress)
    try:
        inner = open_tar(tar_path)
    except BaseException:
        if temp:
            os.unlink(temp)
        raise
    return TempOwner(inner, temp, str(loc))
