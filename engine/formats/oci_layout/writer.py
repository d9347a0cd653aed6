"""Writing an OCI layout directory, `oci:DIR[:REF]`, and what the archive writer shares with it: blobs are
staged next to the target; commit() moves them in and replaces index.json last, so a failure leaves the old
state untouched. A directory destination is added to with containers/image's semantics (docs/formats.md §1.2,
pitfall 18).
"""

from __future__ import annotations

import os
import tempfile
import threading

from engine import compression, leftovers, media
from engine.contract import BlobWriter, CompressionPolicy, Destination
from engine.digest import Digest, sha256_digest
from engine.errors import EstibaError, InvalidInput, Unsupported
from engine.formats.oci_layout.common import (
    CONTAINERD_NAME,
    INDEX_FILE,
    LAYOUT_BYTES,
    LAYOUT_FILE,
    MAX_LAYOUT_BYTES,
    REF_NAME,
    blob_rel,
    full_name,
    is_oci_layout_dir,
    merge_index,
)
from engine.formats.staging import RecordingWriter, Staging
from engine.manifest import MAX_JSON_BYTES, ImageConfig, dump_json, load_json, parse
from engine.output import committing
from engine.progress import OnBytes
from engine.reference import is_tag_only, parse_reference, valid_oci_ref_name

FILE_MODE = 0o644

# -- destinations -------------------------------------------------------------------------------------------


def _policy(compress: str | None) -> CompressionPolicy:
    if compress is None:
        return CompressionPolicy(compression.GZIP, force=False)  # c/image: compress uncompressed layers only
    kinds = {"gzip": compression.GZIP, "zstd": compression.ZSTD, "none": compression.NONE}
    if compress not in kinds:
        raise InvalidInput(f"compression {compress!r} is not supported for OCI layouts; use gzip, zstd or none")
    return CompressionPolicy(kinds[compress], force=True)


def _makedirs(path: str) -> list[str]:
    """os.makedirs that returns the directories it created, outermost first (to remove them on abort)."""
    missing = []
    p = path
    while not os.path.isdir(p):
        missing.append(p)
        parent = os.path.dirname(p)
        if parent == p:
            break
        p = parent
    created: list[str] = []
    try:
        for d in reversed(missing):
            try:
                os.mkdir(d)
            except FileExistsError:
                if not os.path.isdir(d):
                    raise InvalidInput(f"{d} exists and is not a directory") from None
                continue
            created.append(d)
    except BaseException:
        _remove_dirs(created)
        raise
    return created


def _remove_dirs(created: list[str]) -> None:
    for d in reversed(created):
        try:
            os.rmdir(d)
        except OSError:
            pass


