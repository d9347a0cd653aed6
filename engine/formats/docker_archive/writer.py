"""Writing a docker-archive in containers/image's layout ("variant A", what podman 4.3 and skopeo 1.9 write and
read; docs/formats.md §1.1; the members are listed in members.py). The archive is built in a temporary file beside
the output and renamed over it at commit, so it appears whole or not at all. While every layer's unpacked size is
known, each layer is written once, straight to its offset, by the parallel layer copies (placement.py); the
first layer whose size is not known is streamed in place too, and what follows it is staged beside the output
and appended by the kernel (copy_file_range) at commit. Into a stream (a pipe, /dev/stdout: engine/output.py)
nothing is built first: the layers are copied one at a time and each member goes out in order, its header
first (engine/formats/sink.py); only layers whose size is not known before they are copied (from a registry
that does not say) are staged, in the temporary directory, and appended at commit.
"""

from __future__ import annotations

import os
import threading

from engine import compression, media
from engine.contract import BlobWriter, CompressionPolicy, Destination
from engine.digest import Digest
from engine.errors import EstibaError, Hint, InvalidInput, NotFound, Unsupported
from engine.formats.docker_archive.common import MANIFEST_FILE, REPOSITORIES_FILE, normalise_name
from engine.formats.docker_archive.legacy import legacy_layers
from engine.formats.docker_archive.members import Member, OutImage, image_members, member_header, write_tar
from engine.formats.docker_archive.placement import HeadWriter, PlacedWriter, Slot
from engine.formats.sink import FileSink, StreamSink
from engine.formats.staging import RecordingWriter, Staging, copy_range
from engine.formats.tarwriter import USTAR_MAX_SIZE, padding
from engine.manifest import ImageConfig, ImageManifest, dump_json, parse
from engine.output import committing, open_output
from engine.progress import CancelToken, OnBytes
from engine.reference import InvalidReference, parse_reference

FILE_MODE = 0o644  # of the archive file itself (c/image creates it 0644)

# -- writing --------------------------------------------------------------------------------------------------


