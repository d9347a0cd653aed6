"""docker-archive: the `docker save` / `podman save` tar (formats.md §1.1, §2.7, §4).

Reading follows containers/image's reader (§1.1 reading rules 1-7): the only thing that matters is the
top-level manifest.json. The tar is read in place through TarIndex (never extracted); an archive that is
compressed as a whole, or that arrives through a pipe, is first spooled to a temp file, because members
must be read at random (manifest.json comes last in c/image's archives, first in Docker's). For each image a
Docker schema 2 manifest is synthesised whose layer digests are the diffIDs, since the archive holds
uncompressed layer tars; the pipeline verifies every byte against them.

Writing produces containers/image's layout ("variant A", what podman 4.3 and skopeo 1.9 write and read):
`<diffID hex>.tar` layers, `<config hex>.json` configs, legacy `<v1id>/{layer.tar -> ../<diffID>.tar,VERSION,
json}` directories, then manifest.json and repositories; mode 0444, owner 0/0, mtime 0, no directory entries.
Blobs are staged next to the output and the tar is assembled by the kernel (copy_file_range) at commit.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import stat
import tarfile
import tempfile
import threading
from dataclasses import dataclass, field
from typing import BinaryIO

from engine import compression, media
from engine.contract import BlobWriter, CompressionPolicy, Destination, Source, SourceImage
from engine.digest import Digest, sha256_digest
from engine.errors import EstibaError, InvalidInput, NotFound, Unsupported
from engine.formats.staging import RecordingWriter, Staging, copy_range
from engine.formats.tarwriter import append_file, end_archive, write_all
from engine.manifest import (
    MAX_CONFIG_BYTES,
    MAX_JSON_BYTES,
    MAX_MANIFEST_BYTES,
    Descriptor,
    ImageConfig,
    ImageManifest,
    build_manifest,
    dump_json,
    load_json,
    parse,
)
from engine.output import open_output
from engine.progress import OnBytes
from engine.reference import InvalidReference, Reference, parse_reference
from engine.tarindex import Member, RangeReader, TarIndex, normalise

MANIFEST_FILE = "manifest.json"
REPOSITORIES_FILE = "repositories"
CONTAINERD_NAME = "io.containerd.image.name"
CHUNK = 1 << 20
FILE_MODE = 0o644  # of the archive file itself (c/image creates it 0644)
MEMBER_MODE = 0o444  # of the members (c/image's tarFI)
USTAR_MAX_SIZE = 0o77777777777  # beyond, a member's header needs PAX records (Go's archive/tar, like tarfile)
MAX_INDEX_NAMES = 10_000  # index.json entries we look at for names (Docker >= 25 hybrid archives)
DIGEST_REFS = "docker-archive doesn't support digest references; give NAME:TAG"


# -- detection ----------------------------------------------------------------------------------------------


def is_docker_archive(index: TarIndex) -> bool:
    return index.has(MANIFEST_FILE)


# -- names ----------------------------------------------------------------------------------------------------


def _tagged(text: str, what: str, default_tag: str | None = "latest") -> Reference:
    """A RepoTag (or a ref given by the user) as a Docker-normalised reference with a tag."""
    try:
        ref = parse_reference(text, default_tag=default_tag)
    except InvalidReference as exc:
        raise InvalidInput(f"{what}: {exc}") from None
    if ref.digest is not None:
        raise InvalidInput(f"{what}: {text[:200]!r} has a digest; {DIGEST_REFS}")
    if ref.tag is None:
        raise InvalidInput(f"{what}: {text[:200]!r} has no tag (Docker and podman refuse such RepoTags)")
    return ref


def normalise_name(text: str, what: str) -> str:
    """`foo` -> `docker.io/library/foo:latest`, Docker's reading (not podman's `localhost/`): DESIGN.md "Names"."""
    return _tagged(text, what).tagged


def normalise_repo_tag(text: str, what: str) -> str:
    """A RepoTags entry: like normalise_name, but the tag is required, as Docker and c/image require it."""
    return _tagged(text, what, None).tagged


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
        self.description = f"docker-archive:{path}" + (f":{ref}" if ref else "")
        self._path = path
        self._tmpdir = tmpdir
        self._temps: list[str] = []
        self._index: TarIndex | None = None
        self._blobs: dict[str, _Blob] = {}
        self._images: list[SourceImage] = []
        try:
            tar_path = self._spool_if_needed(path)
            self._index = TarIndex(tar_path, path)
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
        (formats.md §1.1 reading rule 1, §4.13): a pipe cannot be read at random, a compressed tar neither."""
        try:
            if os.path.isdir(path):
                raise InvalidInput(f"{path} is a directory, not a docker-archive (for a layout use oci:{path})")
            f = open(path, "rb")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            raise NotFound(f"{path} does not exist") from None
        except OSError as exc:
            raise InvalidInput(f"cannot read {path} ({exc.strerror})") from None
        with f:
            try:
                kind, stream = compression.sniffing(f)
                regular = stat.S_ISREG(os.fstat(f.fileno()).st_mode)
            except OSError as exc:
                raise InvalidInput(f"cannot read {path} ({exc.strerror})") from None
            if kind == compression.NONE and regular:
                return path
            fd, tmp = self._temp("estiba-docker-archive-")
            with os.fdopen(fd, "wb") as out:
                compression.decompress_into(stream, kind, out, f"{path} ({kind})" if kind != compression.NONE else path)
        return tmp

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
        the images too. manifest.json stays authoritative (pitfall 19): a broken index.json only loses names."""
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
            want = _tagged(ref, f"{self.description}").tagged
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
        with open(index.path, "rb", buffering=0) as f:
            head = os.pread(f.fileno(), min(compression.SNIFF_BYTES, member.size), member.offset)
        kind = compression.sniff(head)
        if kind == compression.NONE:
            return _Blob(index.path, member.offset, member.size)
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


# -- legacy v1 ids (c/image writer.go writeLegacyMetadataLocked; formats.md §1.1) ------------------------------

_V1_CONFIG_KEYS = ("architecture", "config", "container", "container_config", "created", "docker_version", "os")
_WS = re.compile(r"[ \t\n\r]*")


def _raw_members(raw: bytes) -> dict[str, bytes]:
    """Top-level members of a JSON object as their raw bytes (last duplicate wins, as in Go)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput("the image config is not UTF-8 JSON") from None
    decoder = json.JSONDecoder()
    out: dict[str, bytes] = {}
    try:
        i = _WS.match(text, 0).end()
        if text[i] != "{":
            raise ValueError("not an object")
        i = _WS.match(text, i + 1).end()
        if text[i] == "}":
            return out
        while True:
            if text[i] != '"':
                raise ValueError("key expected")
            key, i = json.decoder.scanstring(text, i + 1)
            i = _WS.match(text, i).end()
            if text[i] != ":":
                raise ValueError("':' expected")
            start = _WS.match(text, i + 1).end()
            _, end = decoder.raw_decode(text, start)
            out[key] = text[start:end].encode()
            i = _WS.match(text, end).end()
            if text[i] == "}":
                return out
            if text[i] != ",":
                raise ValueError("',' expected")
            i = _WS.match(text, i + 1).end()
    except (ValueError, IndexError):
        raise InvalidInput("the image config is not a JSON object") from None


