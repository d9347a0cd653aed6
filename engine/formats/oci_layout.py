"""OCI image layout: the `oci:DIR[:REF]` directory (podman `--format oci-dir`) and `oci-archive:PATH[:REF]`,
a tar of that directory (formats.md §1.2).

Reading: only `oci-layout`, `index.json` and `blobs/<alg>/<hex>` matter; anything else (Docker's
manifest.json, repositories) is ignored. Archives are read in place through TarIndex (c/image
extracts them; we don't), after spooling an outer gzip/xz/zstd/bzip2 compression to a temp file.
Every digest is validated before it becomes a path, and layout files must not lead outside the layout.

Writing: blobs are staged next to the target; commit() moves them in (directory) or writes a tar
(archive) and replaces index.json / the archive last, so a failure leaves the old state untouched.
A directory destination is added to with containers/image's semantics (§1.2, pitfall 18).
"""

from __future__ import annotations

import os
import stat
import tarfile
import tempfile
import threading
from dataclasses import dataclass, field
from typing import BinaryIO

from engine import compression, media
from engine.contract import BlobWriter, CompressionPolicy, Destination, Source, SourceImage
from engine.digest import Digest, sha256_digest
from engine.errors import DigestMismatch, EstibaError, InvalidInput, NotFound, Unsupported
from engine.formats.staging import RecordingWriter, Staging
from engine.formats.tarwriter import append_file, end_archive, write_all
from engine.manifest import MAX_JSON_BYTES, MAX_MANIFEST_BYTES, Descriptor, ImageConfig, dump_json, load_json, parse
from engine.output import open_output
from engine.progress import OnBytes
from engine.reference import InvalidReference, is_tag_only, parse_reference, valid_oci_ref_name
from engine.tarindex import TarIndex

REF_NAME = "org.opencontainers.image.ref.name"
CONTAINERD_NAME = "io.containerd.image.name"
LAYOUT_FILE = "oci-layout"
INDEX_FILE = "index.json"
LAYOUT_BYTES = b'{"imageLayoutVersion": "1.0.0"}'  # c/image's exact bytes (with the space) [obs]
MAX_LAYOUT_BYTES = 64 << 10
CHUNK = 1 << 20
FILE_MODE = 0o644
_NAME_KEYS = (REF_NAME, CONTAINERD_NAME)


def _limit_text(limit: int) -> str:
    return f"{limit >> 20} MiB" if limit >= 1 << 20 else f"{limit >> 10} KiB"


def blob_rel(digest: str) -> str:
    """`blobs/<alg>/<hex>`; safe because Digest validates (again, whatever type the caller passed)."""
    d = Digest(digest)
    return f"blobs/{d.algorithm}/{d.hex}"


# -- detection ----------------------------------------------------------------------------------------------


def is_oci_layout_dir(path: str) -> bool:
    return os.path.isdir(path) and all(os.path.isfile(os.path.join(path, n)) for n in (LAYOUT_FILE, INDEX_FILE))


def is_oci_archive(index: TarIndex) -> bool:
    return index.has(LAYOUT_FILE) and index.has(INDEX_FILE)


# -- names ----------------------------------------------------------------------------------------------------


def _full_name(text: str) -> str | None:
    """Docker-normalised `domain/path:tag`, or None when `text` is not a name with a tag (digest-only refs
    are not names we keep: formats.md pitfall 8)."""
    try:
        ref = parse_reference(text)
    except InvalidReference:
        return None
    return ref.tagged if ref.tag else None


def names_of(annotations: dict | None) -> tuple[list[str], str]:
    """(fully qualified names, a note for messages) of one index.json descriptor (formats.md §1.5, pitfall 3):
    `io.containerd.image.name` first; else ref.name when it is a full name. A tag-only ref.name
    (`latest`, `v1`) is a tag, so the image is unnamed (podman would make it `localhost/v1:latest`)."""
    ann = annotations or {}
    containerd, ref_name = ann.get(CONTAINERD_NAME), ann.get(REF_NAME)
    if containerd:
        name = _full_name(containerd)
        if name:
            return [name], ""
        return [], f"{CONTAINERD_NAME} {containerd[:100]!r} is not a valid image name: left unnamed"
    if not ref_name:
        return [], ""
    if is_tag_only(ref_name):
        return [], f"ref.name {ref_name[:100]!r} is only a tag: left unnamed"
    name = _full_name(ref_name)
    if name:
        return [name], ""
    return [], f"ref.name {ref_name[:100]!r} is not a valid image name: left unnamed"


