"""Reading an OCI layout: `oci:DIR[:REF]` (podman `--format oci-dir`) and `oci-archive:PATH[:REF]`, a tar of
that directory (docs/formats.md §1.2). Only `oci-layout`, `index.json` and `blobs/<alg>/<hex>` matter; anything else
(Docker's manifest.json, repositories) is ignored. Archives are read in place through TarIndex (c/image extracts
them; we don't), after spooling an outer gzip/xz/zstd/bzip2 compression (engine/spool.py). Every digest is
validated before it becomes a path, and layout files must not lead outside the layout.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from typing import BinaryIO

from engine.contract import Source, SourceImage
from engine.digest import Digest
from engine.errors import DigestMismatch, InvalidInput, NotFound, Unsupported
from engine.formats.oci_layout.common import (
    CONTAINERD_NAME,
    INDEX_FILE,
    LAYOUT_FILE,
    MAX_LAYOUT_BYTES,
    REF_NAME,
    blob_rel,
    full_name,
    limit_text,
    names_of,
)
from engine.manifest import MAX_JSON_BYTES, MAX_MANIFEST_BYTES, Descriptor, load_json
from engine.spool import shown, uncompressed_copy
from engine.tarindex import TarIndex

CHUNK = 1 << 20

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

    def _where(self, rel: str, what: str) -> tuple[str, int, int] | None:
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
                want = full_name(ref)
                chosen = [e for e in entries if want and full_name(
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
            ref = (desc.annotations or {}).get(REF_NAME)
            label = f"{self.description} entry @{group[0].index}" + (
                f" ({notes})" if notes else f" ({ref!r})" if ref else "")
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
                raise InvalidInput(f"{self.description}: {what} is {size} bytes, over the {limit_text(limit)} limit; "
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
        path_shown = shown(path)  # the user's file, not our spool copy of it
        super().__init__(f"oci-archive:{path_shown}" + (f":{ref}" if ref else ""), ref)
        self._spooled: str | None = None
        self._index: TarIndex | None = None
        try:
            tar_path = self._spool_if_compressed(path, tmpdir)
            # c/image extracts an oci-archive, so of two members with one name the later is what it reads
            self._index = TarIndex(tar_path, path_shown, last_wins=True)
            if not self._index.has(INDEX_FILE):
                raise InvalidInput(f"{path_shown} is not an oci-archive: it has no index.json")
            self._load()
        except BaseException:
            self.close()
            raise

    def _spool_if_compressed(self, path: str, tmpdir: str | None) -> str:
        """The path of a plain tar with the archive's bytes: `path` itself, or a temp file when the archive is
        compressed as a whole or is not a regular file (a pipe such as /dev/stdin cannot be read in place)."""
        if os.path.isdir(path):
            raise InvalidInput(f"{path} is a directory; for an OCI layout directory use oci:{path}")
        tar_path, self._spooled = uncompressed_copy(path, tmpdir, prefix="estiba-oci-archive-")
        return tar_path

    def _member(self, rel: str, what: str):
        assert self._index is not None
        try:
            return self._index.resolve(rel)
        except NotFound:
            raise NotFound(f"{self.description} has no {what}: the archive is incomplete") from None

    def _read(self, rel: str, limit: int, what: str) -> bytes:
        m = self._member(rel, what)
        if m.size > limit:
            raise InvalidInput(f"{self.description}: {what} is {m.size} bytes, over the {limit_text(limit)} limit; "
                               "refusing it")
        assert self._index is not None
        return self._index.read(rel, limit)

    def _open(self, rel: str, what: str) -> BinaryIO:
        self._member(rel, what)
        assert self._index is not None
        return self._index.open(rel)

    def _where(self, rel: str, what: str) -> tuple[str, int, int] | None:
        m = self._member(rel, what)
        assert self._index is not None
        if m.sparse is not None:
            return None  # its holes are not in the file: it is streamed through open_blob
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
