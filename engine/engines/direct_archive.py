"""An export from an engine into a docker-archive file, written once: the engine's stream already is a
docker-archive, so it goes straight into the output's temporary file (engine/output.py, beside the output),
each member hashed on the way (export_tee.py). The engine's manifest.json and repositories are left out of
it; once every image's config and layers are found among the members by digest (export_source.py), the copy
pipeline runs over the written bytes (nothing is read again: every blob is already there) and the commit
appends Estiba's own manifest.json and repositories, with the names the user asked for, then renames the
file into place. A mismatch or a cancel discards the temporary file: no output.

podman's images that can be read from its storage (podman_storage.py) are not exported at all: they go
to the ordinary docker-archive writer, which lays the layers out at their offsets (each byte written once
too). An export that cannot be taken apart by digest (compressed members, damaged bytes) gets the engine's own
manifest.json back and is read by the docker-archive reader into the ordinary docker-archive writer; the
pipeline then names what is wrong."""

from __future__ import annotations

import os
import re
import threading

from engine import compression, media
from engine.contract import BlobWriter, CompressionPolicy, CopiedImage, Destination
from engine.digest import Digest
from engine.engines.export_progress import export_label, listed_size
from engine.engines.export_source import (
    EngineSource,
    ExportedSource,
    Layout,
    mismatch,
    read_export,
    verified_layout,
    wanted,
)
from engine.engines.export_tee import Piece
from engine.engines.podman_storage import open_from_storage
from engine.errors import EstibaError, InvalidInput, NotFound, Unsupported
from engine.formats.docker_archive.common import MANIFEST_FILE, REPOSITORIES_FILE, normalise_name
from engine.formats.docker_archive.legacy import legacy_layers
from engine.formats.docker_archive.members import write_tar
from engine.manifest import ImageConfig, dump_json
from engine.output import Output, open_output
from engine.progress import OnBytes
from engine.reference import InvalidReference, parse_reference

FILE_MODE = 0o644  # as the docker-archive writer's
DROPPED = frozenset({MANIFEST_FILE, REPOSITORIES_FILE, "index.json"})  # the engine's names for the images
_V1_LAYER = re.compile(r"^([0-9a-f]{64})/layer\.tar$")


class InPlaceArchive(Destination):
    """The docker-archive whose members are already in `opened` (the output's temporary file)."""

    families = (media.DOCKER,)
    accepts_index = False
    multi_image = True
    compression = CompressionPolicy(compression.NONE, force=True)

    def __init__(self, output: Output, opened: tuple[int, str], end: int, layout: Layout, member_names: set[str],
                 ref: str | None, description: str) -> None:
        self.description = description
        self._output, self._opened, self._end = output, opened, end
        self._layout = layout
        self._member_names = member_names
        self._pieces: dict[str, Piece] = {}
        self._configs = {config.digest for config, _, _ in layout.values()}
        for config, config_piece, layers in layout.values():
            self._pieces[config.digest] = config_piece
            self._pieces.update(zip(config.diff_ids, layers, strict=True))
        self._ref = normalise_name(ref, description) if ref else None
        self._images: dict[str, list[str]] = {}
        self._lock = threading.Lock()
        self._finished = False

    def has_blob(self, digest: Digest) -> bool:
        return digest in self._configs  # the layers come through put_blob_file, so that progress shows them

    def blob_size(self, digest: Digest) -> int:
        piece = self._pieces.get(digest)
        return piece.size if piece is not None else -1

    def put_blob_file(self, path: str, offset: int, size: int, digest: Digest, on_bytes: OnBytes = None) -> bool:
        """A layer the export wrote into this very file: nothing to copy."""
        piece = self._pieces.get(digest)
        if piece is None or path != self._opened[1] or (offset, size) != (piece.offset, piece.size):
            raise EstibaError(f"internal error: {self.description} takes only the blobs the engine exported")
        if on_bytes is not None:
            on_bytes(size)
        return True

    def blob_writer(self) -> BlobWriter:
        raise EstibaError(f"internal error: {self.description} takes only the blobs the engine exported")

    def put_manifest(self, raw: bytes) -> None:
        pass  # a docker-archive stores no manifests

    def add_image(self, top: bytes, names: list[str], config: ImageConfig | None) -> None:
        if config is None or str(config.digest) not in self._layout:
            raise EstibaError(f"internal error: {self.description} was given an image the engine did not export")
        if self._ref is not None:
            if any(self._ref in n for n in self._images.values()):
                raise Unsupported(f"{self.description} names one image but the source holds several; "
                                  "copy them one at a time or leave out the name")
            wanted = [self._ref]
        else:
            wanted = []
            for name in names:
                try:
                    ref = parse_reference(name)
                except InvalidReference as exc:
                    raise InvalidInput(f"{self.description}: {exc}") from None
                if ref.tag is not None:
                    wanted.append(ref.tagged)
        with self._lock:
            for key, other in self._images.items():  # a name belongs to one image: the last one given it
                if key != config.digest:
                    other[:] = [n for n in other if n not in wanted]
            got = self._images.setdefault(str(config.digest), [])
            got += [n for n in wanted if n not in got]

    def _trailer(self) -> list:
        manifest, repositories = [], {}
        for image_id, names in self._images.items():
            config, config_piece, layers = self._layout[image_id]
            paths = [p.name for p in layers]
            manifest.append({"Config": config_piece.name, "RepoTags": list(names), "Layers": paths})
            top = self._top_v1id(config, paths)
            for name in names if top else []:
                repo, _, tag = name.rpartition(":")
                repositories.setdefault(repo, {})[tag] = top
        repos = {k: dict(sorted(v.items())) for k, v in sorted(repositories.items())}
        return [("file", MANIFEST_FILE, dump_json(manifest)), ("file", REPOSITORIES_FILE, dump_json(repos))]

    def _top_v1id(self, config: ImageConfig, paths: list[str]) -> str | None:
        """The legacy id of the top layer's directory in the export (Docker's own, or c/image's)."""
        if not paths:
            return None
        found = _V1_LAYER.match(paths[-1])
        if found:
            return found.group(1)
        v1id = legacy_layers(config.raw, config.diff_ids)[-1][0]
        return v1id if f"{v1id}/json" in self._member_names else None

    def commit(self) -> None:
        if self._finished:
            raise InvalidInput(f"{self.description} was already committed or aborted")
        self._finished = True
        if not self._images:
            self._output.discard(self._opened)
            raise InvalidInput(f"{self.description}: no image was written")
        members = self._trailer()

        def write(fd: int) -> None:
            os.ftruncate(fd, self._end)
            os.lseek(fd, self._end, os.SEEK_SET)
            write_tar(fd, members)

        try:
            self._output.finish(write, FILE_MODE, self._opened)
        except OSError as exc:
            raise EstibaError(f"cannot write {self.description} ({exc.strerror}); nothing was changed") from None

    def abort(self) -> None:
        if not self._finished:
            self._finished = True
            self._output.discard(self._opened)