class DockerArchiveDestination(Destination):
    """`docker-archive:PATH[:NAME[:TAG]]`: a new tar replacing any file at PATH on commit, as skopeo does."""

    families = (media.DOCKER,)
    accepts_index = False
    multi_image = True
    compression = CompressionPolicy(compression.NONE, force=True)  # §2.3: docker-archive layers are plain tars
    plans_layout = True
    sequential = False  # True for a stream output: members are written in order, one layer at a time

    def __init__(self, path: str, ref: str | None = None, *, cancel: CancelToken | None = None) -> None:
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
        self.sequential = self.output.is_stream
        parent = os.path.dirname(self.target)
        if not os.path.isdir(parent):
            raise NotFound(f"{parent}: no such directory for the output")
        self._lock = threading.Lock()
        self._blobs: dict[str, Digest] = {}  # hex -> digest, staged
        self._images: dict[str, OutImage] = {}  # config digest -> image, in arrival order
        self._ref_used = False
        self._finished = False
        self._cancel = cancel
        # Writing the bytes is the biggest cost of an export: each layer goes straight to its offset in the
        # archive file (placement.py) while every size is known; the first one whose size is not known is
        # streamed in place too; only what comes after it is staged and appended at commit.
        self._out: tuple[int, str] | None = None  # the archive being built (Output.begin)
        self._sink: FileSink | StreamSink | None = None  # how bytes go into it at offsets
        self._end = 0  # where the next member goes: every byte before it is placed
        self._placing = True
        self._placed: list[str] = []  # member names placed, in archive order
        self._written: set[str] = set()  # member names placed (a name is written once)
        self._slots: dict[str, Slot] = {}  # layer hex -> where its data goes
        self._head: Digest | None = None  # the layer streamed right after the placed part
        self._head_writer: HeadWriter | None = None
        self._head_done: tuple[Digest, int] | None = None
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
        with self._lock:
            if digest.hex not in self._blobs:
                return -1
            slot = self._slots.get(digest.hex)
            if slot is not None:
                return slot.size
            if self._head_done is not None and self._head_done[0] == digest:
                return self._head_done[1]
        return os.path.getsize(self._staging.path(digest))

    def blob_writer(self) -> BlobWriter:
        return RecordingWriter(self._staging.writer(), self._record)

    def _file(self) -> FileSink | StreamSink:
        if self._out is None:
            self._out = self.output.begin()
            fd = self._out[0]
            self._sink = StreamSink(fd, self.output.given) if self.output.is_stream else FileSink(fd)
        assert self._sink is not None
        return self._sink

    def _place(self, name: str, length: int) -> None:
        self._placed.append(name)
        self._written.add(name)
        self._end += length + padding(length)

    def planned(self, diff_ids: list[Digest], sizes: list[int | None]) -> None:
        """Place the image's new layers after what is placed: write their headers, keep their offsets."""
        with self._lock:
            if not self._placing:
                return
            new: dict[str, tuple[Digest, int | None]] = {}
            for diff_id, size in zip(diff_ids, sizes, strict=True):
                name = f"{diff_id.hex}.tar"
                if name not in self._written:
                    new.setdefault(name, (diff_id, size))
            if any(size is None for _, size in new.values()):
                self._placing = False  # the rest is staged and appended at commit
                if not self.sequential:  # a file: the next layer can still be streamed in place
                    self._head = next(iter(new.values()))[0]
                return
            sink = self._file()
            for name, (diff_id, size) in new.items():
                assert size is not None
                head = member_header(name, size)
                if self.sequential:  # a stream: the header goes out when its layer starts
                    self._slots[diff_id.hex] = Slot(self._end + len(head), size, head=head)
                else:
                    sink.write_at(head, self._end)
                    self._slots[diff_id.hex] = Slot(self._end + len(head), size)
                self._place(name, len(head) + size)

    def _take_slot(self, digest: Digest) -> Slot | None:
        slot = self._slots.get(digest.hex)
        if slot is None or slot.taken:
            return None
        slot.taken = True
        if slot.head:
            self._file().write_at(slot.head, slot.offset - len(slot.head))
            slot.head = b""
        return slot

    def layer_writer(self, diff_id: Digest) -> BlobWriter:
        with self._lock:
            slot = self._take_slot(diff_id)
            if slot is not None:
                return PlacedWriter(self._file(), slot, diff_id, self._record)
            if diff_id != self._head or self._head_writer is not None or self._head_done is not None:
                return self.blob_writer()
            self._head_writer = HeadWriter(self._file().fd, self._end + 512, self._head_committed,
                                           self._head_aborted)
            return self._head_writer

    def _head_committed(self, digest: Digest, size: int) -> None:
        with self._lock:
            self._head_writer, self._head_done = None, (digest, size)
            self._blobs[digest.hex] = digest

    def _head_aborted(self) -> None:
        with self._lock:
            self._head_writer = None

    def put_blob_file(self, path: str, offset: int, size: int, digest: Digest, on_bytes: OnBytes = None) -> bool:
        with self._lock:
            slot = self._take_slot(digest)
            sink = self._file() if slot is not None else None
        if slot is None or sink is None:
            self._staging.put_file(path, offset, size, digest)
        else:
            if size != slot.size:
                raise InvalidInput(f"layer {digest[:19]}… is {size} bytes, not the {slot.size} recorded for it: "
                                   "the image or the store is damaged", Hint.CHECK_STORE)
            sink.copy_at(path, offset, size, slot.offset, on_bytes)
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
            image = self._images.setdefault(str(config.digest), OutImage(config, diff_ids, []))
            image.names = list(dict.fromkeys(image.names + wanted))
            if self._placing:
                self._place_members(image_members(image, self._written, self._staging.path))

    def _place_members(self, members: list[Member]) -> None:
        """Write an image's config and legacy members (and any layer that was not planned) where they go."""
        sink = self._file()
        for kind, name, payload in members:
            if kind == "symlink":
                assert isinstance(payload, str)
                head = member_header(name, 0, payload)
                sink.write_at(head, self._end)
                self._place(name, len(head))
            elif isinstance(payload, bytes):
                head = member_header(name, len(payload))
                sink.write_at(head + payload, self._end)
                self._place(name, len(head) + len(payload))
            else:
                size = os.path.getsize(payload)
                head = member_header(name, size)
                sink.write_at(head, self._end)
                sink.copy_at(payload, 0, size, self._end + len(head), self._check_cancel)
                self._place(name, len(head) + size)

    def _check_cancel(self, n: int) -> None:
        if self._cancel is not None:
            self._cancel.check()

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
                continue  # digest-only: not a RepoTag; tags or nothing (docs/formats.md §2.7, pitfall 8)
            out.append(ref.tagged)
        return list(dict.fromkeys(out))

    def _members(self) -> list[Member]:
        """(kind, name, data) in c/image's order: per image its new layers, its config, its legacy dirs; then
        manifest.json and repositories (§1.1 variant A)."""
        members: list[Member] = []
        written: set[str] = set()
        manifest: list[dict] = []
        repositories: dict[str, dict[str, str]] = {}
        for image in self._images.values():
            members += image_members(image, written, self._staging.path)
            manifest.append({"Config": f"{image.config.digest.hex}.json", "RepoTags": list(image.names),
                             "Layers": [f"{d.hex}.tar" for d in image.diff_ids]})
            if image.diff_ids:
                top = legacy_layers(image.config.raw, image.diff_ids)[-1][0]
                for name in image.names:
                    repo, _, tag = name.rpartition(":")
                    repositories.setdefault(repo, {})[tag] = top
        repos_sorted = {k: dict(sorted(v.items())) for k, v in sorted(repositories.items())}  # Go sorts map keys
        members += [("file", MANIFEST_FILE, dump_json(manifest)), ("file", REPOSITORIES_FILE, dump_json(repos_sorted))]
        return members

    def commit(self) -> None:
        if self._finished:
            raise InvalidInput(f"{self.description} was already committed or aborted")
        with committing(self.description, self.abort):
            if not self._images:
                raise InvalidInput(f"{self.description}: no image was written")
            members = self._members()
            placed = len(self._placed)
            if [m[1] for m in members[:placed]] != self._placed:
                raise EstibaError(f"internal error: the members placed in {self.description} are out of order")
            rest = members[placed:]
            start = self._end
            if self._place_head_layer(rest):
                assert self._head_done is not None
                size = self._head_done[1]
                start = self._end + 512 + size + padding(size)
                rest = rest[1:]
            sink = self._file()

            def write(fd: int) -> None:
                sink.seek_end(start)
                write_tar(fd, rest, self._check_cancel)

            opened, self._out = self._out, None
            self.output.finish(write, FILE_MODE, opened)
        self._finished = True
        self._staging.cleanup()

    def _place_head_layer(self, rest: list) -> bool:
        """Whether the layer streamed after the placed part stays there: it must be the next member, and its
        header must fit one block (not so for a layer over 8 GiB, which needs PAX records). If not, its bytes
        move to staging like any other layer's."""
        if self._head_done is None or self._out is None:
            return False
        digest, size = self._head_done
        fd, tmp = self._out
        name = f"{digest.hex}.tar"
        if rest and rest[0][:2] == ("file", name) and size <= USTAR_MAX_SIZE:
            self._file().write_at(member_header(name, size), self._end)
            return True
        copy_range(tmp, self._end + 512, size, self._staging.path(digest))
        return False

    def abort(self) -> None:
        if self._finished:
            return
        self._finished = True
        if self._out is not None:
            opened, self._out = self._out, None
            self.output.discard(opened)
        self._staging.cleanup()


def open_destination(path: str, ref: str | None = None, *, cancel: CancelToken | None = None) -> Destination:
    """`docker-archive:PATH[:NAME[:TAG]]` for writing; with NAME the image gets that name instead of its own.
    `cancel` is checked while the commit copies staged layers into the archive."""
    return DockerArchiveDestination(path, ref, cancel=cancel)