def _go_compact(raw: bytes) -> bytes:
    """What Go's encoding/json does to a json.RawMessage it marshals: drop insignificant whitespace, escape
    `<`, `>`, `&`, U+2028 and U+2029."""
    out = bytearray()
    in_string = escaped = False
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c in b"<>&":
            out += b"\\u00%02x" % c
        elif c == 0xE2 and raw[i + 1:i + 3] in (b"\x80\xa8", b"\x80\xa9"):
            out += b"\\u202" + (b"8" if raw[i + 2] == 0xA8 else b"9")
            i += 3
            continue
        elif in_string:
            out.append(c)
            if escaped:
                escaped = False
            elif c == 0x5C:  # backslash
                escaped = True
            elif c == 0x22:
                in_string = False
        elif c in b" \t\n\r":
            pass
        else:
            out.append(c)
            in_string = c == 0x22
        i += 1
    return bytes(out)


def _go_marshal(doc: dict[str, bytes]) -> bytes:
    """json.Marshal of a map[string]any whose values are already JSON: keys sorted, compact."""
    return b"{" + b",".join(json.dumps(k).encode() + b":" + doc[k] for k in sorted(doc)) + b"}"


def legacy_layers(config_raw: bytes, diff_ids: list[Digest]) -> list[tuple[str, bytes]]:
    """(v1 id, `json` file bytes) per layer, byte-exact with containers/image: the v1 id is the sha256 of the
    layer's legacy config with `layer_id` = ChainID; the top layer also carries 7 raw config attributes."""
    top_attrs: dict[str, bytes] = {}
    if diff_ids:
        members = _raw_members(config_raw)
        top_attrs = {k: _go_compact(members[k]) if k in members else b"null" for k in _V1_CONFIG_KEYS}
    out: list[tuple[str, bytes]] = []
    chain = ""
    parent = ""
    for i, diff_id in enumerate(diff_ids):
        doc: dict[str, bytes] = {}
        if parent:
            doc["parent"] = json.dumps(parent).encode()
        if i == len(diff_ids) - 1:
            doc.update(top_attrs)
        chain = diff_id if not chain else "sha256:" + hashlib.sha256(f"{chain} {diff_id}".encode()).hexdigest()
        v1id = hashlib.sha256(_go_marshal({**doc, "layer_id": json.dumps(chain).encode()})).hexdigest()
        doc["id"] = json.dumps(v1id).encode()
        out.append((v1id, _go_marshal(doc)))
        parent = v1id
    return out


