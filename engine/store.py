"""Estiba's local image store: content-addressed blobs plus image records, changed only under a lock.

Layout:
    ROOT/blobs/sha256/<hex>   every manifest, index, config and layer, as received (read-only files)
    ROOT/images.json          the image records (replaced atomically)
    ROOT/lock                 flock'd by every writer
    ROOT/tmp/<pid>-*/         staging areas of running operations

Records are keyed by image ID: the config digest (the sha256 of the config bytes, as podman and Docker
compute it) or, for a multi-platform image kept whole, the index digest.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from engine import media
from engine.blobinfo import FILE_NAME as BLOB_INFO_FILE
from engine.blobinfo import BlobInfoCache
from engine.contract import CompressionPolicy, Destination, Source, SourceImage
from engine.digest import Digest, sha256_digest
from engine.errors import EstibaError, InvalidInput, NotFound
from engine.formats.staging import Staging
from engine.manifest import Descriptor, ImageConfig, ImageManifest, Index, load_json, parse
from engine.progress import OnBytes
from engine.reference import is_image_id_prefix, parse_reference

RECORDS_VERSION = 1


@dataclass
class ImageRecord:
    id: str  # "sha256:<hex>": config digest, or index digest for a multi-platform image
    digest: str  # top manifest or index digest
    media_type: str
    names: list[str] = field(default_factory=list)
    created: str | None = None
    size: int = 0
    platforms: list[str] = field(default_factory=list)
    added: float = 0.0

    @property
    def hex(self) -> str:
        return self.id.split(":", 1)[1]

    @property
    def is_index(self) -> bool:
        return self.media_type in media.INDEX_TYPES


def default_root() -> str:
    env = os.environ.get("ESTIBA_STORE")
    if env:
        return env
    import platformdirs

    return os.path.join(platformdirs.user_data_dir("estiba", appauthor=False), "store")


class Store:
    def __init__(self, root: str | None = None) -> None:
        self.root = os.path.abspath(root or default_root())
        self.blobs_dir = os.path.join(self.root, "blobs", "sha256")
        self.tmp_dir = os.path.join(self.root, "tmp")
        self.records_path = os.path.join(self.root, "images.json")
        try:
            os.makedirs(self.blobs_dir, exist_ok=True)
            os.makedirs(self.tmp_dir, exist_ok=True)
        except OSError as exc:
            raise EstibaError(f"cannot use the store at {self.root}: {exc.strerror}; choose another with --store") \
                from None

    # -- locking and records ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        fd = os.open(os.path.join(self.root, "lock"), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def images(self) -> list[ImageRecord]:
        try:
            with open(self.records_path, "rb") as f:
                doc = load_json(f.read(), self.records_path, 256 << 20)
        except FileNotFoundError:
            return []
        if not isinstance(doc, dict) or not isinstance(doc.get("images"), list):
            raise EstibaError(f"{self.records_path} is damaged; run `estiba check`")
        return [ImageRecord(**rec) for rec in doc["images"]]

    def _write_records(self, records: list[ImageRecord]) -> None:
        data = json.dumps({"version": RECORDS_VERSION, "images": [asdict(r) for r in records]}, indent=1)
        fd, tmp = tempfile.mkstemp(prefix="images-", suffix=".json", dir=self.root)
        with os.fdopen(fd, "w") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.records_path)

    # -- blobs --------------------------------------------------------------------------------------------

    def blob_path(self, digest: Digest) -> str:
        return os.path.join(self.blobs_dir, Digest(digest).hex)

    def has_blob(self, digest: Digest) -> bool:
        return os.path.exists(self.blob_path(digest))

    def read_blob(self, digest: Digest) -> bytes:
        try:
            with open(self.blob_path(digest), "rb") as f:
                return f.read()
        except FileNotFoundError:
            raise NotFound(f"blob {digest[:19]}… is missing from the store; run `estiba check`") from None

    def manifest_of(self, rec: ImageRecord) -> ImageManifest | Index:
        return parse(self.read_blob(Digest(rec.digest)), f"manifest of image {rec.hex[:12]}")

    def config_of(self, rec: ImageRecord, manifest: ImageManifest | None = None) -> ImageConfig:
        manifest = manifest or self.image_manifest(rec)
        return ImageConfig.parse(self.read_blob(manifest.config.digest))

    def image_manifest(self, rec: ImageRecord, platform=None) -> ImageManifest:
        """The image manifest of a record; for an index, the child for `platform` (default: the host's)."""
        top = self.manifest_of(rec)
        if isinstance(top, ImageManifest):
            return top
        from engine import platform as platforms

        want = platform or platforms.host()
        i = platforms.choose([d.platform for d in top.manifests], want)
        desc = top.manifests[i if i is not None else 0]
        child = parse(self.read_blob(desc.digest))
        if not isinstance(child, ImageManifest):
            raise InvalidInput("nested indexes are not supported")
        return child

    # -- lookup -------------------------------------------------------------------------------------------

    def lookup(self, text: str) -> ImageRecord:
        """An image by name (normalised like Docker) or by a unique ID prefix (with or without sha256:)."""
        records = self.images()
        bare = text[7:] if text.startswith("sha256:") else text
        if text.startswith("sha256:") and len(bare) != 64:
            raise InvalidInput(f"{text!r}: an ID with sha256: needs all 64 hex digits; drop sha256: for a short ID")
        if is_image_id_prefix(bare):
            hits = [r for r in records if r.hex.startswith(bare)]
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                raise InvalidInput(f"{text!r} matches {len(hits)} images; give more digits of the ID")
        try:
            name = parse_reference(text).tagged
        except InvalidInput:
            if is_image_id_prefix(bare):
                raise NotFound(f"image not known: {text}") from None
            raise
        for rec in records:
            if name in rec.names:
                return rec
        raise NotFound(f"image not known: {text} (see `estiba images`)")

    # -- changes ------------------------------------------------------------------------------------------

    def tag(self, text: str, names: list[str]) -> list[str]:
        refs = [parse_reference(n) for n in names]
        for n, ref in zip(names, refs, strict=True):
            if ref.digest:
                raise InvalidInput(f"{n!r}: a name to tag with cannot contain a digest")
        full = [ref.tagged for ref in refs]
        with self.locked():
            target = self.lookup(text)
            records = self.images()
            _assign_names(records, target.id, full)
            self._write_records(records)
        return full

    def untag(self, text: str, names: list[str] | None = None) -> list[str]:
        with self.locked():
            target = self.lookup(text)
            records = self.images()
            rec = next(r for r in records if r.id == target.id)
            drop = rec.names[:] if not names else [parse_reference(n).tagged for n in names]
            missing = [n for n in drop if n not in rec.names]
            if missing:
                raise NotFound(f"image {rec.hex[:12]} has no name {missing[0]}")
            rec.names = [n for n in rec.names if n not in drop]
            self._write_records(records)
        return drop

    def remove(self, texts: list[str], force: bool = False) -> list[tuple[ImageRecord, list[str]]]:
        """Remove images, as podman does: naming one of several names removes just that name; an ID
        removes the image, and needs `force` when the image has several names.
        Returns (record, names removed) pairs; an image is gone when all its names went with it.
        Like podman's rmi, the blobs of a removed image that no other image uses are deleted."""
        return self.remove_and_free(texts, force)[0]

    def remove_and_free(self, texts: list[str], force: bool = False
                        ) -> tuple[list[tuple[ImageRecord, list[str]]], int, int]:
        """remove(), plus (blobs deleted, bytes freed)."""
        removed: list[tuple[ImageRecord, list[str]]] = []
        with self.locked():
            records = self.images()
            for text in texts:
                rec = next(r for r in records if r.id == self.lookup(text).id)
                bare = text.removeprefix("sha256:")
                by_id = is_image_id_prefix(bare) and rec.hex.startswith(bare)
                if not by_id and len(rec.names) > 1:
                    name = parse_reference(text).tagged
                    rec.names.remove(name)
                    removed.append((rec, [name]))
                    continue
                if len(rec.names) > 1 and not force:
                    raise InvalidInput(f"image {rec.hex[:12]} has {len(rec.names)} names; remove them by name "
                                       "or use -f to remove the image")
                records.remove(rec)
                removed.append((rec, rec.names))
            self._write_records(records)
            kept = {r.id for r in records}
            count, freed = self._free_blobs([rec for rec, _ in removed if rec.id not in kept], records)
        return removed, count, freed

    def _free_blobs(self, gone: list[ImageRecord], records: list[ImageRecord]) -> tuple[int, int]:
        """Delete the blobs of `gone` that none of `records` references (under the lock). (count, bytes)."""
        try:
            keep = self.referenced_blobs(records)
        except EstibaError:
            return 0, 0  # a damaged image elsewhere: deleting nothing is safe; `check` and `prune` say more
        count = freed = 0
        for rec in gone:
            try:
                blobs = self._blobs_of(Digest(rec.digest))
            except EstibaError:
                continue  # its manifest is already missing: `prune` deals with what is left
            for digest in dict.fromkeys(blobs):
                if digest in keep:
                    continue
                path = self.blob_path(Digest(digest))
                with contextlib.suppress(FileNotFoundError):
                    size = os.path.getsize(path)
                    os.unlink(path)
                    count, freed = count + 1, freed + size
        return count, freed

    def referenced_blobs(self, records: list[ImageRecord]) -> dict[str, str]:
        """digest -> what references it, for every record (a missing manifest raises NotFound)."""
        refs: dict[str, str] = {}
        for rec in records:
            for digest in self._blobs_of(Digest(rec.digest)):
                refs.setdefault(digest, rec.hex[:12])
        return refs

    def _blobs_of(self, digest: Digest) -> list[str]:
        top = parse(self.read_blob(digest))
        out = [str(digest)]
        if isinstance(top, Index):
            for d in top.manifests:
                out += self._blobs_of(d.digest)
        else:
            out += [str(top.config.digest), *(str(layer.digest) for layer in top.layers)]
        return out

    def prune(self) -> tuple[int, int]:
        """Delete blobs no image references and stale staging areas. Returns (blobs, bytes) removed."""
        count = freed = 0
        with self.locked():
            keep = self.referenced_blobs(self.images())
            for name in os.listdir(self.blobs_dir):
                if "sha256:" + name not in keep:
                    path = os.path.join(self.blobs_dir, name)
                    freed += os.path.getsize(path)
                    os.unlink(path)
                    count += 1
            for name in os.listdir(self.tmp_dir):
                pid = name.split("-", 1)[0]
                if not (pid.isdigit() and _alive(int(pid))):
                    shutil.rmtree(os.path.join(self.tmp_dir, name), ignore_errors=True)
        return count, freed

    def check(self) -> list[str]:
        """Verify every blob against its digest and every record's references. Returns the problems."""
        problems: list[str] = []
        for name in sorted(os.listdir(self.blobs_dir)):
            path = os.path.join(self.blobs_dir, name)
            try:
                digest = Digest.from_hex(name)
            except InvalidInput:
                problems.append(f"stray file in blobs: {name}")
                continue
            hasher = digest.new_hasher()
            with open(path, "rb") as f:
                while chunk := f.read(4 << 20):
                    hasher.update(chunk)
            if hasher.hexdigest() != digest.hex:
                problems.append(f"blob {name[:12]} is corrupt: its content does not match its digest")
        for rec in self.images():
            try:
                for digest in self._blobs_of(Digest(rec.digest)):
                    if not self.has_blob(Digest(digest)):
                        problems.append(f"image {rec.hex[:12]}: blob {digest[7:19]} is missing")
            except EstibaError as exc:
                problems.append(f"image {rec.hex[:12]}: {exc}")
        return problems

    # -- transfers ----------------------------------------------------------------------------------------

    def blob_info(self) -> BlobInfoCache:
        """What earlier copies learnt about compressed and uncompressed forms of layers (see blobinfo.py)."""
        return BlobInfoCache(os.path.join(self.root, BLOB_INFO_FILE))

    def source(self, rec: ImageRecord, names: list[str] | None = None) -> StoreSource:
        return StoreSource(self, rec, rec.names if names is None else names)

    def destination(self) -> StoreDestination:
        return StoreDestination(self)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _assign_names(records: list[ImageRecord], image_id: str, names: list[str]) -> None:
    """Give `names` to image_id; a name already on another image moves (as podman does)."""
    for rec in records:
        if rec.id == image_id:
            rec.names += [n for n in names if n not in rec.names]
        else:
            rec.names = [n for n in rec.names if n not in names]


class StoreSource(Source):
    trusted = True  # blobs were verified on the way in; `estiba check` re-verifies

    def __init__(self, store: Store, rec: ImageRecord, names: list[str]) -> None:
        self.store = store
        self.rec = rec
        self.names = names
        self.description = f"image {rec.names[0] if rec.names else rec.hex[:12]}"

    def images(self) -> list[SourceImage]:
        raw = self.store.read_blob(Digest(self.rec.digest))
        return [SourceImage(raw, Digest(self.rec.digest), list(self.names), self.description)]

    def get_manifest(self, digest: Digest, size: int) -> bytes:
        return self.store.read_blob(digest)

    def open_blob(self, desc: Descriptor):
        try:
            return open(self.store.blob_path(desc.digest), "rb")
        except FileNotFoundError:
            raise NotFound(f"blob {desc.digest[:19]}… is missing from the store; run `estiba check`") from None

    def blob_file(self, desc: Descriptor) -> tuple[str, int, int] | None:
        path = self.store.blob_path(desc.digest)
        try:
            return path, 0, os.path.getsize(path)
        except FileNotFoundError:
            return None


class StoreDestination(Destination):
    families = (media.OCI, media.DOCKER)
    accepts_index = True
    multi_image = True
    compression = CompressionPolicy()  # keep blobs as they come: exports to the same format cost nothing
    # Compressed layers are verified against their digest on the way in; their diffIDs are checked when they
    # are first decompressed (a docker-archive save, a conversion), which fails cleanly with nothing written.
    # Decompressing every layer at load would cost ~3 s of CPU per GB and forbid hard links.
    # Uncompressed layers are checked on the way in: their digest is their diffID.
    verify_diff_ids = False

    def __init__(self, store: Store) -> None:
        self.store = store
        self.description = "the local store"
        self.staging = Staging(store.tmp_dir, prefix=f"{os.getpid()}-")
        self.pending: list[tuple[bytes, list[str], ImageConfig | None]] = []
        self.committed: list[ImageRecord] = []

    def has_blob(self, digest: Digest) -> bool:
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
        self.pending.append((top, [parse_reference(n).tagged for n in names], config))

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
        with self.store.locked():
            for name in os.listdir(self.staging.dir):
                if name.endswith(".part"):
                    continue
                target = os.path.join(self.store.blobs_dir, name)
                if not os.path.exists(target):
                    os.chmod(os.path.join(self.staging.dir, name), 0o444)
                    os.replace(os.path.join(self.staging.dir, name), target)
            records = self.store.images()
            for rec in new:
                # A blob seen as present before the lock may have been pruned meanwhile: check, under the lock.
                for digest in self.store._blobs_of(Digest(rec.digest)):
                    if not self.store.has_blob(Digest(digest)):
                        raise EstibaError(f"blob {digest[7:19]} vanished during the operation (a concurrent "
                                          "prune?); run the command again")
                old = next((r for r in records if r.id == rec.id), None)
                if old is not None:
                    records.remove(old)
                    rec.names = old.names + [n for n in rec.names if n not in old.names]
                    rec.added = old.added
                records.append(rec)
                _assign_names(records, rec.id, rec.names)
            self.store._write_records(records)
        self.committed = new
        self.staging.cleanup()

    def abort(self) -> None:
        self.staging.cleanup()


def format_created(created: str | None) -> dt.datetime | None:
    if not created:
        return None
    text = created.rstrip("Z")
    if "." in text:
        head, frac = text.split(".", 1)
        frac = "".join(ch for ch in frac if ch.isdigit())[:6]
        text = f"{head}.{frac}" if frac else head
    text = text.split("+")[0]
    try:
        return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)
    except ValueError:
        return None