class LayoutDestination(Destination):
    """What both destinations share: staging, names -> index.json descriptors."""

    families = (media.OCI,)
    accepts_index = True
    multi_image = True

    def __init__(self, target: str, ref: str | None, compress: str | None, tag_only_ref: bool,
                 description: str, work_dir: str | None = None) -> None:
        self.description = description
        self.compression = _policy(compress)
        if ref is not None and not valid_oci_ref_name(ref):
            raise InvalidInput(f"{ref[:200]!r} is not a valid OCI reference name (letters, digits and -._:@+/, "
                               "e.g. myimage:1.0)")
        self.target = target
        self._ref = ref
        self._tag_only = tag_only_ref
        self._lock = threading.Lock()
        self._blobs: dict[str, Digest] = {}  # hex -> digest, staged
        self._entries: list[dict] = []
        self._ref_used = False
        self._finished = False
        self._created_dirs: list[str] = []
        try:
            if work_dir is None:  # a stream's staging goes to work_dir; nothing is created beside it
                self._created_dirs = _makedirs(os.path.dirname(target))
            self._staging = Staging(work_dir or os.path.dirname(target))
        except OSError as exc:
            _remove_dirs(self._created_dirs)
            raise EstibaError(f"cannot write next to {target} ({exc.strerror})") from None

    # -- blobs
    def _record(self, digest: Digest) -> None:
        with self._lock:
            self._blobs[digest.hex] = digest

    def _staged(self, digest: Digest) -> bool:
        with self._lock:
            return digest.hex in self._blobs

    def has_blob(self, digest: Digest) -> bool:
        return self._staged(digest)

    def blob_size(self, digest: Digest) -> int:
        if self._staged(digest):
            return os.path.getsize(self._staging.path(digest))
        return -1

    def blob_writer(self) -> BlobWriter:
        return RecordingWriter(self._staging.writer(), self._record)

    def put_blob_file(self, path: str, offset: int, size: int, digest: Digest, on_bytes: OnBytes = None) -> bool:
        self._staging.put_file(path, offset, size, digest)
        self._record(digest)
        return True

    def put_manifest(self, raw: bytes) -> None:
        digest = sha256_digest(raw)
        if not self._staged(digest):
            self._staging.put_bytes(raw, digest)
            self._record(digest)

    # -- images
    def add_image(self, top: bytes, names: list[str], config: ImageConfig | None) -> None:
        self.put_manifest(top)
        base = {"mediaType": parse(top, "manifest").media_type, "digest": str(sha256_digest(top)), "size": len(top)}
        for ann in self._annotations(names):
            self._entries.append({**base, "annotations": ann} if ann else dict(base))

    def _annotations(self, names: list[str]) -> list[dict | None]:
        if self._ref is not None:
            if self._ref_used:
                raise Unsupported(f"{self.description} names one image but the source holds several; "
                                  "copy them one at a time or leave out the reference")
            self._ref_used = True
            full = None if is_tag_only(self._ref) else full_name(self._ref)
            return [{REF_NAME: self._ref, CONTAINERD_NAME: full} if full else {REF_NAME: self._ref}]
        out: list[dict | None] = []
        for name in dict.fromkeys(names):
            ref = parse_reference(name)  # InvalidReference is an InvalidInput: one line
            if ref.tag is None:
                continue  # digest-only: not a name to write (docs/formats.md pitfall 8)
            full = ref.tagged
            ref_name = ref.tag if self._tag_only else full
            if not valid_oci_ref_name(ref_name):
                raise InvalidInput(f"{full!r} cannot be written as an OCI ref.name; choose another tag")
            out.append({REF_NAME: ref_name, CONTAINERD_NAME: full})
        return out or [None]

    def _index_bytes(self, existing: dict | None) -> bytes:
        doc = dict(existing) if existing else {"schemaVersion": 2, "manifests": []}
        doc["manifests"] = merge_index(doc.get("manifests") or [], self._entries)
        return dump_json(doc)

    def _blob_list(self) -> list[tuple[str, str, Digest]]:
        """(staged path, layout-relative path, digest), sorted like a directory walk."""
        with self._lock:
            items = [(self._staging.path(d), blob_rel(d), d) for d in self._blobs.values()]
        return sorted(items, key=lambda x: x[1])

    def abort(self) -> None:
        if self._finished:
            return
        self._finished = True
        self._staging.cleanup()
        _remove_dirs(self._created_dirs)


def _write_file(path: str, data: bytes) -> None:
    """Atomically (temp + fsync + rename) replace `path` with `data`, mode 0644. The temporary is
    `.index.json-<pid>-*.tmp`, locked while it lives, so the next write sweeps one a killed process left
    (engine/leftovers.py); a `.index.json-*.tmp` without our pid tag is someone else's and stays."""
    prefix = "." + os.path.basename(path) + "-"
    leftovers.sweep_beside(path, prefix, ".tmp")
    fd, tmp = tempfile.mkstemp(prefix=prefix + leftovers.owner_tag(), suffix=".tmp", dir=os.path.dirname(path))
    leftovers.hold(fd)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


