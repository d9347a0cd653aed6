"""Reading an engine's images: the engine is asked for an uncompressed docker-archive (the cheapest export:
podman gzips an oci-archive on one core) of one image or several (podman's `save -m`, `docker save A B`).
The stream is read once (export_tee.py): written to one spool file in the store's tmp dir while every member
is hashed. Then each image is found by digest: its config is the member whose bytes hash to the image ID
the engine's inspection gave, its layers the members hashing to the config's diffIDs. Such a source serves
only verified bytes (`trusted`: the pipeline does not hash them a second time).

An export whose layers are not found that way (compressed members, as containerd's image store exports, or
bytes that do not match) is read by the docker-archive reader (engine/formats/docker_archive) instead,
and the copy pipeline verifies and reports it as it does for any archive. The names come from the
engine's inspection, so an export by ID keeps the image's name."""

from __future__ import annotations

import io
import json
import os

from engine import compression
from engine.contract import Source
from engine.digest import Digest
from engine.engines.client import Engine, normalised
from engine.engines.engine_images import EngineImages
from engine.engines.export_compress import LayerCompressor
from engine.engines.export_tee import ExportTee, Piece
from engine.engines.podman_storage import open_from_storage
from engine.errors import DigestMismatch, NotFound
from engine.formats.docker_archive.common import MANIFEST_FILE
from engine.manifest import MAX_CONFIG_BYTES, MAX_JSON_BYTES, Descriptor, ImageConfig, parse
from engine.reference import is_image_id_prefix
from engine.tarindex import RangeReader
from engine.transports.files import TempOwner

Wanted = list[tuple[str, list[str]]]  # (image ID, the names it carries), one per distinct image
Layout = dict[str, tuple[ImageConfig, Piece, list[Piece]]]  # image ID -> config, its member, its layers' members


def chosen_names(ref: str, names: list[str]) -> list[str]:
    """The names an export selected by `ref` carries: the name typed when it is one of the image's (short
    names resolved as the engine resolved them), else the image's first name (selected by ID)."""
    bare = ref.removeprefix("sha256:")
    if is_image_id_prefix(bare) and not any(n.startswith(ref) for n in names):
        return names[:1]
    typed = normalised(ref)
    if typed in names:
        return [typed]
    short = ref if ":" in ref.rsplit("/", 1)[-1] else ref + ":latest"
    for name in names:
        if name.endswith("/" + short):
            return [name]
    return names[:1]


def wanted(engine: Engine, refs: list[str]) -> Wanted:
    """(image ID, names) of each distinct image the refs select, in the order given (names merged)."""
    out: dict[str, list[str]] = {}
    for ref in refs:
        image_id, names = engine.inspect(ref)
        got = out.setdefault(image_id, [])
        got += [n for n in chosen_names(ref, names) if n not in got]
    return list(out.items())


def read_export(engine: Engine, images: Wanted, fd: int, what: str, cancel, *,
                drop: frozenset[str] = frozenset(), on_bytes=None,
                compressor: LayerCompressor | None = None) -> ExportTee:
    """The export of `images` written to fd, every member hashed (and its layers compressed by `compressor`)."""
    with engine.export_many([image_id for image_id, _ in images], cancel) as resp:
        tee = ExportTee(fd, what, drop=drop, on_bytes=on_bytes, compressor=compressor)
        tee.run(resp)
    return tee


def verified_layout(fd: int, tee: ExportTee, images: Wanted) -> Layout | None:
    """Each image's config and layers found among the members by digest; None when one is missing."""
    out: Layout = {}
    for image_id, _ in images:
        piece = tee.pieces.get(image_id)
        if piece is None or piece.size > MAX_CONFIG_BYTES:
            return None
        raw = os.pread(fd, piece.size, piece.offset)
        if len(raw) != piece.size:
            return None
        config = ImageConfig.parse(raw, f"image config {image_id[:19]}…")
        layers = [tee.pieces.get(d) for d in config.diff_ids]
        if any(p is None for p in layers):
            return None
        out[image_id] = (config, piece, layers)  # type: ignore[assignment]
    return out


def mismatch(fd: int, tee: ExportTee, images: Wanted, engine: Engine, what: str) -> DigestMismatch | None:
    """The error for an export whose plain layer tar does not hash to its diffID (as the engine's manifest.json
    lists them), or None when none is found so (the docker-archive reader and the pipeline then judge it)."""
    raw = tee.dropped_data.get(MANIFEST_FILE)
    listing = tee.members.get(MANIFEST_FILE)
    if raw is None and listing is not None and listing.size <= MAX_JSON_BYTES:
        raw = os.pread(fd, listing.size, listing.offset)
    try:
        doc = json.loads(raw or b"null")
    except ValueError:
        return None
    ids = {image_id for image_id, _ in images}
    for item in doc if isinstance(doc, list) else []:
        config_piece = tee.members.get(str(item.get("Config"))) if isinstance(item, dict) else None
        layers = item.get("Layers") if isinstance(item, dict) else None
        if config_piece is None or config_piece.digest not in ids or not isinstance(layers, list):
            continue
        config = ImageConfig.parse(os.pread(fd, config_piece.size, config_piece.offset))
        for path, diff_id in zip(layers, config.diff_ids, strict=False):
            piece = tee.members.get(str(path))
            if piece is None or piece.digest == diff_id:
                continue
            if compression.sniff(os.pread(fd, compression.SNIFF_BYTES, piece.offset)) == compression.NONE:
                return DigestMismatch(
                    f"{engine.title} exported {what} with layer {str(path)[:80]} hashing to {piece.digest[:19]}…, "
                    f"not the image config's diffID {diff_id[:19]}…: its storage may be damaged; nothing was "
                    "written")
    return None


