"""`oci:DIR[:NAME|@N]`: an OCI image layout directory (engine/formats/oci_layout.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.transports.base import DIRECTORY, Location, Opening, Transport, existing_directory, path_and_ref

if TYPE_CHECKING:
    from engine.contract import Destination, Source
    from engine.tarindex import TarIndex

NAME = "oci"


def open_source(loc: Location, opening: Opening) -> Source:
    from engine.formats import oci_layout

    src = oci_layout.open_layout_source(existing_directory(loc), loc.ref)
    src.description = str(loc)
    return src


def open_destination(loc: Location, opening: Opening) -> Destination:
    from engine.formats import oci_layout

    opts = opening.options
    return oci_layout.open_layout_destination(loc.path, loc.ref, compress=opts.compress,
                                              tag_only_ref=opts.tag_only_ref)


def recognise(path: str, index: TarIndex | None) -> bool:
    from engine.formats import oci_layout

    return index is None and oci_layout.is_oci_layout_dir(path)


TRANSPORT = Transport(NAME, NAME + ":", "OCI layout directory", DIRECTORY, path_and_ref(NAME), open_source,
                      open_destination, recognise, save_formats=(("oci-dir", None),),
                      layer_compression="gzip")
