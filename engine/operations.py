"""The verbs (load, save, pull, push, copy) as engine functions: the CLI, the GUI and the tests call these.
Each takes one TransferOptions (engine/options.py) and hands it, unchanged, to the transports it opens."""

from __future__ import annotations

import dataclasses
import os

from engine import transports
from engine.contract import CopiedImage, Source
from engine.copy import CopyOptions, copy
from engine.engines import places
from engine.errors import InvalidInput, Unsupported
from engine.options import TransferOptions
from engine.progress import Progress
from engine.store import ImageRecord, Store
from engine.transports import Location, Opening
from engine.transports.store import names_for

__all__ = ["TransferOptions", "copy_between", "load", "names_for", "pull", "push", "save"]


def _opening(store: Store, opts: TransferOptions, progress: Progress) -> Opening:
    return Opening(opts, store.tmp_dir, progress.cancel, store, progress)


def _copy_options(store: Store, opts: TransferOptions, progress: Progress) -> CopyOptions:
    return CopyOptions(opts.platform, opts.all_platforms, opts.parallel, None, progress, store.blob_info())


def _into_store(store: Store, source: Source, opts: TransferOptions, progress: Progress) -> list[CopiedImage]:
    dest = transports.open_destination(Location(transports.STORE, ""), _opening(store, opts, progress))
    return copy(source, dest, _copy_options(store, opts, progress))


def load(store: Store, path: str, options: TransferOptions | None = None,
         progress: Progress | None = None, into: str | None = None) -> list[CopiedImage]:
    """`load -i PATH`: the format is detected from the content; every image in it goes into the store, or
    into the place `into` names (`containers-storage:`, `docker-daemon:`: the window's drop onto an engine)."""
    opts = options or TransferOptions()
    progress = progress or Progress()
    loc, temp = transports.detect(path, store.tmp_dir, progress)
    try:
        source = transports.open_source(loc, _opening(store, opts, progress))
        source.description = path
        with source:
            if into is None:
                return _into_store(store, source, opts, progress)
            dest = transports.open_destination(transports.locate(into, transports.STORE),
                                               _opening(store, opts, progress))
            return copy(source, dest, _copy_options(store, opts, progress))
    finally:
        if temp:
            os.unlink(temp)


def pull(store: Store, source_text: str, options: TransferOptions | None = None,
         progress: Progress | None = None) -> list[CopiedImage]:
    """`pull SOURCE`: from any transport into the store; a bare name is a registry image."""
    opts = options or TransferOptions()
    progress = progress or Progress()
    loc = transports.locate(source_text, transports.DOCKER)
    with transports.open_source(loc, _opening(store, opts, progress)) as source:
        return _into_store(store, source, opts, progress)


def save(store: Store, images: list[str], output: str, fmt: str = "docker-archive",
         options: TransferOptions | None = None, progress: Progress | None = None) -> list[CopiedImage]:
    """`save -o OUTPUT IMAGE...` in one of podman's formats."""
    opts = options or TransferOptions()
    progress = progress or Progress()
    transport, manifest_format = transports.save_format(fmt)
    if not images:
        raise InvalidInput("name at least one image to save")
    opening = _opening(store, dataclasses.replace(opts, manifest_format=manifest_format), progress)
    elsewhere = [transports.parse_location(text) for text in images]
    if any(elsewhere):  # `save -o OUT containers-storage:A [containers-storage:B]`: images of another place
        dest_loc = Location(transport.name, output)
        done = places.direct_copy(elsewhere, dest_loc, opening, _copy_options(store, opts, progress))
        if done is not None:
            return done
        one = elsewhere[0] if len(elsewhere) == 1 else None
        reading = transports.for_destination(opening, dest_loc)
        with (transports.open_source(one, reading) if one else places.open_sources(elsewhere, reading)) as source:
            dest = transports.open_destination(dest_loc, opening)
            return copy(source, dest, _copy_options(store, opts, progress))
    records = [(store.lookup(text), text) for text in images]
    if len(records) > 1 and transport.name == transports.DIR:
        raise Unsupported("docker-dir holds one image; save several as docker-archive, oci-archive or oci-dir")
    dest = transports.open_destination(Location(transport.name, output), opening)
    with _MultiStoreSource(store, records) as source:  # closing keeps hard-linked blobs' stamps (store_verify.py)
        return copy(source, dest, _copy_options(store, opts, progress))


def push(store: Store, image: str, destination: str | None = None, options: TransferOptions | None = None,
         progress: Progress | None = None) -> list[CopiedImage]:
    """`push IMAGE [DESTINATION]`: from the store to any transport; without a destination, to the registry
    of the image's own name (as podman does)."""
    opts = options or TransferOptions()
    progress = progress or Progress()
    rec = store.lookup(image)
    names = names_for(rec, image) or rec.names[:1]
    if destination is None:
        if not names:
            raise InvalidInput(f"{image} has no name to push to; give a destination such as docker://HOST/REPO:TAG")
        destination = names[0]
    loc = transports.locate(destination, transports.DOCKER)
    dest = transports.open_destination(loc, _opening(store, opts, progress))
    with store.source(rec, names) as source:
        return copy(source, dest, _copy_options(store, opts, progress))


def copy_between(store: Store, source_text: str, dest_text: str, options: TransferOptions | None = None,
                 progress: Progress | None = None) -> list[CopiedImage]:
    """`copy SOURCE DESTINATION`: any transport to any transport; a bare name on either side is the store."""
    opts = options or TransferOptions()
    progress = progress or Progress()
    opening = _opening(store, opts, progress)
    src_loc = transports.locate(source_text, transports.STORE)
    dst_loc = transports.locate(dest_text, transports.STORE)
    done = places.direct_copy([src_loc], dst_loc, opening, _copy_options(store, opts, progress))
    if done is not None:  # an engine's export written straight into a docker-archive
        return done
    with transports.open_source(src_loc, transports.for_destination(opening, dst_loc)) as source:
        dest = transports.open_destination(dst_loc, opening)
        return copy(source, dest, _copy_options(store, opts, progress))


class _MultiStoreSource(Source):
    """Several store images as one source (a multi-image save)."""

    trusted = True

    def __init__(self, store: Store, records: list[tuple[ImageRecord, str]]) -> None:
        self.store = store
        self.records = records
        self.description = ", ".join(text for _, text in records)
        seen: dict[str, ImageRecord] = {}
        for rec, _ in records:
            seen.setdefault(rec.id, rec)
        self._sources = {rec.id: store.source(rec) for rec in seen.values()}

    def images(self):
        merged: dict[str, list[str]] = {}
        for rec, text in self.records:
            names = merged.setdefault(rec.id, [])
            names += [n for n in names_for(rec, text) if n not in names]
        out = []
        for rec_id, names in merged.items():
            img = self._sources[rec_id].images()[0]
            img.names = names
            out.append(img)
        return out

    def _any(self):
        return next(iter(self._sources.values()))

    def get_manifest(self, digest, size):
        return self.store.read_blob(digest)

    def open_blob(self, desc):
        return self._any().open_blob(desc)

    def blob_file(self, desc):
        return self._any().blob_file(desc)

    def close(self) -> None:
        for source in self._sources.values():
            source.close()
