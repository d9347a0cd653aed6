"""The local store (engine/store.py) as a transport: a bare name or image ID, without a prefix. As a source
it is the image that name selects; as a destination, the name (a tag) the copied image gets there, or, with
no name, the names the source gives."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.errors import InvalidInput
from engine.transports.base import NAME as TYPED
from engine.transports.base import Location, Opening, Transport

if TYPE_CHECKING:
    from engine.contract import Destination, Source

NAME = "store"


def names_for(rec, text: str) -> list[str]:
    """The names an export of `rec` selected by `text` carries: the name typed, or none when selected by
    ID (as podman save does)."""
    from engine.reference import is_image_id_prefix, parse_reference

    bare = text.removeprefix("sha256:")
    if is_image_id_prefix(bare) and rec.hex.startswith(bare):
        return []
    return [parse_reference(text).tagged]


def parse(rest: str) -> Location:
    return Location(NAME, rest)


def open_source(loc: Location, opening: Opening) -> Source:
    store = opening.the_store()
    rec = store.lookup(loc.path)
    return store.source(rec, names_for(rec, loc.path) or rec.names[:1])


def open_destination(loc: Location, opening: Opening) -> Destination:
    store = opening.the_store()
    if not loc.path:
        return store.destination()
    from engine.reference import parse_reference

    name = parse_reference(loc.path)
    if name.digest:
        raise InvalidInput("a store name cannot hold a digest; give a tag")
    return store.destination([name.tagged])


TRANSPORT = Transport(NAME, "", "image in the store", TYPED, parse, open_source, open_destination)