# -- writing --------------------------------------------------------------------------------------------------


class _DirectWriter:
    """Streams a layer into the archive file at offset 512; its header is written at commit of the archive,
    when the member order is known."""

    def __init__(self, fd: int, on_commit, on_abort) -> None:
        self._file = open(fd, "wb", buffering=CHUNK, closefd=False)  # noqa: SIM115 - closed in commit/abort
        self._file.seek(512)
        self.write = self._file.write
        self._on_commit = on_commit
        self._on_abort = on_abort

    def commit(self, digest: Digest, size: int) -> None:
        end = self._file.tell()
        self._file.close()
        if end - 512 != size:
            self._on_abort()
            raise InvalidInput(f"layer {digest[:19]}… is {end - 512} bytes, not {size}")
        self._on_commit(digest, size)

    def abort(self) -> None:
        self._file.close()
        self._on_abort()


@dataclass
class _OutImage:
    config: ImageConfig
    diff_ids: list[Digest]
    names: list[str]


class DockerArchiveDestination(Destination):
    """`docker-archive:PATH[:NAME[:TAG]]`: a new tar replacing any file at PATH on commit, as skopeo does."""

    families = (media.DOCKER,)
    accepts_index = False
    multi_image = True
    compression = CompressionPolicy(compression.NONE, force=True)  # §2.3: docker-archive layers are plain tars

    def __init__(self, path: str, ref: str | None = None) -> None:
        self.description = f"docker-archive:{path}" + (f":{ref}" if ref else "")
        self.target = os.path.abspath(path)
        self._ref: str | None = None
        if ref:
            if ref.startswith("@"):
                raise InvalidInput(f"{self.description}: @N selects an image when reading; to write, give "
                                   "NAME[:TAG] or nothing")
            self._ref = normalise_name(ref, self.description)
        if os.path.isdir(self.target):
            raise InvalidInput(f"{path} is a directory; give a file name for the docker-archive")
        self.output = open_output(path)  # a symlink is followed, a pipe or device is streamed into
        self.target = self.output.path
        parent = os.path.dirname(self.target)
        if not os.path.isdir(parent):
            raise NotFound(f"{parent}: no such directory for the output")
        self._lock = threading.Lock()
        self._blobs: dict[str, Digest] = {}  # hex -> digest, staged
        self._images: dict[str, _OutImage] = {}  # config digest -> image, in arrival order
        self._ref_used = False
        self._finished = False
        # The first layer of the first image is the archive's first member: it is streamed straight into the
        # archive file (after room for its header) instead of into staging and then copied: the biggest
        # single cost of an export is writing the bytes, and this writes a single-layer image once.
        self._first: Digest | None = None
        self._out: tuple[int, str] | None = None  # the archive file being built (open_beside)
        self._direct: _DirectWriter | None = None
        self._direct_done: tuple[Digest, int] | None = None
        try:
            self._staging = Staging(self.output.work_dir)
        except OSError as exc:
            raise EstibaError(f"cannot write next to {self.target} ({exc.strerror})") from None

    # -- blobs
    def _record(self, digest: Digest) -> None:
        with self._lock:
            self._blobs[digest.hex] = digest

    def has_blob(self, digest: Digest) -> bool:
        with self._lock:
            return digest.hex in self._blobs

    def blob_size(self, digest: Digest) -> int:
        if self._direct_done is not None and self._direct_done[0] == digest:
            return self._direct_done[1]
        return os.path.getsize(self._staging.path(digest)) if self.has_blob(digest) else -1

    def blob_writer(self) -> BlobWriter:
        return RecordingWriter(self._staging.writer(), self._record)

    def planned(self, diff_ids: list[Digest]) -> None:
        with self._lock:
            if self._first is None and not self._images and diff_ids:
                self._first = diff_ids[0]

    def layer_writer(self, diff_id: Digest) -> BlobWriter:
        with self._lock:
            if diff_id != self._first or self._direct is not None or self._direct_done is not None:
                return self.blob_writer()
            if self._out is None:
                self._out = self.output.begin()
            self._direct = _DirectWriter(self._out[0], self._direct_committed, self._direct_aborted)
            return self._direct

    def _direct_committed(self, digest: Digest, size: int) -> None:
        with self._lock:
            self._direct, self._direct_done = None, (digest, size)
            self._blobs[digest.hex] = digest

    def _direct_aborted(self) -> None:
        with self._lock:
            self._direct = None

    def put_blob_file(self, path: str, offset: int, size: int, digest: Digest, on_bytes: OnBytes = None) -> bool:
        self._staging.put_file(path, offset, size, digest)
        self._record(digest)
        return True

    def put_manifest(self, raw: bytes) -> None:
        pass  # a docker-archive stores no manifests: readers synthesise them from manifest.json

    # -- images
    def add_image(self, top: bytes, names: list[str], config: ImageConfig | None) -> None:
        manifest = parse(top, "manifest")
        if not isinstance(manifest, ImageManifest) or config is None:
            raise Unsupported(f"{self.description} cannot hold a multi-platform image; copy one platform")
        diff_ids = config.diff_ids
        if [layer.digest for layer in manifest.layers] != diff_ids:
            raise InvalidInput(f"{self.description}: the layers handed over are not the image's uncompressed "
                               "layers (their digests differ from the config's diffIDs)")
        for digest in [config.digest, *diff_ids]:
            if not self.has_blob(digest):
                raise InvalidInput(f"{self.description}: blob {digest[:19]}… was never written")
        wanted = self._names(names)
        with self._lock:
            for key, other in self._images.items():  # a name belongs to one image: the last one given it
                if key != config.digest:
                    other.names = [n for n in other.names if n not in wanted]
            image = self._images.setdefault(str(config.digest), _OutImage(config, diff_ids, []))
            image.names = list(dict.fromkeys(image.names + wanted))

    def _names(self, names: list[str]) -> list[str]:
        if self._ref is not None:
            if self._ref_used:
                raise Unsupported(f"{self.description} names one image but the source holds several; "
                                  "copy them one at a time or leave out the name")
            self._ref_used = True
            return [self._ref]
        out = []
        for name in names:
            try:
                ref = parse_reference(name)
            except InvalidReference as exc:
                raise InvalidInput(f"{self.description}: {exc}") from None
            if ref.tag is None:
                continue  # digest-only names cannot be RepoTags (§2.7); write tags or nothing (pitfall 8)
            out.append(ref.tagged)
        return list(dict.fromkeys(out))

    def _members(self) -> list[tuple[str, str, str | bytes]]:
        """(kind, name, data) in c/image's order: per image its new layers, its config, its legacy dirs; then
        manifest.json and repositories (§1.1 variant A)."""
        members: list[tuple[str, str, str | bytes]] = []
        written: set[str] = set()
        manifest: list[dict] = []
        repositories: dict[str, dict[str, str]] = {}
        for image in self._images.values():
            layer_names = [f"{d.hex}.tar" for d in image.diff_ids]
            for diff_id, name in zip(image.diff_ids, layer_names, strict=True):
                if name not in written:
                    written.add(name)
                    members.append(("file", name, self._staging.path(diff_id)))
            config_name = f"{image.config.digest.hex}.json"
            if config_name not in written:
                written.add(config_name)
                members.append(("file", config_name, self._staging.path(image.config.digest)))
            legacy = legacy_layers(image.config.raw, image.diff_ids)
            for (v1id, v1json), layer_name in zip(legacy, layer_names, strict=True):
                if v1id in written:
                    continue
                written.add(v1id)
                members += [("symlink", f"{v1id}/layer.tar", f"../{layer_name}"),
                            ("file", f"{v1id}/VERSION", b"1.0"), ("file", f"{v1id}/json", v1json)]
            manifest.append({"Config": config_name, "RepoTags": list(image.names), "Layers": layer_names})
            if legacy:
                for name in image.names:
                    repo, _, tag = name.rpartition(":")
                    repositories.setdefault(repo, {})[tag] = legacy[-1][0]
        repos_sorted = {k: dict(sorted(v.items())) for k, v in sorted(repositories.items())}  # Go sorts map keys
        members += [("file", MANIFEST_FILE, dump_json(manifest)), ("file", REPOSITORIES_FILE, dump_json(repos_sorted))]
        return members

    def commit(self) -> None:
        if self._finished:
            raise InvalidInput(f"{self.description} was already committed or aborted")
        try:
            if not self._images:
                raise InvalidInput(f"{self.description}: no image was written")
            members = self._members()
            start = self._place_direct_layer(members)
            if start:
                members = members[1:]

            def write(fd: int) -> None:
                os.ftruncate(fd, start)
                os.lseek(fd, start, os.SEEK_SET)
                write_tar(fd, members)

            opened, self._out = self._out, None
            self.output.finish(write, FILE_MODE, opened)
        except BaseException as exc:
            self.abort()
            if isinstance(exc, OSError):
                raise EstibaError(f"cannot write {self.description} ({exc.strerror}); nothing was changed") \
                    from None
            raise
        self._finished = True
        self._staging.cleanup()

    def _place_direct_layer(self, members: list) -> int:
        """Where the rest of the archive goes after the layer streamed into it: the end of that member when
        it is the archive's first (always, unless its header needs PAX records: a layer over 8 GiB), else 0
        after moving its bytes to staging like any other layer."""
        if self._direct_done is None or self._out is None:
            return 0
        digest, size = self._direct_done
        fd, tmp = self._out
        name = f"{digest.hex}.tar"
        if members and members[0][:2] == ("file", name) and size <= USTAR_MAX_SIZE:
            os.pwrite(fd, _header(name, size), 0)
            return 512 + size + (-size % 512)
        copy_range(tmp, 512, size, self._staging.path(digest))
        return 0

    def abort(self) -> None:
        if self._finished:
            return
        self._finished = True
        if self._out is not None:
            fd, tmp = self._out
            self._out = None
            os.close(fd)
            try:
                os.unlink(tmp)
            except OSError:
                pass
        self._staging.cleanup()


