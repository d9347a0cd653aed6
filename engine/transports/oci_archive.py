"""`oci-archive:PATH[:NAME|@N]`: an OCI image layout in a tar (engine/formats/oci_layout.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.transports.base import ARCHIVE_PATTERNS, FILE, Location, Opening, Transport, path_and_ref

if TYPE_CHECKING:
    from engine.contract import Destination, Source
    from engine.tarindex import TarIndex

NAME = "oci-archive"


def open_source(loc: Location, opening: Opening) -> Source:
    from engine.formats import oci_layout
    from engine.transports.files import open_archive

    return open_archive(loc, opening.tmpdir,
                        lambda tar: oci_layout.open_archive_source(tar, loc.ref, tmpdir=opening.tmpdir),
                        opening.cancel, opening.progress)


def open_destination(loc: Location, opening: Opening) -> Destination:
    from engine.formats import oci_layout

    opts = opening.options
    return oci_layout.open_archive_destination(loc.path, loc.ref, compress=opts.compress,
                                               tag_only_ref=opts.tag_only_ref, cancel=opening.cancel)


def recognise(path: str, index: TarIndex | None) -> bool:
    return index is not None and (index.has("index.json") or index.has("oci-layout"))


TRANSPORT = Transport(NAME, NAME + ":", "OCI archive file", FILE, path_and_ref(NAME), open_source,
                      open_destination, recognise, save_formats=(("oci-archive", None),),
                      file_patterns=(*ARCHIVE_PATTERNS, "*.oci"), layer_compression="gzip")
