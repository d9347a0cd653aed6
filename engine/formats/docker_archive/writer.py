"""Writing a docker-archive in containers/image's layout ("variant A", what podman 4.3 and skopeo 1.9 write and
read; formats.md §1.1): `<diffID hex>.tar` layers, `<config hex>.json` configs, legacy `<v1id>/{layer.tar ->
../<diffID>.tar,VERSION,json}` directories, then manifest.json and repositories; mode 0444, owner 0/0, mtime 0, no
directory entries. Blobs are staged next to the output and the tar is assembled by the kernel (copy_file_range)
at commit.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

from engine import compression, media
from engine.contract import BlobWriter, CompressionPolicy, Destination
from engine.digest import Digest
from engine.errors import EstibaError, InvalidInput, NotFound, Unsupported
from engine.formats.docker_archive.common import CHUNK, MANIFEST_FILE, REPOSITORIES_FILE, normalise_name
from engine.formats.docker_archive.legacy import legacy_layers
from engine.formats.staging import RecordingWriter, Staging, copy_range
from engine.formats.tarwriter import (
    SYMLINK,
    USTAR_MAX_SIZE,
    append_file,
    end_archive,
    header,
    open_beside,
    replace_atomically,
    write_all,
)
from engine.manifest import ImageConfig, ImageManifest, dump_json, parse
from engine.progress import OnBytes
from engine.reference import InvalidReference, parse_reference

FILE_MODE = 0o644  # of the archive file itself (c/image creates it 0644)
MEMBER_MODE = 0o444  # of the members (c/image's tarFI)

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
            self._staging = Staging(parent)
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
                self._out = open_beside(self.target)
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
            replace_atomically(self.target, write, FILE_MODE, opened)
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


def _header(name: str, size: int, link: str | None = None) -> bytes:
    if link is None:
        return header(name, size, mode=MEMBER_MODE, go_numbers=True)
    return header(name, kind=SYMLINK, link=link, mode=0, go_numbers=True)  # c/image: os.ModeSymlink, no permissions


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
