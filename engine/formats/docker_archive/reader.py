"""Reading a docker-archive (docs/formats.md §1.1 reading rules 1-7), following containers/image's reader: the only
thing that matters is the top-level manifest.json. The tar is read in place through TarIndex (never extracted); an
archive that is compressed as a whole, or that arrives through a pipe, is first spooled (engine/spool.py), because
members must be read at random (manifest.json comes last in c/image's archives, first in Docker's). For each image
a Docker schema 2 manifest is synthesised whose layer digests are the diffIDs, since the archive holds uncompressed
layer tars; the pipeline verifies every byte against them.
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass, field
from typing import BinaryIO

from engine import compression, media
from engine.contract import Source, SourceImage
from engine.digest import Digest, sha256_digest
from engine.errors import EstibaError, InvalidInput, NotFound, Unsupported
from engine.formats.docker_archive.common import (
    CHUNK,
    CONTAINERD_NAME,
    MANIFEST_FILE,
    REPOSITORIES_FILE,
    normalise_name,
    normalise_repo_tag,
    tagged,
)
from engine.manifest import (
    MAX_CONFIG_BYTES,
    MAX_JSON_BYTES,
    MAX_MANIFEST_BYTES,
    Descriptor,
    ImageConfig,
    ImageManifest,
    build_manifest,
    load_json,
    parse,
)
from engine.spool import shown, uncompressed_copy
from engine.tarindex import Member, RangeReader, TarIndex, normalise

# index.json entries we look at for names (Docker >= 25 hybrid archives: one per image saved). Each named entry
# costs a manifest read of up to 4 MiB, so a hostile index.json must not make us read thousands of them.
MAX_INDEX_NAMES = 1_000

# -- reading --------------------------------------------------------------------------------------------------


@dataclass
class _Item:
    """One manifest.json item."""

    position: int
    config_path: str
    layer_paths: list[str]
    names: list[str] = field(default_factory=list)


@dataclass
class _Blob:
    """Where a blob's (uncompressed) bytes are: a member of the archive or a spooled temp file."""

    path: str  # file holding the bytes
    offset: int
    size: int
    member_offset: int = -1  # for a decompressed temp file: the compressed member it came from


