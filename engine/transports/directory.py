"""`dir:DIR`: one image as files named by digest, as skopeo writes it (engine/formats/directory.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.transports.base import DIRECTORY, Location, Opening, Transport, existing_directory, path_only

if TYPE_CHECKING:
    from engine.contract import Destination, Source
    from engine.tarindex import TarIndex

NAME = "dir"


def open_source(loc: Location, opening: Opening) -> Source:
    from engine.formats import directory

    src = directory.open_source(existing_directory(loc))
    src.description = str(loc)
    return src


def open_destination(loc: Location, opening: Opening) -> Destination:
    from engine.formats import directory

    opts = opening.options
    return directory.open_destination(loc.path, docker=opts.manifest_format == "v2s2", compress=opts.compress)


def recognise(path: str, index: TarIndex | None) -> bool:
    from engine.formats import directory

    return index is None and directory.is_dir_transport(path)


# podman's docker-dir is a dir: holding Docker schema 2 manifests
TRANSPORT = Transport(NAME, NAME + ":", "dir: directory", DIRECTORY, path_only(NAME), open_source,
                      open_destination, recognise, save_formats=(("docker-dir", "v2s2"),))
