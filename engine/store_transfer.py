"""The store as the copy pipeline sees it: StoreSource reads a stored image (its blobs were verified on the way
in), StoreDestination stages what it receives and moves it in, with the records, under the store's lock."""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

from engine import media
from engine.contract import CompressionPolicy, Destination, Source, SourceImage
from engine.digest import Digest, sha256_digest
from engine.errors import EstibaError, Hint, NotFound, Unsupported
from engine.formats.staging import Staging
from engine.manifest import Descriptor, ImageConfig, ImageManifest, Index, parse
from engine.progress import OnBytes
from engine.reference import parse_reference
from engine.store_records import ImageRecord, assign_names
from engine.store_verify import ensure_sound, stamp_of

if TYPE_CHECKING:
    from engine.store import Store


class StoreSource(Source):
    trusted = True  # blobs were verified on the way in; `estiba check` re-verifies

    def __init__(self, store: Store, rec: ImageRecord, names: list[str], cancel=None) -> None:
        self.store = store
        self.cancel = cancel
        self.rec = rec
        self.names = names
        self.description = f"image {rec.names[0] if rec.names else rec.hex[:12]}"
        self._sound_blobs: set[str] = set()
        self._handed: dict[str, str] = {}  # blobs given out as files (maybe hard-linked): hex -> path

    def images(self) -> list[SourceImage]:
        raw = self.store.read_blob(Digest(self.rec.digest))
        return [SourceImage(raw, Digest(self.rec.digest), list(self.names), self.description)]

    def get_manifest(self, digest: Digest, size: int) -> bytes:
        return self.store.read_blob(digest)

    def _sound(self, desc: Descriptor) -> str:
        """The blob's path, once its size is the descriptor's and its bytes are known good (store_verify.py)."""
        path = self.store.blob_path(desc.digest)
        if desc.digest not in self._sound_blobs:
            ensure_sound(self.store.verified, path, Digest(desc.digest), desc.size, self.description,
                         self.cancel)
            self._sound_blobs.add(desc.digest)
        return path

    def open_blob(self, desc: Descriptor):
        path = self._sound(desc)
        try:
            return open(path, "rb")
        except FileNotFoundError:
            raise NotFound(f"blob {desc.digest[:19]}… is missing from the store", Hint.CHECK_STORE) from None

    def blob_file(self, desc: Descriptor) -> tuple[str, int, int] | None:
        path = self._sound(desc)
        try:
            size = os.path.getsize(path)
        except FileNotFoundError:
            return None
        self._handed[Digest(desc.digest).hex] = path
        return path, 0, size

    def close(self) -> None:
        handed, self._handed = self._handed, {}
        if handed:
            self.store.verified.restamp(handed)


class StoreDestination(Destination):
    families = (media.OCI, media.DOCKER)
    accepts_index = True
    multi_image = True
    # Keep blobs as they come: exports to the same format cost nothing. Compressed layers are verified against
    # their digest on the way in; their diffIDs are checked when they are first decompressed (a docker-archive
    # save, a conversion), which fails cleanly with nothing written. Decompressing every layer at load would
    # cost ~3 s of CPU per GB and forbid hard links. Uncompressed layers are checked on the way in: their
    # digest is their diffID.
    compression = CompressionPolicy()

    def __init__(self, store: Store, names: list[str] | None = None) -> None:
        self.store = store
        self.names = names
        self.description = "the local store"
        self.staging = Staging(store.tmp_dir, prefix="")  # tmp/<pid>-…: swept once its process is gone
        self.pending: list[tuple[bytes, list[str], ImageConfig | None]] = []
        self.committed: list[ImageRecord] = []

    def has_blob(self, digest: Digest) -> bool:
        # Asked about every blob before it is written (layer_reuse.already_there): refuse other algorithms up front,
        # since records, check and prune name blobs by sha256 (issue 10 item 19).
        if Digest(digest).algorithm != "sha256":
            raise Unsupported(f"blob {digest[:19]}… uses a {Digest(digest).algorithm} digest; the local store "
                              "keeps only sha256 blobs")
        return self.staging.has(digest) or self.store.has_blob(digest)

    def blob_size(self, digest: Digest) -> int:
        path = self.staging.path(digest) if self.staging.has(digest) else self.store.blob_path(digest)
        return os.path.getsize(path)

    def put_blob_file(self, path: str, offset: int, size: int, digest: Digest, on_bytes: OnBytes = None) -> bool:
        self.staging.put_file(path, offset, size, digest)
        return True

    def blob_writer(self):
        return self.staging.writer()

    def put_manifest(self, raw: bytes) -> None:
        digest = sha256_digest(raw)
        if not self.has_blob(digest):
            self.staging.put_bytes(raw, digest)

    def add_image(self, top: bytes, names: list[str], config: ImageConfig | None) -> None:
        chosen = self.names if self.names is not None else names
        self.pending.append((top, [parse_reference(n).tagged for n in chosen], config))

    def _record(self, top: bytes, names: list[str], config: ImageConfig | None) -> ImageRecord:
        parsed = parse(top)
        digest = sha256_digest(top)
        if isinstance(parsed, Index):
            sizes = 0
            plats = []
            created = None
            for d in parsed.manifests:
                child = parse(self._read(d.digest))
                assert isinstance(child, ImageManifest)
                sizes += child.config.size + sum(layer.size for layer in child.layers)
                if d.platform:
                    plats.append(str(d.platform))
                if created is None:
                    created = ImageConfig.parse(self._read(child.config.digest)).created
            return ImageRecord(str(digest), str(digest), parsed.media_type, names, created, sizes, plats, time.time())
        assert config is not None
        size = parsed.config.size + sum(layer.size for layer in parsed.layers)
        return ImageRecord(str(config.digest), str(digest), parsed.media_type, names, config.created, size,
                           [str(config.platform)], time.time())

    def _read(self, digest: Digest) -> bytes:
        if self.staging.has(digest):
            with open(self.staging.path(digest), "rb") as f:
                return f.read()
        return self.store.read_blob(digest)

    def commit(self) -> None:
        new = [self._record(*p) for p in self.pending]
        moved: dict[str, tuple | None] = {}
        with self.store.locked():
            for name in os.listdir(self.staging.dir):
                if name.endswith(".part"):
                    continue
                target = os.path.join(self.store.blobs_dir, name)
                if not os.path.exists(target):
                    os.chmod(os.path.join(self.staging.dir, name), 0o444)
                    os.replace(os.path.join(self.staging.dir, name), target)
                    moved[name] = stamp_of(os.stat(target))  # verified on the way in (staging.py)
            if moved:
                self.store.verified.record(moved)
            records = self.store.images()
            for rec in new:
                # A blob seen as present before the lock may have been pruned meanwhile: check, under the lock.
                for digest in self.store._blobs_of(Digest(rec.digest)):
                    if not self.store.has_blob(Digest(digest)):
                        raise EstibaError(f"blob {digest[7:19]} vanished during the operation (a concurrent "
                                          "prune?)", Hint.TRY_AGAIN)
                old = next((r for r in records if r.id == rec.id), None)
                if old is not None:
                    records.remove(old)
                    rec.names = old.names + [n for n in rec.names if n not in old.names]
                    rec.added = old.added
                    seen = old.digests or [old.digest]
                    rec.digests = seen + [d for d in [rec.digest] if d not in seen]
                else:
                    rec.digests = [rec.digest]
                records.append(rec)
                assign_names(records, rec.id, rec.names)
            self.store._write_records(records)
        self.committed = new
        self.staging.cleanup()

    def abort(self) -> None:
        self.staging.cleanup()
