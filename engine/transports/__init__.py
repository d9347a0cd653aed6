"""The places an image can be, as one table. Each transport module declares a `Transport` (engine/transports/
base.py): its name and prefix, how it parses its location text, how it opens a source and a destination and,
for `load`, how it recognises its input. Parsing, detection and opening below are loops over TRANSPORTS; the
CLI's help and the GUI's prefix lists, Browse menu and file filters read it too. Location syntax as
containers-transports(5): the path of an archive or layout ends at the first `:`.

Adding a transport: a module here plus one entry in TRANSPORTS (docs/adding-a-transport.md).
"""

from __future__ import annotations

import dataclasses
import os
import stat
from typing import TYPE_CHECKING

from engine.errors import InvalidInput, NotFound, Unsupported
from engine.transports import (
    containers_storage,
    directory,
    docker,
    docker_archive,
    docker_daemon,
    oci_archive,
    oci_layout,
    store,
)
from engine.transports.base import DIRECTORY, FILE, NAME, Location, Opening, Transport, by_name, register

if TYPE_CHECKING:
    from engine.contract import Destination, Source
    from engine.options import TransferOptions
    from engine.progress import Progress

__all__ = ["DIRECTORY", "FILE", "NAME", "TRANSPORTS", "Location", "Opening", "Transport", "by_name", "detect",
           "locate", "open_destination", "open_source", "parse_location", "save_format"]

# Order matters for `load`: podman tries a docker-archive before an oci-archive (Docker 25 writes both
# manifest.json and index.json) and an OCI layout before a dir: directory.
TRANSPORTS: tuple[Transport, ...] = (
    docker_archive.TRANSPORT,
    oci_archive.TRANSPORT,
    oci_layout.TRANSPORT,
    directory.TRANSPORT,
    docker.TRANSPORT,
    containers_storage.TRANSPORT,  # podman's images (engine/engines/)
    docker_daemon.TRANSPORT,  # Docker's images
    store.TRANSPORT,  # no prefix: bare names, where a verb takes them for the store
)
register(*TRANSPORTS)

DOCKER_ARCHIVE, OCI_ARCHIVE, OCI, DIR = docker_archive.NAME, oci_archive.NAME, oci_layout.NAME, directory.NAME
DOCKER, STORE = docker.NAME, store.NAME
CONTAINERS_STORAGE, DOCKER_DAEMON = containers_storage.NAME, docker_daemon.NAME
# Transports of containers-transports(5) that Estiba does not speak: named in the error instead of a bad name.
NOT_SUPPORTED = ("ostree:", "sif:")


def prefixed() -> tuple[Transport, ...]:
    """The transports written with a prefix, in table order."""
    return tuple(t for t in TRANSPORTS if t.prefix)


def parse_location(text: str) -> Location | None:
    """A Location for `transport:...` text; None when the text names no transport (a bare name)."""
    for t in prefixed():
        if text.startswith(t.prefix):
            return t.parse(text[len(t.prefix):])
    for other in NOT_SUPPORTED:
        if text.startswith(other):
            names = [t.prefix for t in prefixed()]
            raise Unsupported(f"the {other.rstrip(':')} transport is not supported; use "
                              f"{', '.join(names[:-1])} or {names[-1]}")
    return None


def locate(text: str, bare: str) -> Location:
    """The Location for `text`; a bare name is read by transport `bare` (docker for pull, store for copy)."""
    loc = parse_location(text)
    return loc if loc is not None else by_name(bare).parse(text)


def save_format(fmt: str) -> tuple[Transport, str | None]:
    """podman's `save --format` name -> (transport, the manifest format it implies)."""
    for t in TRANSPORTS:
        for name, manifest_format in t.save_formats:
            if name == fmt:
                return t, manifest_format
    names = [name for t in TRANSPORTS for name, _ in t.save_formats]
    raise InvalidInput(f"unknown format {fmt!r}: use {', '.join(names)}")


def detect(path: str, tmpdir: str | None = None, progress: Progress | None = None) -> tuple[Location, str | None]:
    """What `load -i path` should read, as podman tries: the directory transports for a directory, else the
    file transports on the tar (compressed as a whole or not). Returns the location and a temporary
    uncompressed copy to delete afterwards (or None)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise NotFound(f"{path}: no such file or directory") from None
    if stat.S_ISDIR(st.st_mode):
        for t in TRANSPORTS:
            if t.holds == DIRECTORY and t.recognise is not None and t.recognise(path, None):
                return Location(t.name, path), None
        raise InvalidInput(f"{path} is a directory but neither an OCI layout (index.json, oci-layout) nor a "
                           "dir: image (version, manifest.json)")
    from engine.spool import uncompressed_copy
    from engine.tarindex import TarIndex

    tar_path, temp = uncompressed_copy(path, tmpdir, progress=progress)
    try:
        with TarIndex(tar_path, what=path) as index:
            for t in TRANSPORTS:
                if t.holds == FILE and t.recognise is not None and t.recognise(tar_path, index):
                    return Location(t.name, tar_path), temp
    except BaseException:
        if temp:
            os.unlink(temp)
        raise
    if temp:
        os.unlink(temp)
    raise InvalidInput(f"{path} is a tar archive but not an image: it has neither manifest.json (docker-archive) "
                       "nor index.json (oci-archive)")


def for_destination(opening: Opening, dest: Location, dest_opts: TransferOptions | None = None) -> Opening:
    """The source's Opening, told what `dest` will compress uncompressed layers to (Opening.layer_compression).
    Registries are left out: they often hold a layer already, which is asked only later."""
    t = by_name(dest.transport)
    compress = (dest_opts or opening.options).compress
    if t.layer_compression is None and t.name != DIR:
        kind = None
    elif compress is not None:
        kind = None if compress == "none" else compress
    else:
        kind = t.layer_compression
    return dataclasses.replace(opening, layer_compression=kind)


def open_source(loc: Location, opening: Opening | None = None) -> Source:
    return by_name(loc.transport).open_source(loc, opening or Opening())


def open_destination(loc: Location, opening: Opening | None = None) -> Destination:
    t = by_name(loc.transport)
    if t.holds in (FILE, DIRECTORY):
        parent = os.path.dirname(os.path.abspath(loc.path))
        if not os.path.isdir(parent):
            raise NotFound(f"{parent}: no such directory for the output")
    dest = t.open_destination(loc, opening or Opening())
    if t.prefix:
        dest.description = str(loc)
    return dest
