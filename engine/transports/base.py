"""What every transport declares (`Transport`), the location text parsed into a `Location`, and what opening
one may need besides its text (`Opening`). The table of transports is engine/transports/__init__.py; adding
one is a module here plus one entry there (docs/adding-a-transport.md)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from engine.errors import InvalidInput, NotFound, Unsupported
from engine.options import TransferOptions

if TYPE_CHECKING:
    from engine.contract import Destination, Source
    from engine.progress import CancelToken, Progress
    from engine.store import Store
    from engine.tarindex import TarIndex

ARCHIVE_PATTERNS = ("*.tar", "*.tar.gz", "*.tgz", "*.tar.zst", "*.tar.xz")  # what file dialogs offer for archives
# What the text after a transport's prefix names: the GUI browses for a FILE or a DIRECTORY; a NAME is typed.
FILE, DIRECTORY, NAME = "file", "directory", "name"


@dataclass(frozen=True)
class Location:
    transport: str  # a Transport.name
    path: str  # a file or directory; for docker: the reference; for the store: the image name ("" = as given)
    ref: str | None = None  # archives and layouts: which image inside (a name, or @N)

    def __str__(self) -> str:
        return by_name(self.transport).prefix + self.path + (f":{self.ref}" if self.ref else "")


@dataclass(frozen=True)
class Opening:
    """What opening a location may need besides its text."""

    options: TransferOptions = TransferOptions()
    tmpdir: str | None = None  # for spools and uncompressed copies (the store's tmp dir); None: the system's
    cancel: CancelToken | None = None
    store: Store | None = None  # the store transport's; the others ignore it
    progress: Progress | None = None  # the job's: a whole-archive decompression and an engine's export
                                      # report through it while the source opens
    layer_compression: str | None = None  # for a source: what the destination will compress layers to

    def the_store(self) -> Store:
        if self.store is None:
            raise Unsupported("no image store to read or write here")
        return self.store


@dataclass(frozen=True)
class Transport:
    name: str  # as in containers-transports(5): "oci-archive"
    prefix: str  # what location text starts with: "oci-archive:", "docker://"; "" for bare names (the store)
    title: str  # a few words for help texts and menus: "OCI archive file"
    holds: str  # FILE, DIRECTORY or NAME
    parse: Callable[[str], Location]  # the text after the prefix -> a Location (InvalidInput when malformed)
    open_source: Callable[[Location, Opening], Source]
    open_destination: Callable[[Location, Opening], Destination]
    # For `load`: whether this transport reads `path` (a directory, or a tar whose members `index` lists).
    recognise: Callable[[str, TarIndex | None], bool] | None = None
    save_formats: tuple[tuple[str, str | None], ...] = ()  # podman's `save --format` names, manifest format
    file_patterns: tuple[str, ...] = ()  # for file dialogs: "*.tar"
    # What it compresses an uncompressed layer to unless told otherwise (c/image's oci writers gzip them);
    # lets a source that must read everything first compress as it reads (engine/engines/export_compress.py)
    layer_compression: str | None = None


def path_and_ref(transport: str) -> Callable[[str], Location]:
    """The parser of archives and layouts: PATH[:REF], the path ending at the first `:`."""

    def parse(rest: str) -> Location:
        path, _, ref = rest.partition(":")
        if not path:
            raise InvalidInput(f"{transport + ':' + rest!r} names no path; write {transport}:PATH")
        return Location(transport, path, ref or None)

    return parse


def path_only(transport: str) -> Callable[[str], Location]:
    def parse(rest: str) -> Location:
        if not rest:
            raise InvalidInput(f"{transport + ':'!r} names no path; write {transport}:PATH")
        return Location(transport, rest)

    return parse


_TABLE: dict[str, Transport] = {}  # filled by engine/transports/__init__.py from its TRANSPORTS tuple


def register(*transports: Transport) -> None:
    for t in transports:
        _TABLE[t.name] = t


def by_name(name: str) -> Transport:
    try:
        return _TABLE[name]
    except KeyError:
        raise Unsupported(f"no transport named {name!r}") from None


def existing_directory(loc: Location) -> str:
    if not os.path.isdir(loc.path):
        raise NotFound(f"{loc.path}: no such directory")
    return loc.path