class DockerArchiveSource(Source):
    """`docker-archive:PATH[:NAME[:TAG]|:@N]`, read in place."""

    def __init__(self, path: str, ref: str | None = None, *, tmpdir: str | None = None) -> None:
        path_shown = shown(path)  # the user's file, not our spool copy of it
        self.description = f"docker-archive:{path_shown}" + (f":{ref}" if ref else "")
        self._path = path_shown
        self._tmpdir = tmpdir
        self._temps: list[str] = []
        self._index: TarIndex | None = None
        self._blobs: dict[str, _Blob] = {}
        self._images: list[SourceImage] = []
        try:
            tar_path = self._spool_if_needed(path)
            self._index = TarIndex(tar_path, path_shown)
            items = self._items()
            self._images = [self._image(group) for group in self._select(items, ref or None)]
        except BaseException:
            self.close()
            raise

    # -- opening
    def _temp(self, prefix: str) -> tuple[int, str]:
        try:
            fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tar", dir=self._tmpdir)
        except OSError as exc:
            raise EstibaError(f"cannot create a temporary file in {self._tmpdir or tempfile.gettempdir()} "
                              f"({exc.strerror}); choose another temp directory") from None
        self._temps.append(tmp)
        return fd, tmp

    def _spool_if_needed(self, path: str) -> str:
        """`path` itself when it is a plain regular file; else a temp file with the (decompressed) bytes
        (docs/formats.md §1.1 reading rule 1, pitfall 13): a pipe cannot be read at random, a compressed tar neither."""
        if os.path.isdir(path):
            raise InvalidInput(f"{path} is a directory, not a docker-archive (for a layout use oci:{path})")
        tar_path, temp = uncompressed_copy(path, self._tmpdir, prefix="estiba-docker-archive-")
        if temp is not None:
            self._temps.append(temp)
        return tar_path

    def _items(self) -> list[_Item]:
        index = self._index
        assert index is not None
        if not index.has(MANIFEST_FILE):
            if index.has(REPOSITORIES_FILE) or any(n.endswith("/json") for n in index.members):
                raise Unsupported(f"{self._path} is a pre-1.10 Docker archive without manifest.json, which is not "
                                  "supported; save the image again with a current docker or podman")
            raise InvalidInput(f"{self._path} is not a docker-archive: it has no manifest.json"
                               + (" (it looks like an OCI archive: use oci-archive:)" if index.has("index.json")
                                  else ""))
        what = f"manifest.json of {self._path}"
        member = index.resolve(MANIFEST_FILE)
        if member.size > MAX_JSON_BYTES:
            raise InvalidInput(f"{what} is {member.size} bytes, over the {MAX_JSON_BYTES >> 20} MiB limit; "
                               "refusing to parse it")
        doc = load_json(index.read(MANIFEST_FILE, MAX_JSON_BYTES), what, MAX_JSON_BYTES)
        if not isinstance(doc, list):
            raise InvalidInput(f"{what} is not a JSON array of images; the archive is corrupt")
        if not doc:
            raise InvalidInput(f"{what} lists no image; the archive is empty")
        items = [self._item(i, entry, what) for i, entry in enumerate(doc)]
        self._add_index_names(items)
        return items

    def _item(self, i: int, entry, what: str) -> _Item:
        where = f"{what}, item @{i}"
        if not isinstance(entry, dict):
            raise InvalidInput(f"{where} is not a JSON object")
        config = entry.get("Config")
        if not isinstance(config, str) or not config:
            raise InvalidInput(f"{where} has no Config path")
        layers = entry.get("Layers")
        tags = entry.get("RepoTags")
        layers = [] if layers is None else layers  # Docker/containerd write null for empty lists (§1.1)
        tags = [] if tags is None else tags
        if not isinstance(layers, list) or not all(isinstance(p, str) and p for p in layers):
            raise InvalidInput(f"{where}: Layers must be a list of non-empty paths")
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise InvalidInput(f"{where}: RepoTags must be a list of strings")
        names = [normalise_repo_tag(t, f"{where} has an invalid RepoTag") for t in tags]
        return _Item(i, config, layers, list(dict.fromkeys(names)))

    def _add_index_names(self, items: list[_Item]) -> None:
        """Docker >= 25 archives are also OCI layouts: index.json's `io.containerd.image.name` annotations name
        the images too. manifest.json stays authoritative (docs/formats.md pitfall 19): a broken index.json only
        loses names."""
        index = self._index
        assert index is not None
        if not (index.has("index.json") and index.has("oci-layout")):
            return
        try:
            doc = load_json(index.read("index.json", MAX_JSON_BYTES), f"index.json of {self._path}")
        except (InvalidInput, NotFound):
            return
        entries = doc.get("manifests") if isinstance(doc, dict) else None
        if not isinstance(entries, list):
            return
        by_config: dict[str, list[str]] = {}
        for entry in entries[:MAX_INDEX_NAMES]:
            found = self._index_entry_name(entry)
            if found is not None:
                by_config.setdefault(found[0], []).append(found[1])
        if not by_config:
            return
        for item in items:
            config_digest = self._member_digest(item.config_path)
            if config_digest in by_config:
                item.names = list(dict.fromkeys(item.names + by_config[config_digest]))

    def _index_entry_name(self, entry) -> tuple[str, str] | None:
        """(config digest, full name) of one index.json descriptor, or None if it names nothing usable."""
        index = self._index
        assert index is not None
        try:
            desc = Descriptor.from_json(entry, "index.json entry")
            name = (desc.annotations or {}).get(CONTAINERD_NAME)
            if not name or desc.size > MAX_MANIFEST_BYTES:
                return None
            full = normalise_name(name, "index.json")
            raw = index.read(f"blobs/{desc.digest.algorithm}/{desc.digest.hex}", MAX_MANIFEST_BYTES)
            if sha256_digest(raw) != desc.digest:
                return None
            manifest = parse(raw, "index.json manifest")
        except (InvalidInput, NotFound, Unsupported):
            return None
        if not isinstance(manifest, ImageManifest):
            return None
        return str(manifest.config.digest), full

    def _member_digest(self, name: str) -> str | None:
        """sha256 of a small member (a config), None when it is missing or too big: the caller reports those."""
        index = self._index
        assert index is not None
        try:
            return str(sha256_digest(index.read(name, MAX_CONFIG_BYTES)))
        except (InvalidInput, NotFound):
            return None

    def _select(self, items: list[_Item], ref: str | None) -> list[list[_Item]]:
        """Which items to offer (§1.1 reading rule 2). No ref: all of them (items with the same config are
        one image with the names of all); `@N`: the N-th; NAME[:TAG]: the first item carrying that name."""
        if ref is not None and ref.startswith("@"):
            if not (ref[1:].isascii() and ref[1:].isdigit()):
                raise InvalidInput(f"{self.description}: {ref!r} is not an image index; use @0, @1, …")
            n = int(ref[1:])
            if n >= len(items):
                raise NotFound(f"{self._path} holds {len(items)} image(s); there is no @{n} (they count from @0)")
            return [[items[n]]]
        if ref is not None:
            want = tagged(ref, f"{self.description}").tagged
            for item in items:
                if want in item.names:
                    return [[item]]
            known = sorted({n for item in items for n in item.names})
            listed = ", ".join(known[:10]) + (", …" if len(known) > 10 else "") or "none"
            raise NotFound(f"{self._path} has no image named {want} (names: {listed}); use one of them or @N")
        groups: dict[str, list[_Item]] = {}
        for item in items:
            key = normalise(item.config_path, self._path)
            groups.setdefault(key, []).append(item)
        return list(groups.values())

    # -- one image
    def _image(self, group: list[_Item]) -> SourceImage:
        item = group[0]
        label = f"{self.description} image @{item.position}"
        config_raw, config_member = self._config(item, label)
        config = ImageConfig.parse(config_raw, f"image config of {label}")
        diff_ids = config.diff_ids
        if len(diff_ids) != len(item.layer_paths):  # reading rule 3
            raise InvalidInput(f"{label}: inconsistent layer count: manifest.json lists {len(item.layer_paths)} "
                               f"layers but the image config has {len(diff_ids)} diffIDs; the archive is corrupt")
        config_digest = sha256_digest(config_raw)
        self._blobs.setdefault(config_digest, _Blob(self._index.path, config_member.offset, config_member.size))
        layers = self._layers(item, diff_ids, label)
        config_desc = Descriptor(media.DOCKER_CONFIG, config_digest, len(config_raw))
        manifest = build_manifest(media.DOCKER, config_desc, layers)
        names = list(dict.fromkeys(n for it in group for n in it.names))
        return SourceImage(manifest.raw, None, names, label)  # synthesised: no digest to check

    def _config(self, item: _Item, label: str) -> tuple[bytes, Member]:
        index = self._index
        assert index is not None
        try:
            member = index.resolve(item.config_path)
        except NotFound:
            raise NotFound(f"{label}: the config file {item.config_path[:200]!r} is missing from the archive") \
                from None
        if member.size > MAX_CONFIG_BYTES:
            raise InvalidInput(f"{label}: the config is {member.size} bytes, over the "
                               f"{MAX_CONFIG_BYTES >> 20} MiB limit; refusing it")
        return index.read(item.config_path, MAX_CONFIG_BYTES), member

    def _layers(self, item: _Item, diff_ids: list[Digest], label: str) -> list[Descriptor]:
        """Reading rules 4-6: map diffID -> file; one file for two diffIDs is an error; a repeated diffID is
        read once (its other paths are not looked at, as c/image does); missing files fail."""
        index = self._index
        assert index is not None
        by_diff: dict[str, Descriptor] = {}
        diff_of_path: dict[str, Digest] = {}
        diff_of_member: dict[int, Digest] = {}
        missing: list[str] = []
        for path, diff_id in zip(item.layer_paths, diff_ids, strict=True):
            if diff_id in by_diff:
                continue
            clean = normalise(path, self._path)
            try:
                member = index.resolve(clean) if clean else None
            except NotFound:
                member = None
            if member is None:
                missing.append(path)
                continue
            if clean in diff_of_path or member.offset in diff_of_member:
                raise InvalidInput(f"{label}: layer file {path[:200]!r} is used for two different diffIDs; "
                                   "the archive is corrupt")
            diff_of_path[clean] = diff_id
            diff_of_member[member.offset] = diff_id
            by_diff[diff_id] = self._layer(member, diff_id, path, label)
        if missing:
            shown = ", ".join(repr(p[:120]) for p in missing[:3]) + (", …" if len(missing) > 3 else "")
            raise NotFound(f"{label}: some layer files are missing from the archive ({shown}); "
                           "it is incomplete")
        return [by_diff[d] for d in diff_ids]

    def _layer(self, member: Member, diff_id: Digest, path: str, label: str) -> Descriptor:
        known = self._blobs.get(diff_id)
        if known is None:
            known = self._uncompressed(member, path, label)
            self._blobs[diff_id] = known
        return Descriptor(media.DOCKER_LAYER, diff_id, known.size)

    def _uncompressed(self, member: Member, path: str, label: str) -> _Blob:
        """The member itself when it is a plain tar. A compressed one (containerd exports, nix; reading rule 6)
        is decompressed once into a temp file and served from there: its descriptor must give the uncompressed
        size up front, and the temp file also lets the pipeline copy_file_range it like any other layer."""
        index = self._index
        assert index is not None
        with index.open(member.name) as f:
            head = f.read(compression.SNIFF_BYTES)
        kind = compression.sniff(head)
        if kind == compression.NONE and member.sparse is None:
            return _Blob(index.path, member.offset, member.size)
        # A sparse member (GNU tar --sparse) is expanded into a temp file like a compressed one.
        for blob in self._blobs.values():  # the same compressed member listed by another image
            if blob.member_offset == member.offset:
                return blob
        fd, tmp = self._temp("estiba-docker-layer-")
        with os.fdopen(fd, "wb") as out:
            with index.open(member.name) as raw:
                compression.decompress_into(raw, kind, out, f"{label}: layer {path[:200]!r} ({kind})")
            size = out.tell()
        return _Blob(tmp, 0, size, member.offset)

    # -- Source
    def images(self) -> list[SourceImage]:
        return list(self._images)

    def get_manifest(self, digest: Digest, size: int) -> bytes:
        raise NotFound(f"{self.description} holds no manifest {digest[:19]}…: a docker-archive has no indexes")

    def _blob(self, desc: Descriptor) -> _Blob:
        blob = self._blobs.get(desc.digest)
        if blob is None:
            raise NotFound(f"{self.description} has no blob {desc.digest[:19]}…")
        return blob

    def open_blob(self, desc: Descriptor) -> BinaryIO:
        blob = self._blob(desc)
        f = open(blob.path, "rb", buffering=0)  # noqa: SIM115 - the caller closes the reader
        return io.BufferedReader(RangeReader(f.fileno(), blob.offset, blob.size, owner=f), CHUNK)

    def blob_file(self, desc: Descriptor) -> tuple[str, int, int] | None:
        blob = self._blob(desc)
        return blob.path, blob.offset, blob.size

    def layer_size(self, desc: Descriptor) -> int | None:
        blob = self._blobs.get(desc.digest)  # a layer's digest here is its diffID: its bytes are unpacked
        return blob.size if blob is not None else None

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None
        for tmp in self._temps:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        self._temps = []


def open_source(path: str, ref: str | None = None, *, tmpdir: str | None = None) -> Source:
    """`docker-archive:PATH[:NAME[:TAG]|:@N]`. No ref: every image of the archive."""
    return DockerArchiveSource(path, ref, tmpdir=tmpdir)