def _identities(annotations) -> set[str]:
    """What a descriptor names, for "a new name moves from the older descriptor" (c/image addManifest).
    A tag-only ref.name beside a containerd name (Docker style) is not an identity: many images share `latest`."""
    if not isinstance(annotations, dict):
        return set()
    out: set[str] = set()
    containerd, ref_name = annotations.get(CONTAINERD_NAME), annotations.get(REF_NAME)
    if isinstance(containerd, str) and containerd:
        out.add("name:" + (_full_name(containerd) or containerd))
    if isinstance(ref_name, str) and ref_name and not (is_tag_only(ref_name) and containerd):
        out.add("ref:" + ref_name)
        full = None if is_tag_only(ref_name) else _full_name(ref_name)
        if full:
            out.add("name:" + full)
    return out


def _has_name(desc: dict) -> bool:
    ann = desc.get("annotations")
    return isinstance(ann, dict) and any(ann.get(k) for k in _NAME_KEYS)


def merge_index(manifests: list[dict], new: list[dict]) -> list[dict]:
    """containers/image `oci:` append semantics (formats.md §1.2): a new descriptor's names are removed from
    older descriptors (which stay); a new descriptor replaces an unnamed one with the same digest in place.
    An unnamed descriptor whose digest is already listed is not added twice."""
    out = [dict(m) for m in manifests]
    for desc in new:
        ids = _identities(desc.get("annotations"))
        if ids:
            for m in out:
                if _identities(m.get("annotations")) & ids:
                    ann = {k: v for k, v in m["annotations"].items() if k not in _NAME_KEYS}
                    if ann:
                        m["annotations"] = ann
                    else:
                        del m["annotations"]
        same = [i for i, m in enumerate(out) if m.get("digest") == desc["digest"]]
        unnamed = [i for i in same if not _has_name(out[i])]
        if unnamed:
            out[unnamed[0]] = desc
        elif not (same and not ids):
            out.append(desc)
    return out


# -- sources ------------------------------------------------------------------------------------------------


@dataclass
class _Entry:
    index: int  # position in index.json
    desc: Descriptor
    names: list[str] = field(default_factory=list)
    note: str = ""


