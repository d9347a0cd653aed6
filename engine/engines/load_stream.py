"""Writing into an engine: a docker-archive produced as a stream into the body of one load request
(chunked), never as a whole-image temporary file. Docker 20.10 loads docker-archives only, and podman loads
them too, so one writer serves both.

The tar is sequential but layers arrive in parallel: each member is sent whole while it holds the stream
(`_turn`); tar member order does not matter to either engine (both read manifest.json, which lists the
layers by name). A layer's header needs its size first: the pipeline announces sizes through planned();
a layer whose size nobody knows is staged in the tmp dir and sent at commit (only that layer).

Cancel or failure closes the connection; an engine that kept an image anyway has it removed (abort())."""

from __future__ import annotations

import os
import threading

from engine import compression, media
from engine.contract import BlobWriter, CompressionPolicy, Destination
from engine.digest import Digest
from engine.engines.client import Engine
from engine.engines.socket_http import Connection
from engine.errors import Cancelled, EstibaError, InvalidInput, Unsupported
from engine.formats.docker_archive.common import MANIFEST_FILE
from engine.formats.docker_archive.members import OutImage, member_header
from engine.formats.staging import Staging
from engine.formats.tarwriter import padding
from engine.manifest import ImageConfig, ImageManifest, dump_json, parse
from engine.progress import CancelToken, OnBytes
from engine.reference import InvalidReference, parse_reference

MAX_MEMORY_BLOB = 16 << 20  # configs are kept in memory until their turn; a larger blob is not a config


class _MemoryWriter:
    def __init__(self, dest: EngineLoadDestination) -> None:
        self.dest = dest
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data) -> int:
        self.size += len(data)
        if self.size > MAX_MEMORY_BLOB:
            raise InvalidInput("a non-layer blob over 16 MiB cannot go to an engine")
        self.parts.append(bytes(data))
        return len(data)

    def commit(self, digest: Digest, size: int) -> None:
        self.dest._send_member(f"{digest.hex}.json", b"".join(self.parts), digest)

    def abort(self) -> None:
        self.parts = []


class _LayerWriter:
    """A layer of known size, sent as it arrives once it holds the stream."""

    def __init__(self, dest: EngineLoadDestination, diff_id: Digest, size: int) -> None:
        self.dest, self.diff_id, self.size = dest, diff_id, size
        self.sent = 0
        self.holding = False

    def write(self, data) -> int:
        if not self.holding:
            self.dest._acquire()
            self.holding = True
            self.dest._conn_send(member_header(f"{self.diff_id.hex}.tar", self.size))
        self.sent += len(data)
        if self.sent > self.size:
            raise InvalidInput(f"layer {self.diff_id[:19]}… is longer than the {self.size} bytes announced")
        self.dest._chunk(data)
        return len(data)

    def commit(self, digest: Digest, size: int) -> None:
        if not self.holding:  # an empty layer
            self.write(b"")
        if size != self.size or self.sent != self.size:
            raise InvalidInput(f"layer {self.diff_id[:19]}… is {self.sent} bytes, not the {self.size} announced")
        self.dest._conn_send(b"\0" * padding(self.size))
        self.dest._sent_layer(self.diff_id)
        self.holding = False
        self.dest._release()

    def abort(self) -> None:
        if self.holding:
            self.dest._broken = True  # half a member went out: the request cannot be finished
            self.holding = False
            self.dest._release()


