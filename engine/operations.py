"""The verbs (load, save, pull, push, copy) as engine functions: the CLI, the GUI and the tests call these."""

from __future__ import annotations

import os
from dataclasses import dataclass

from engine import transports
from engine.contract import CopiedImage, Source
from engine.copy import DEFAULT_PARALLEL, CopyOptions, copy
from engine.errors import InvalidInput, Unsupported
from engine.platform import Platform
from engine.progress import Progress
from engine.reference import is_image_id_prefix, parse_reference
from engine.store import ImageRecord, Store
from engine.transports import Location


@dataclass
class TransferOptions:
    platform: Platform | None = None
    all_platforms: bool = False
    parallel: int = DEFAULT_PARALLEL
    compress: str | None = None  # gzip | zstd | none, where the destination allows a choice
    tag_only_ref: bool = False  # oci: write only the tag in org.opencontainers.image.ref.name
    tls_verify: bool | None = None  # registries: None = verify, except loopback and insecure registries
    retry_times: int = 3
    credentials: tuple[str, str] | None = None  # registries: explicit user and secret (else looked up)
    authfile: str | None = None
    manifest_format: str | None = None  # registries: "oci" or "v2s2" converts manifests (skopeo --format)

    def source_kwargs(self, store: Store, progress: Progress) -> dict:
        return {"tmpdir": store.tmp_dir, "tls_verify": self.tls_verify, "retry_times": self.retry_times,
                "credentials": self.credentials, "authfile": self.authfile, "cancel": progress.cancel}

    def dest_kwargs(self, store: Store, progress: Progress) -> dict:
        return {"compress": self.compress, "tag_only_ref": self.tag_only_ref, "tls_verify": self.tls_verify,
                "retry_times": self.retry_times, "credentials": self.credentials, "authfile": self.authfile,
                "parallel_hint": self.parallel, "tmpdir": store.tmp_dir, "cancel": progress.cancel,
                "manifest_format": self.manifest_format}

    def copy_options(self, store: Store, progress: Progress, names: list[str] | None = None) -> CopyOptions:
        return CopyOptions(self.platform, self.all_platforms, self.parallel, names, progress, store.blob_info())


def load(store: Store, path: str, options: TransferOptions | None = None,
         progress: Progress | None = None) -> list[CopiedImage]:
    """`load -i PATH`: the format is detected from the content; every image in it goes into the store."""
    opts = options or TransferOptions()
    progress = progress or Progress()
    loc, temp = transports.detect(path, store.tmp_dir, progress)
    try:
        source = transports.open_source(loc, tmpdir=store.tmp_dir)
        source.description = path
        with source:
            return copy(source, store.destination(), opts.copy_options(store, progress))
    finally:
        if temp:
            os.unlink(temp)


def pull(store: Store, source_text: str, options: TransferOptions | None = None,
         progress: Progress | None = None) -> list[CopiedImage]:
    """`pull SOURCE`: from any transport into the store."""
    opts = options or TransferOptions()
    progress = progress or Progress()
    loc = transports.parse_location(source_text)
    if loc is None:
        loc = Location(transports.DOCKER, source_text)
    with transports.open_source(loc, **opts.source_kwargs(store, progress)) as source:
        return copy(source, store.destination(), opts.copy_options(store, progress))


def names_for(rec: ImageRecord, text: str) -> list[str]:
    """The names an export of `rec` selected by `text` carries: the name typed, or none when selected by
    ID (as podman save does)."""
    bare = text.removeprefix("sha256:")
    if is_image_id_prefix(bare) and rec.hex.startswith(bare):
        return []
    return [parse_reference(text).tagged]


def save(store: Store, images: list[str], output: str, fmt: str = "docker-archive",
         options: TransferOptions | None = None, progress: Progress | None = None) -> list[CopiedImage]:
    """`save -o OUTPUT IMAGE...` in one of podman's formats."""
    opts = options or TransferOptions()
    progress = progress or Progress()
    if fmt not in transports.SAVE_FORMATS:
        raise InvalidInput(f"unknown format {fmt!r}: use {', '.join(transports.SAVE_FORMATS)}")
    if not images:
        raise InvalidInput("name at least one image to save")
    loc = Location(transports.SAVE_FORMATS[fmt], output)
    records = [(store.lookup(text), text) for text in images]
    if len(records) > 1 and loc.transport == transports.DIR:
        raise Unsupported("docker-dir holds one image; save several as docker-archive, oci-archive or oci-dir")
    dest = transports.open_destination(loc, compress=opts.compress, docker_format=fmt == "docker-dir",
                                       tag_only_ref=opts.tag_only_ref, cancel=progress.cancel)
    return copy(_MultiStoreSource(store, records), dest, opts.copy_options(store, progress))


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
    loc = transports.parse_location(destination)
    if loc is None:
        loc = Location(transports.DOCKER, destination)
    dest = transports.open_destination(loc, **opts.dest_kwargs(store, progress))
    return copy(store.source(rec, names), dest, opts.copy_options(store, progress))


def copy_between(store: Store, source_text: str, dest_text: str, options: TransferOptions | None = None,
                 progress: Progress | None = None) -> list[CopiedImage]:
    """`copy SOURCE DESTINATION`: any transport to any transport; a bare name on either side is the store."""
    opts = options or TransferOptions()
    progress = progress or Progress()
    src_loc = transports.parse_location(source_text)
    dst_loc = transports.parse_location(dest_text)
    if src_loc is None:
        rec = store.lookup(source_text)
        source: Source = store.source(rec, names_for(rec, source_text) or rec.names[:1])
    else:
        source = transports.open_source(src_loc, **opts.source_kwargs(store, progress))
    with source:
        if dst_loc is None:
            name = parse_reference(dest_text)
            if name.digest:
                raise InvalidInput("a store name cannot hold a digest; give a tag")
            return copy(source, store.destination(), opts.copy_options(store, progress, [name.tagged]))
        dest = transports.open_destination(dst_loc, **opts.dest_kwargs(store, progress))
        return copy(source, dest, opts.copy_options(store, progress))


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