class _LayoutSource(Source):
    """Selection and naming over a layout; subclasses say how to reach a file of it."""

    def __init__(self, description: str, ref: str | None) -> None:
        self.description = description
        self._ref = ref
        self._selected: list[list[_Entry]] = []

    # backend: `rel` is a validated layout-relative path
    def _read(self, rel: str, limit: int, what: str) -> bytes:
        raise NotImplementedError

    def _open(self, rel: str, what: str) -> BinaryIO:
        raise NotImplementedError

    def _where(self, rel: str, what: str) -> tuple[str, int, int]:
        raise NotImplementedError

    def _load(self) -> None:
        layout = load_json(self._read(LAYOUT_FILE, MAX_LAYOUT_BYTES, LAYOUT_FILE), f"{self.description} oci-layout",
                           MAX_LAYOUT_BYTES)
        version = layout.get("imageLayoutVersion") if isinstance(layout, dict) else None
        if not isinstance(version, str) or not version.startswith("1."):
            raise Unsupported(f"{self.description}: oci-layout imageLayoutVersion {str(version)[:40]!r} is not "
                              "supported (expected 1.x)")
        entries = self._entries(self._read(INDEX_FILE, MAX_JSON_BYTES, INDEX_FILE))
        self._selected = self._select(entries)

    def _entries(self, raw: bytes) -> list[_Entry]:
        what = f"index.json of {self.description}"
        doc = load_json(raw, what, MAX_JSON_BYTES)
        if not isinstance(doc, dict):
            raise InvalidInput(f"{what} is not a JSON object")
        manifests = doc.get("manifests")
        if manifests is None:  # Docker 25.0 wrote null (moby#47210)
            manifests = []
        if not isinstance(manifests, list):
            raise InvalidInput(f"{what}: 'manifests' is not a list")
        out = []
        for i, item in enumerate(manifests):
            desc = Descriptor.from_json(item, f"{what} entry {i}")
            names, note = names_of(desc.annotations)
            out.append(_Entry(i, desc, names, note))
        return out

    def _select(self, entries: list[_Entry]) -> list[list[_Entry]]:
        ref = self._ref
        if ref is not None and ref.startswith("@"):
            if not (ref[1:].isascii() and ref[1:].isdigit()):
                raise InvalidInput(f"{self.description}: {ref!r} is not an image index; use @0, @1, …")
            n = int(ref[1:])
            if n >= len(entries):
                raise NotFound(f"{self.description} has {len(entries)} image entries; there is no @{n}")
            return [[entries[n]]]
        if ref is not None:
            chosen = [e for e in entries if (e.desc.annotations or {}).get(REF_NAME) == ref]
            if not chosen:
                want = _full_name(ref)
                chosen = [e for e in entries if want and _full_name(
                    (e.desc.annotations or {}).get(CONTAINERD_NAME) or "") == want]
            if not chosen:
                known = sorted({(e.desc.annotations or {}).get(REF_NAME) or "" for e in entries} - {""})
                listed = ", ".join(known[:10]) or "none"
                raise NotFound(f"{self.description} has no image named {ref!r} (ref names: {listed}); "
                               "use one of them or @N")
            groups = _group(chosen)
            if len(groups) > 1:
                raise InvalidInput(f"{self.description}: {ref!r} names {len(groups)} different images; "
                                   "select one with @N")
            return groups
        return _group(entries)

    def images(self) -> list[SourceImage]:
        out = []
        for group in self._selected:
            desc = group[0].desc
            names = list(dict.fromkeys(n for e in group for n in e.names))
            notes = "; ".join(dict.fromkeys(e.note for e in group if e.note))
            label = f"{self.description} entry @{group[0].index}" + (f" ({notes})" if notes else "")
            out.append(SourceImage(self._read_manifest(desc.digest, desc.size), desc.digest, names, label))
        return out

    def _read_manifest(self, digest: Digest, size: int) -> bytes:
        if size > MAX_MANIFEST_BYTES:
            raise InvalidInput(f"manifest {digest[:19]}… in {self.description} is {size} bytes, over the "
                               f"{MAX_MANIFEST_BYTES >> 20} MiB limit")
        raw = self._read(blob_rel(digest), MAX_MANIFEST_BYTES, f"manifest {digest}")
        if len(raw) != size:
            raise DigestMismatch(f"manifest {digest[:19]}… in {self.description} is {len(raw)} bytes, but "
                                 f"index.json says {size}: the layout is corrupt")
        return raw

    def get_manifest(self, digest: Digest, size: int) -> bytes:
        return self._read(blob_rel(Digest(digest)), MAX_MANIFEST_BYTES, f"manifest {digest}")

    def open_blob(self, desc: Descriptor) -> BinaryIO:
        return self._open(blob_rel(desc.digest), f"blob {desc.digest}")

    def blob_file(self, desc: Descriptor) -> tuple[str, int, int] | None:
        return self._where(blob_rel(desc.digest), f"blob {desc.digest}")


def _group(entries: list[_Entry]) -> list[list[_Entry]]:
    """Entries with the same manifest digest are one image (several names)."""
    groups: dict[str, list[_Entry]] = {}
    for e in entries:
        groups.setdefault(e.desc.digest, []).append(e)
    return list(groups.values())


class LayoutDirSource(_LayoutSource):
    """`oci:DIR[:REF]`."""

    def __init__(self, path: str, ref: str | None = None) -> None:
        super().__init__(f"oci:{path}" + (f":{ref}" if ref else ""), ref)
        if not os.path.lexists(path):
            raise NotFound(f"{path} does not exist")
        if not os.path.isdir(path):
            raise InvalidInput(f"{path} is not a directory, so not an OCI layout")
        self.root = os.path.realpath(path)
        if not os.path.isfile(os.path.join(self.root, INDEX_FILE)):
            raise InvalidInput(f"{path} is not an OCI layout: it has no index.json")
        self._load()

    def _fd(self, rel: str, what: str) -> int:
        """Open a file of the layout read-only; it (and every link on the way) must stay inside the layout."""
        real = os.path.realpath(os.path.join(self.root, rel))
        if not real.startswith(self.root + os.sep):
            raise InvalidInput(f"{self.description}: {what} is a symlink leading outside the layout; refusing it")
        try:
            # O_NOFOLLOW: a link swapped in after realpath is refused; O_NONBLOCK: a FIFO cannot hang us.
            fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except FileNotFoundError:
            raise NotFound(f"{self.description} has no {what}: the layout is incomplete") from None
        except OSError as exc:
            raise InvalidInput(f"{self.description}: cannot open {what} ({exc.strerror})") from None
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise InvalidInput(f"{self.description}: {what} is not a regular file; refusing it")
        return fd

    def _read(self, rel: str, limit: int, what: str) -> bytes:
        fd = self._fd(rel, what)
        try:
            size = os.fstat(fd).st_size
            if size > limit:
                raise InvalidInput(f"{self.description}: {what} is {size} bytes, over the {_limit_text(limit)} limit; "
                                   "refusing it")
            with os.fdopen(fd, "rb", closefd=False) as f:
                return f.read(limit + 1)
        finally:
            os.close(fd)

    def _open(self, rel: str, what: str) -> BinaryIO:
        return os.fdopen(self._fd(rel, what), "rb", buffering=CHUNK)

    def _where(self, rel: str, what: str) -> tuple[str, int, int]:
        fd = self._fd(rel, what)
        try:
            size = os.fstat(fd).st_size
        finally:
            os.close(fd)
        return os.path.realpath(os.path.join(self.root, rel)), 0, size