class ExportedSource(EngineImages):
    """The images of one export, every blob served by the digest its bytes hashed to as they arrived."""

    trusted = True

    def __init__(self, path: str, layout: Layout, images: Wanted, description: str, *,
                 temp: str | None = None, engine: Engine | None = None,
                 compressor: LayerCompressor | None = None) -> None:
        super().__init__(description)
        self._path, self._temp, self._engine = path, temp, engine
        self._compressor = compressor
        self._fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        self._pieces: dict[str, Piece] = {}
        for image_id, names in images:
            config, config_piece, layers = layout[image_id]
            self._pieces[image_id] = config_piece
            pairs = list(zip(config.diff_ids, layers, strict=True))
            self._pieces.update(pairs)
            self.add_image(image_id, config_piece.size, [(d, p.size) for d, p in pairs], names, len(images) > 1)

    def _piece(self, desc: Descriptor) -> Piece:
        piece = self._pieces.get(desc.digest)
        if piece is None:
            raise NotFound(f"{self.description} has no blob {desc.digest[:19]}…")
        return piece

    def open_blob(self, desc: Descriptor):
        piece = self._piece(desc)
        return io.BufferedReader(RangeReader(self._fd, piece.offset, piece.size), 1 << 20)

    def blob_file(self, desc: Descriptor) -> tuple[str, int, int] | None:
        piece = self._piece(desc)
        return self._path, piece.offset, piece.size

    def layer_size(self, desc: Descriptor) -> int | None:
        piece = self._pieces.get(desc.digest)
        return piece.size if piece is not None else None

    def compressed_file(self, desc: Descriptor, kind: str) -> tuple[str, Digest, int] | None:
        if self._compressor is None or desc.digest not in self._pieces:
            return None
        return self._compressor.compressed(desc.digest, kind)

    def close(self) -> None:
        try:
            if self._compressor is not None:
                self._compressor.close()
                self._compressor = None
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1
            if self._temp:
                try:
                    os.unlink(self._temp)
                except FileNotFoundError:
                    pass
                self._temp = None
        finally:
            if self._engine is not None:
                self._engine.close()


class EngineSource(TempOwner):
    """The docker-archive reader over an export it could not take apart by digest (see the module's text)."""

    def __init__(self, inner: Source, temp: str | None, description: str, images: Wanted,
                 engine: Engine | None) -> None:
        super().__init__(inner, temp, description)
        self._names = dict(images)
        self._engine = engine

    def images(self):
        images = self.inner.images()
        for img in images:
            config = parse(img.manifest, "manifest").config.digest  # type: ignore[union-attr]
            img.names = list(self._names.get(str(config), img.names))
            img.label = img.label or self.description
        return images

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self._engine is not None:
                self._engine.close()


def open_exports(engine: Engine, refs: list[str], description: str, tmpdir: str | None, cancel, *,
                 layer_compression: str | None = None) -> Source:
    """The images `refs` select, as one source (one export request); closing it closes `engine`.
    layer_compression: what the destination will compress uncompressed layers to, when known (gzip, zstd):
    the layers are compressed so while the export streams in (export_compress.py)."""
    from engine.formats import docker_archive
    from engine.spool import new_spool

    fd, temp, comp = -1, None, None
    try:
        images = wanted(engine, refs)
        direct = open_from_storage(engine, images, description)
        if direct is not None:  # podman's storage, readable here: no export to wait for
            return direct
        fd, temp = new_spool(tmpdir, description)
        if layer_compression in (compression.GZIP, compression.ZSTD):
            comp = LayerCompressor(temp, layer_compression, tmpdir, cancel)
        tee = read_export(engine, images, fd, description, cancel, compressor=comp)
        layout = verified_layout(fd, tee, images)
        if layout is not None:
            os.close(fd)
            fd = -1
            source = ExportedSource(temp, layout, images, description, temp=temp, engine=engine, compressor=comp)
            comp = None
            return source
        if comp is not None:
            comp.close()
            comp = None
        damaged = mismatch(fd, tee, images, engine, description)
        if damaged is not None:
            raise damaged
        tee.finish()
        os.close(fd)
        fd = -1
        inner = docker_archive.open_source(temp, None, tmpdir=tmpdir)
        return EngineSource(inner, temp, description, images, engine)
    except BaseException:
        if comp is not None:
            comp.close()
        if fd >= 0:
            os.close(fd)
        if temp is not None:
            try:
                os.unlink(temp)
            except FileNotFoundError:
                pass
        engine.close()
        raise


def open_export(engine: Engine, ref: str, description: str, tmpdir: str | None, cancel, *,
                layer_compression: str | None = None) -> Source:
    return open_exports(engine, [ref], description, tmpdir, cancel, layer_compression=layer_compression)