class LayoutDirDestination(LayoutDestination):
    """`oci:DIR[:REF]`: adds to an existing layout, creates a new one otherwise."""

    def __init__(self, path: str, ref: str | None = None, *, compress: str | None = None,
                 tag_only_ref: bool = False) -> None:
        target = os.path.realpath(path)
        self._existing_index(target, path)  # refuse early, before staging anything
        super().__init__(target, ref, compress, tag_only_ref, f"oci:{path}" + (f":{ref}" if ref else ""))
        self._shown = path

    @staticmethod
    def _existing_index(target: str, shown: str) -> dict | None:
        """The parsed index.json of an existing layout at `target`, None when there is none yet."""
        if not os.path.lexists(target):
            return None
        if not os.path.isdir(target):
            raise InvalidInput(f"{shown} exists and is not a directory; refusing to overwrite it")
        if not is_oci_layout_dir(target):
            if os.listdir(target):
                raise InvalidInput(f"{shown} exists and is not an OCI layout; refusing to overwrite it")
            return None
        for name in (LAYOUT_FILE, INDEX_FILE):
            if os.path.islink(os.path.join(target, name)):
                raise InvalidInput(f"{shown}/{name} is a symlink; refusing to modify the layout")
        with open(os.path.join(target, LAYOUT_FILE), "rb") as f:
            layout = load_json(f.read(MAX_LAYOUT_BYTES + 1), f"{shown}/oci-layout", MAX_LAYOUT_BYTES)
        version = layout.get("imageLayoutVersion") if isinstance(layout, dict) else None
        if not isinstance(version, str) or not version.startswith("1."):
            raise Unsupported(f"{shown} is an OCI layout of version {str(version)[:40]!r}; refusing to modify it")
        with open(os.path.join(target, INDEX_FILE), "rb") as f:
            doc = load_json(f.read(MAX_JSON_BYTES + 1), f"{shown}/index.json", MAX_JSON_BYTES)
        manifests = doc.get("manifests") if isinstance(doc, dict) else None
        if not isinstance(doc, dict) or not isinstance(manifests, list | None) or not all(
                isinstance(m, dict) and isinstance(m.get("digest"), str) for m in manifests or []):
            raise InvalidInput(f"{shown}/index.json is not an image index; refusing to modify the layout")
        return doc

    def _existing_blob(self, digest: Digest) -> str | None:
        path = os.path.join(self.target, blob_rel(digest))
        if os.path.isfile(path) and os.path.realpath(path).startswith(self.target + os.sep):
            return path
        return None

    def has_blob(self, digest: Digest) -> bool:
        return self._staged(digest) or self._existing_blob(digest) is not None

    def blob_size(self, digest: Digest) -> int:
        if self._staged(digest):
            return super().blob_size(digest)
        path = self._existing_blob(digest)
        return os.path.getsize(path) if path else -1

    def commit(self) -> None:
        if self._finished:
            raise InvalidInput(f"{self.description} was already committed or aborted")
        created_files: list[str] = []
        created_dirs: list[str] = []

        def undo() -> None:
            for path in reversed(created_files):
                try:
                    os.unlink(path)
                except OSError:
                    pass
            _remove_dirs(created_dirs)
            self.abort()

        with committing(self.description, undo):
            existing = self._existing_index(self.target, self._shown)  # again: it may have changed meanwhile
            index = self._index_bytes(existing)
            created_dirs += _makedirs(self.target)
            layout = os.path.join(self.target, LAYOUT_FILE)
            if existing is None:
                _write_file(layout, LAYOUT_BYTES)
                created_files.append(layout)
            for staged, rel, _digest in self._blob_list():
                dest = os.path.join(self.target, rel)
                if os.path.lexists(dest):
                    continue  # content-addressed: what is there is the same blob
                created_dirs += _makedirs(os.path.dirname(dest))
                if os.stat(staged).st_nlink == 1:  # ours (mkstemp made it 0600); never chmod a linked source
                    os.chmod(staged, FILE_MODE)
                os.replace(staged, dest)
                created_files.append(dest)
            _write_file(os.path.join(self.target, INDEX_FILE), index)  # last: this makes the image visible
        self._finished = True
        self._staging.cleanup()


def open_layout_destination(path: str, ref: str | None = None, *, compress: str | None = None,
                            tag_only_ref: bool = False) -> Destination:
    """`oci:DIR[:REF]` for writing. Without `ref`, one index.json entry per name (ref.name = the full name,
    or the tag with tag_only_ref; io.containerd.image.name = the full name); unnamed: no annotations."""
    return LayoutDirDestination(path, ref, compress=compress, tag_only_ref=tag_only_ref)