class ArchiveSource(_LayoutSource):
    """`oci-archive:PATH[:REF]`, read in place; an outer compression is spooled to a temp file first."""

    def __init__(self, path: str, ref: str | None = None, *, tmpdir: str | None = None) -> None:
        super().__init__(f"oci-archive:{path}" + (f":{ref}" if ref else ""), ref)
        self._spooled: str | None = None
        self._index: TarIndex | None = None
        try:
            tar_path = self._spool_if_compressed(path, tmpdir)
            self._index = TarIndex(tar_path, path)
            if not self._index.has(INDEX_FILE):
                raise InvalidInput(f"{path} is not an oci-archive: it has no index.json")
            self._load()
        except BaseException:
            self.close()
            raise

    def _spool_if_compressed(self, path: str, tmpdir: str | None) -> str:
        """The path of a plain tar with the archive's bytes: `path` itself, or a temp file when the archive is
        compressed as a whole or is not a regular file (a pipe such as /dev/stdin cannot be read in place)."""
        try:
            if os.path.isdir(path):
                raise InvalidInput(f"{path} is a directory; for an OCI layout directory use oci:{path}")
            f = open(path, "rb")  # noqa: SIM115 - closed below, kept open while spooling
        except FileNotFoundError:
            raise NotFound(f"{path} does not exist") from None
        except OSError as exc:
            raise InvalidInput(f"cannot read {path} ({exc.strerror})") from None
        with f:
            try:
                kind, stream = compression.sniffing(f)
            except OSError as exc:
                raise InvalidInput(f"cannot read {path} ({exc.strerror})") from None
            if kind == compression.NONE and stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                return path
            fd, self._spooled = tempfile.mkstemp(prefix="estiba-oci-archive-", suffix=".tar", dir=tmpdir)
            with os.fdopen(fd, "wb") as out:
                compression.decompress_into(stream, kind, out, f"{path} ({kind})" if kind != compression.NONE else path)
        return self._spooled

    def _member(self, rel: str, what: str):
        assert self._index is not None
        try:
            return self._index.resolve(rel)
        except NotFound:
            raise NotFound(f"{self.description} has no {what}: the archive is incomplete") from None

    def _read(self, rel: str, limit: int, what: str) -> bytes:
        m = self._member(rel, what)
        if m.size > limit:
            raise InvalidInput(f"{self.description}: {what} is {m.size} bytes, over the {_limit_text(limit)} limit; "
                               "refusing it")
        assert self._index is not None
        return self._index.read(rel, limit)

    def _open(self, rel: str, what: str) -> BinaryIO:
        self._member(rel, what)
        assert self._index is not None
        return self._index.open(rel)

    def _where(self, rel: str, what: str) -> tuple[str, int, int]:
        m = self._member(rel, what)
        assert self._index is not None
        return self._index.path, m.offset, m.size

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None
        if self._spooled is not None:
            try:
                os.unlink(self._spooled)
            except FileNotFoundError:
                pass
            self._spooled = None


def open_layout_source(path: str, ref: str | None = None) -> Source:
    """`oci:DIR[:REF]`. No ref: every entry of index.json (same digest = one image); `@N`: entry N."""
    return LayoutDirSource(path, ref)


def open_archive_source(path: str, ref: str | None = None, *, tmpdir: str | None = None) -> Source:
    """`oci-archive:PATH[:REF]`, read in place (an outer compression is spooled into `tmpdir`)."""
    return ArchiveSource(path, ref, tmpdir=tmpdir)


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


