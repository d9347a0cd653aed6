"""Estiba's local image store: content-addressed blobs plus image records, changed only under a lock.

Layout:
    ROOT/blobs/sha256/<hex>   every manifest, index, config and layer, as received (read-only files)
    ROOT/images.json          the image records (replaced atomically)
    ROOT/lock                 flock'd by every writer
    ROOT/verified.json        the file stamp of each blob when it was last verified (store_verify.py)
    ROOT/tmp/<pid>-*          staging areas and spools of running operations; those of dead processes are
                              swept when the store is next opened (leftovers.py)

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

from engine import leftovers
from engine.blobinfo import FILE_NAME as BLOB_INFO_FILE
from engine.blobinfo import BlobInfoCache
from engine.digest import Digest
from engine.errors import EstibaError, Hint, InvalidInput, NotFound
from engine.manifest import ImageConfig, ImageManifest, Index, load_json, parse
from engine.reference import is_image_id_prefix, parse_reference
from engine.store_records import (
    RECORDS_VERSION,
    ImageRecord,
    StoreDamaged,
    assign_names,
    repaired_records,
    strict_records,
)
from engine.store_root import default_root
from engine.store_transfer import StoreDestination, StoreSource
from engine.store_verify import VerifiedStamps, hash_file, stamp_of

__all__ = ["ImageRecord", "Store", "StoreDestination", "StoreSource", "default_root"]


class Store:
    def __init__(self, root: str | None = None) -> None:
        self.root = os.path.abspath(root or default_root())
        self.blobs_dir = os.path.join(self.root, "blobs", "sha256")
        self.tmp_dir = os.path.join(self.root, "tmp")
        self.records_path = os.path.join(self.root, "images.json")
        self._verified: VerifiedStamps | None = None
        leftovers.sweep_store_tmp(self.tmp_dir)  # staging and spools of processes that were killed
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

    def _records_doc(self):
        """The parsed images.json ({"images": []} when there is none yet); StoreDamaged when it is not JSON."""
        try:
            with open(self.records_path, "rb") as f:
                return load_json(f.read(), self.records_path, 256 << 20)
        except FileNotFoundError:
            return {"images": []}
        except InvalidInput:
            raise StoreDamaged(f"the store's image list {self.records_path} is damaged (not JSON)") from None

    def images(self) -> list[ImageRecord]:
        return [ImageRecord(**fields) for fields in strict_records(self._records_doc(), self.records_path)]

    def repair_records(self) -> list[str]:
        """For `check`: drop damaged records (naming each), keeping the damaged file as images.json.damaged."""
        with self.locked():
            try:
                doc = self._records_doc()
            except StoreDamaged:
                doc, said = {"images": []}, [f"{self.records_path} is not JSON: started an empty image list"]
            else:
                said = []
            fields, repairs = repaired_records(doc, self.records_path)
            said += repairs
            if said:
                shutil.copyfile(self.records_path, self.records_path + ".damaged")
                self._write_records([ImageRecord(**f) for f in fields])
                said.append(f"the damaged image list is kept as {self.records_path}.damaged")
        return said

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
            # by file name: a blob is kept whatever its digest's algorithm (blobs/sha256/ holds them all)
            keep = {Digest(d).hex for d in self.referenced_blobs(self.images())}
            for name in os.listdir(self.blobs_dir):
                if name not in keep:
                    path = os.path.join(self.blobs_dir, name)
                    freed += os.path.getsize(path)
                    os.unlink(path)
                    count += 1
            leftovers.sweep_store_tmp(self.tmp_dir)  # only what dead processes left (a live one's spool stays)
        return count, freed

    def check(self) -> list[str]:
        """Verify every blob against its digest and every record's references. Returns the problems."""
        problems: list[str] = [f"repaired: {line}" for line in self.repair_records()]
        found: dict[str, tuple | None] = {}  # verified stamps (store_verify.py) of what was hashed here
        for name in sorted(os.listdir(self.blobs_dir)):
            path = os.path.join(self.blobs_dir, name)
            try:
                digest = Digest.from_hex(name)
            except InvalidInput:
                problems.append(f"stray file in blobs: {name}")
                continue
            before = os.stat(path)
            if hash_file(path, digest):
                if stamp_of(os.stat(path)) == stamp_of(before):
                    found[name] = stamp_of(before)
            else:
                found[name] = None
                problems.append(f"blob {name[:12]} is corrupt: its content does not match its digest")
        with self.locked():
            self.verified.record(found)
        for rec in self.images():
            try:
                for digest in self._blobs_of(Digest(rec.digest)):
                    if not self.has_blob(Digest(digest)):
                        problems.append(f"image {rec.hex[:12]}: blob {digest[7:19]} is missing")
            except EstibaError as exc:
                problems.append(f"image {rec.hex[:12]}: {exc}")
        return problems

    @property
    def verified(self) -> VerifiedStamps:
        """Which blob files were found good, and as what file (store_verify.py)."""
        if self._verified is None:
            self._verified = VerifiedStamps(self.root)
        return self._verified

    # -- transfers ----------------------------------------------------------------------------------------

    def blob_info(self) -> BlobInfoCache:
        """What earlier copies learnt about compressed and uncompressed forms of layers (see blobinfo.py)."""
        return BlobInfoCache(os.path.join(self.root, BLOB_INFO_FILE))

    def source(self, rec: ImageRecord, names: list[str] | None = None, cancel=None) -> StoreSource:
        """`cancel` (a CancelToken) stops the re-hashing of a blob that changed since it was verified."""
        return StoreSource(self, rec, rec.names if names is None else names, cancel)

    def destination(self, names: list[str] | None = None) -> StoreDestination:
        """Where copies into the store go; `names` (tagged) replace the names the source gives."""
        return StoreDestination(self, names)
