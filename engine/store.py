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
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import asdict

from engine.blobinfo import FILE_NAME as BLOB_INFO_FILE
from engine.blobinfo import BlobInfoCache
from engine.digest import Digest
from engine.errors import EstibaError, Hint, InvalidInput, NotFound
from engine.manifest import ImageConfig, ImageManifest, Index, load_json, parse
from engine.reference import is_image_id_prefix, parse_reference
from engine.store_records import RECORDS_VERSION, ImageRecord, assign_names
from engine.store_transfer import StoreDestination, StoreSource

__all__ = ["ImageRecord", "Store", "StoreDestination", "StoreSource", "default_root"]


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
            raise EstibaError(f"cannot use the store at {self.root}: {exc.strerror}", Hint.CHOOSE_STORE) from None

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
            raise EstibaError(f"{self.records_path} is damaged", Hint.CHECK_STORE)
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
            raise NotFound(f"blob {digest[:19]}… is missing from the store", Hint.CHECK_STORE) from None

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
        raise NotFound(f"image not known: {text}", Hint.LIST_IMAGES)

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
            assign_names(records, target.id, full)
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
        Returns (record, names removed) pairs; an image is gone when all its names went with it."""
        removed: list[tuple[ImageRecord, list[str]]] = []
        with self.locked():
            records = self.images()
            for text in texts:
                found = self.lookup(text)  # NotFound when it is not known (never a StopIteration)
                rec = next(r for r in records if r.id == found.id)
                bare = text.removeprefix("sha256:")
                by_id = is_image_id_prefix(bare) and rec.hex.startswith(bare)
                if not by_id and len(rec.names) > 1:
                    name = parse_reference(text).tagged
                    rec.names.remove(name)
                    removed.append((rec, [name]))
                    continue
                if len(rec.names) > 1 and not force:
                    raise InvalidInput(f"image {rec.hex[:12]} has {len(rec.names)} names; remove them by name",
                                       Hint.FORCE_REMOVE)
                records.remove(rec)
                removed.append((rec, rec.names))
            self._write_records(records)
        return removed

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

    def destination(self, names: list[str] | None = None) -> StoreDestination:
        """Where copies into the store go; `names` (tagged) replace the names the source gives."""
        return StoreDestination(self, names)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