def open_output_checked(path: str) -> Output:
    """The docker-archive writer's checks on an output path, before anything is asked of the engine."""
    if os.path.isdir(path):
        raise InvalidInput(f"{path} is a directory; give a file name for the docker-archive")
    output = open_output(path)
    parent = os.path.dirname(output.path)
    if not output.is_stream and not os.path.isdir(parent):
        raise NotFound(f"{parent}: no such directory for the output")
    return output


def export_into_archive(engine, refs: list[str], dst_loc, opening, copy_options, description: str
                        ) -> list[CopiedImage]:
    """`copy ENGINE:REF docker-archive:PATH[:NAME]` (and `save` of engine images) with every byte written once."""
    from engine.copy import copy
    from engine.formats import docker_archive
    from engine.transports import docker_archive as archive_transport

    try:
        if dst_loc.ref and dst_loc.ref.startswith("@"):
            raise InvalidInput(f"{dst_loc}: @N selects an image when reading; to write, give NAME[:TAG] or "
                               "nothing")
        if dst_loc.ref:
            normalise_name(dst_loc.ref, str(dst_loc))  # a bad name is found out before the export
        output = open_output_checked(dst_loc.path)
        images = wanted(engine, refs)
        if dst_loc.ref and len(images) > 1:
            raise Unsupported(f"{dst_loc} names one image but the source holds {len(images)}; copy them one at "
                              "a time or leave out the name")
        stored = open_from_storage(engine, images, description)
    except BaseException:
        engine.close()
        raise
    if stored is not None:  # podman's storage, readable here: the docker-archive writer lays the layers out
        with stored:
            dest = archive_transport.open_destination(dst_loc, opening)
            dest.description = str(dst_loc)
            return copy(stored, dest, copy_options)
    try:
        progress = copy_options.progress
        label, size = export_label(engine), listed_size(engine, [image_id for image_id, _ in images])
        progress.new(label, size)  # the same row as the other export paths (export_progress.py)
        opened = output.begin()
    except BaseException:
        engine.close()
        raise
    fd, tmp = opened
    try:
        tee = read_export(engine, images, fd, description, opening.cancel, drop=DROPPED,
                          on_bytes=progress.counter(label, size))
        progress.done(label, tee.end)
        layout = verified_layout(fd, tee, images)
        damaged = mismatch(fd, tee, images, engine, description) if layout is None else None
        if damaged is not None:
            raise damaged
    except BaseException:
        output.discard(opened)
        engine.close()
        raise
    if layout is not None:
        try:
            source = ExportedSource(tmp, layout, images, description, engine=engine)
            dest = InPlaceArchive(output, opened, tee.end, layout, tee.names, dst_loc.ref, str(dst_loc))
        except BaseException:
            output.discard(opened)
            engine.close()
            raise
        with source:
            return copy(source, dest, copy_options)  # on failure copy() aborts dest: the temporary file goes
    try:
        tee.restore()
        try:
            inner = docker_archive.open_source(tmp, None, tmpdir=opening.tmpdir)
        except BaseException:
            engine.close()
            raise
        with EngineSource(inner, None, description, images, engine) as source:
            dest = archive_transport.open_destination(dst_loc, opening)
            dest.description = str(dst_loc)
            return copy(source, dest, copy_options)
    finally:
        output.discard(opened)