class _LayoutDestination(Destination):
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
            if work_dir is None:
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
            full = None if is_tag_only(self._ref) else _full_name(self._ref)
            return [{REF_NAME: self._ref, CONTAINERD_NAME: full} if full else {REF_NAME: self._ref}]
        out: list[dict | None] = []
        for name in dict.fromkeys(names):
            ref = parse_reference(name)  # InvalidReference is an InvalidInput: one line
            if ref.tag is None:
                continue  # digest-only: not a name to write (formats.md pitfall 8)
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
    """Atomically (temp + fsync + rename) replace `path` with `data`, mode 0644."""
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + "-", suffix=".tmp", dir=os.path.dirname(path))
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


class LayoutDirDestination(_LayoutDestination):
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
        try:
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
        except BaseException as exc:
            for path in reversed(created_files):
                try:
                    os.unlink(path)
                except OSError:
                    pass
            _remove_dirs(created_dirs)
            self.abort()
            if isinstance(exc, OSError):
                raise EstibaError(f"cannot write {self.description} ({exc.strerror}); nothing was changed") \
                    from None
            raise
        self._finished = True
        self._staging.cleanup()


class ArchiveDestination(_LayoutDestination):
    """`oci-archive:PATH[:REF]`: one new tar, replacing any existing file at commit (as skopeo does)."""

    def __init__(self, path: str, ref: str | None = None, *, compress: str | None = None,
                 tag_only_ref: bool = False) -> None:
        target = os.path.abspath(path)
        if os.path.isdir(target):
            raise InvalidInput(f"{path} is a directory; give a file name for the oci-archive (or use oci:{path})")
        self.output = open_output(path)  # a symlink is followed, a pipe or device is streamed into
        work_dir = self.output.work_dir if self.output.is_stream else None
        super().__init__(self.output.path, ref, compress, tag_only_ref,
                         f"oci-archive:{path}" + (f":{ref}" if ref else ""), work_dir)

    def commit(self) -> None:
        if self._finished:
            raise InvalidInput(f"{self.description} was already committed or aborted")
        try:
            members = self._members()
            self.output.finish(lambda fd: write_tar(fd, members), FILE_MODE)
        except BaseException as exc:
            self.abort()
            if isinstance(exc, OSError):
                raise EstibaError(f"cannot write {self.description} ({exc.strerror}); nothing was changed") \
                    from None
            raise
        self._finished = True
        self._staging.cleanup()

    def _members(self) -> list[tuple[str, str | bytes | None]]:
        """What c/image's oci-archive holds, in its order: dirs, blobs, index.json, oci-layout."""
        blobs = self._blob_list()
        dirs = sorted({"blobs/"} | {os.path.dirname(rel) + "/" for _, rel, _ in blobs})
        out: list[tuple[str, str | bytes | None]] = [(d, None) for d in dirs]
        out += [(rel, staged) for staged, rel, _ in blobs]
        out += [(INDEX_FILE, self._index_bytes(None)), (LAYOUT_FILE, LAYOUT_BYTES)]
        return out


# -- tar writing --------------------------------------------------------------------------------------------


def _header(name: str, size: int, is_dir: bool) -> bytes:
    info = tarfile.TarInfo(name)
    info.mode = 0o755 if is_dir else FILE_MODE
    info.type = tarfile.DIRTYPE if is_dir else tarfile.REGTYPE
    info.size = 0 if is_dir else size
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mtime = 0  # reproducible bytes (c/image writes real mtimes; nobody reads them)
    return info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")


def write_tar(fd: int, members: list[tuple[str, str | bytes | None]]) -> None:
    """Write a tar to `fd`: (name, None) is a directory, (name, bytes) a small file, (name, path) a file
    whose data is copied by the kernel. Go's writer ends with two zero blocks; so do we."""
    for name, payload in members:
        if payload is None:
            write_all(fd, _header(name, 0, True))
            continue
        append_file(fd, lambda size, name=name: _header(name, size, False), payload)
    end_archive(fd)


def open_layout_destination(path: str, ref: str | None = None, *, compress: str | None = None,
                            tag_only_ref: bool = False) -> Destination:
    """`oci:DIR[:REF]` for writing. Without `ref`, one index.json entry per name (ref.name = the full name,
    or the tag with tag_only_ref; io.containerd.image.name = the full name); unnamed: no annotations."""
    return LayoutDirDestination(path, ref, compress=compress, tag_only_ref=tag_only_ref)


def open_archive_destination(path: str, ref: str | None = None, *, compress: str | None = None,
                             tag_only_ref: bool = False) -> Destination:
    """`oci-archive:PATH[:REF]` for writing; the file is replaced at commit."""
    return ArchiveDestination(path, ref, compress=compress, tag_only_ref=tag_only_ref)

