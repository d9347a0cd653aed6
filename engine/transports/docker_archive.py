"""`docker-archive:PATH[:NAME|@N]`: the tar `docker save` / `podman save` write (engine/formats/docker_archive.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.errors import Hint, Unsupported
from engine.transports.base import ARCHIVE_PATTERNS, FILE, Location, Opening, Transport, path_and_ref

if TYPE_CHECKING:
    from engine.contract import Destination, Source
    from engine.tarindex import TarIndex

NAME = "docker-archive"


def open_source(loc: Location, opening: Opening) -> Source:
    from engine.formats import docker_archive  # each format is imported when used (start-up time)
    from engine.transports.files import open_archive

    return open_archive(loc, opening.tmpdir,
                        lambda tar: docker_archive.open_source(tar, loc.ref, tmpdir=opening.tmpdir),
                        opening.cancel, opening.progress)


def open_destination(loc: Location, opening: Opening) -> Destination:
    if opening.options.compress not in (None, "none"):  # engine/compression.py's NONE
        raise Unsupported("docker-archive layers are always uncompressed", Hint.KEEP_COMPRESSION)
    from engine.formats import docker_archive

    return docker_archive.open_destination(loc.path, loc.ref, cancel=opening.cancel)


def recognise(path: str, index: TarIndex | None) -> bool:
    return index is not None and index.has("manifest.json")


TRANSPORT = Transport(NAME, NAME + ":", "Docker archive file", FILE, path_and_ref(NAME), open_source,
                      open_destination, recognise, save_formats=(("docker-archive", None),),
                      file_patterns=(*ARCHIVE_PATTERNS, "*.docker"))