def open_destination(path: str, ref: str | None = None) -> Destination:
    """`docker-archive:PATH[:NAME[:TAG]]` for writing; with NAME the image gets that name instead of its own."""
    return DockerArchiveDestination(path, ref)


# -- tar writing ----------------------------------------------------------------------------------------------


def _header(name: str, size: int, link: str | None = None) -> bytes:
    info = tarfile.TarInfo(name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mtime = 0
    if link is None:
        info.mode, info.size = MEMBER_MODE, size
    else:
        info.type, info.linkname, info.mode = tarfile.SYMTYPE, link, 0  # c/image: os.ModeSymlink, no permissions
    buf = info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")
    if len(buf) == 512:
        buf = _go_ustar(buf)
    return buf


def _go_ustar(header: bytes) -> bytes:
    """Go's archive/tar fills devmajor/devminor with octal zeros where Python leaves NULs: with that our
    archives are byte-identical to skopeo's for the same image and name."""
    buf = bytearray(header)
    buf[329:345] = b"0000000\x000000000\x00"
    buf[148:156] = b" " * 8
    buf[148:156] = b"%06o\x00 " % sum(buf)
    return bytes(buf)


def write_tar(fd: int, members: list[tuple[str, str, str | bytes]]) -> None:
    """Write a tar at fd: ("file", name, bytes | staged path) or ("symlink", name, target). The data of
    staged files is copied by the kernel; the header is written first with the size taken from the file."""
    for kind, name, payload in members:
        if kind == "symlink":
            assert isinstance(payload, str)
            write_all(fd, _header(name, 0, payload))
            continue
        append_file(fd, lambda size, name=name: _header(name, size), payload)
    end_archive(fd)