class EngineLoadDestination(Destination):
    families = (media.DOCKER,)
    accepts_index = False  # one platform of a multi-platform image (the host's unless chosen)
    multi_image = True
    compression = CompressionPolicy(compression.NONE, force=True)
    plans_layout = True  # for the layer sizes
    uploads = True

    def __init__(self, engine: Engine, ref: str | None, description: str, tmpdir: str | None,
                 cancel: CancelToken | None) -> None:
        self.engine = engine
        self.description = description
        self._ref = None
        if ref:
            try:
                name = parse_reference(ref)
            except InvalidReference as exc:
                raise InvalidInput(f"{description}: {exc}") from None
            if name.digest:
                raise InvalidInput(f"{description}: an engine image name cannot hold a digest; give a tag")
            self._ref = name.tagged
        self._ref_used = False
        self._cancel = cancel or CancelToken()
        self._tmpdir = tmpdir
        self._cond = threading.Condition()
        self._busy = False
        self._broken = False
        self._conn: Connection | None = None
        self._before: set[str] | None = None
        self._sizes: dict[str, int] = {}
        self._have: set[str] = set()  # blobs sent or staged (hex)
        self._staged: Staging | None = None
        self._staged_layers: list[Digest] = []
        self._images: dict[str, OutImage] = {}
        self._finished = False
        self.loaded: list[str] = []  # what the engine said it named

    # -- the stream
    def _acquire(self) -> None:
        with self._cond:
            while self._busy:
                if self._cancel.cancelled:
                    raise Cancelled()
                self._cond.wait(0.2)
            self._busy = True
        if self._broken:  # another writer failed or was cancelled mid-member: its own error is the one reported
            self._release()
            raise Cancelled()
        if self._conn is None:
            try:
                self._before = self.engine.image_ids()
                self._conn = self.engine.start_load(self._cancel)
            except BaseException:
                self._release()
                raise

    def _release(self) -> None:
        with self._cond:
            self._busy = False
            self._cond.notify_all()

    def _conn_send(self, data: bytes) -> None:
        if data:
            self._chunk(data)

    def _chunk(self, data) -> None:
        assert self._conn is not None
        try:
            self._conn.send_chunk(data)
        except BaseException:
            self._broken = True
            raise

    def _send_member(self, name: str, data: bytes, digest: Digest) -> None:
        self._acquire()
        try:
            self._chunk(member_header(name, len(data)) + data + b"\0" * padding(len(data)))
            with self._cond:
                self._have.add(digest.hex)
        finally:
            self._release()

    def _send_file(self, name: str, path: str, offset: int, size: int, on_bytes: OnBytes) -> None:
        self._acquire()
        try:
            assert self._conn is not None
            self._chunk(member_header(name, size))
            with open(path, "rb") as f:
                try:
                    self._conn.send_file_chunk(f.fileno(), offset, size, on_bytes)
                except BaseException:
                    self._broken = True
                    raise
            self._conn_send(b"\0" * padding(size))
        finally:
            self._release()

    def _sent_layer(self, diff_id: Digest) -> None:
        with self._cond:
            self._have.add(diff_id.hex)

    # -- the contract
    def has_blob(self, digest: Digest) -> bool:
        with self._cond:
            return digest.hex in self._have

    def blob_size(self, digest: Digest) -> int:
        return self._sizes.get(digest.hex, -1)

    def planned(self, diff_ids: list[Digest], sizes: list[int | None]) -> None:
        for diff_id, size in zip(diff_ids, sizes, strict=True):
            if size is not None:
                self._sizes.setdefault(diff_id.hex, size)

    def blob_writer(self) -> BlobWriter:
        return _MemoryWriter(self)

    def layer_writer(self, diff_id: Digest) -> BlobWriter:
        size = self._sizes.get(diff_id.hex)
        if size is not None:
            return _LayerWriter(self, diff_id, size)
        if self._staged is None:
            self._staged = Staging(self._tmpdir or "/tmp")
        staging = self._staged

        class _Staged:  # its size is learnt by writing it: sent at commit
            def __init__(inner) -> None:
                inner.w = staging.writer()

            def write(inner, data) -> int:
                return inner.w.write(data)

            def commit(inner, digest: Digest, size: int) -> None:
                inner.w.commit(digest, size)
                self._staged_layers.append(digest)
                self._sent_layer(digest)

            def abort(inner) -> None:
                inner.w.abort()

        return _Staged()

    def put_blob_file(self, path: str, offset: int, size: int, digest: Digest, on_bytes: OnBytes = None) -> bool:
        self._send_file(f"{digest.hex}.tar", path, offset, size, on_bytes)
        self._sizes.setdefault(digest.hex, size)
        self._sent_layer(digest)
        return True

    def put_manifest(self, raw: bytes) -> None:
        pass  # a docker-archive carries no manifests

    def add_image(self, top: bytes, names: list[str], config: ImageConfig | None) -> None:
        manifest = parse(top, "manifest")
        if not isinstance(manifest, ImageManifest) or config is None:
            raise Unsupported(f"{self.description} takes one platform of a multi-platform image")
        if self._ref is not None:
            if self._ref_used:
                raise Unsupported(f"{self.description} names one image but the source holds several")
            self._ref_used = True
            names = [self._ref]
        tags = []
        for name in names:
            try:
                ref = parse_reference(name)
            except InvalidReference:
                continue
            if ref.tag is not None:
                tags.append(ref.tagged)
        image = self._images.setdefault(str(config.digest), OutImage(config, config.diff_ids, []))
        image.names = list(dict.fromkeys(image.names + tags))

    def commit(self) -> None:
        if self._finished:
            raise InvalidInput(f"{self.description} was already committed or aborted")
        if not self._images:
            raise InvalidInput(f"{self.description}: no image was written")
        for digest in self._staged_layers:
            assert self._staged is not None
            path = self._staged.path(digest)
            self._send_file(f"{digest.hex}.tar", path, 0, os.path.getsize(path), None)
        doc = [{"Config": f"{i.config.digest.hex}.json", "RepoTags": i.names,
                "Layers": [f"{d.hex}.tar" for d in i.diff_ids]} for i in self._images.values()]
        self._send_member(MANIFEST_FILE, dump_json(doc), Digest("sha256:" + "0" * 64))
        self._acquire()
        try:
            assert self._conn is not None
            self._chunk(b"\0" * 1024)
            self._conn.end_chunks()
            self.loaded = self.engine.load_result(self._conn)
        except BaseException:
            self._release()
            self.abort()
            raise
        self._release()
        self._finished = True
        self._cleanup()

    def _cleanup(self) -> None:
        if self._conn is not None:
            self._conn.close()
        if self._staged is not None:
            self._staged.cleanup()
        self.engine.close()

    def abort(self) -> None:
        if self._finished:
            return
        self._finished = True
        conn, self._conn = self._conn, None
        try:
            if conn is not None:
                conn.close()
                self._remove_partial()
        finally:
            self._cleanup()

    def _remove_partial(self) -> None:
        """An engine that imported some of what it got keeps those images: remove the ones that were not
        there before this load."""
        if self._before is None:
            return
        try:
            now = self.engine.image_ids()
        except EstibaError:
            return
        for image_id in now - self._before:
            if image_id in self._images:
                try:
                    self.engine.remove(image_id)
                except EstibaError:
                    pass
