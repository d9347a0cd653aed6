"""The contract between the copy pipeline (engine/copy.py) and every place an image can be: a Source reads,
a Destination writes, and the records they exchange.

The split is containers/image's (types.ImageSource / types.ImageDestination, copy/) and the size is kept
near go-containerregistry's pkg/v1 interfaces: a source lists its images and hands out raw bytes; the
pipeline verifies every one of them, decides every conversion and calls the destination, which stages what
it receives and makes it visible only in commit(); abort() leaves nothing. Members marked "optional" have a
default here that is right for most implementers.

Against containers/image's types.ImageDestination (types/types.go): `families` is its
SupportedManifestMIMETypes, `compression` its DesiredLayerCompression, has_blob + blob_size its
TryReusingBlob (which also answers the size), blob_writer / put_blob_file its PutBlob, put_manifest its
PutManifest; add_image is what an archive or the store needs to name each image (a registry tags by the
reference instead).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import BinaryIO, Protocol

from engine import media
from engine.digest import Digest
from engine.manifest import Descriptor, ImageConfig
from engine.progress import OnBytes


@dataclass
class SourceImage:
    """One image (a manifest or an index) that a source offers."""

    manifest: bytes  # raw bytes of the top-level manifest or index
    digest: Digest | None  # what the bytes must hash to, when the source names it (index.json, a digest ref)
    names: list[str] = field(default_factory=list)  # fully qualified names, may be empty
    label: str = ""  # for messages


class BlobWriter(Protocol):
    """Bytes of one blob on their way in; commit() names them, abort() drops them. Optional, for a destination
    that `uploads`: count_accepted(on_bytes), told each byte once the far side has accepted it; progress then
    counts those instead of the bytes written (engine/upload_count.py)."""

    def write(self, data) -> int: ...
    def commit(self, digest: Digest, size: int) -> None: ...
    def abort(self) -> None: ...


class Source(ABC):
    description: str = ""  # how messages name it: "oci-archive:app.tar"
    # Optional. True only for the local store: its blobs were verified when they went in, so the pipeline
    # counts their bytes instead of hashing them again (`estiba check` re-verifies).
    trusted: bool = False

    @abstractmethod
    def images(self) -> list[SourceImage]:
        """Every image the location holds (after its name or @N selection)."""

    @abstractmethod
    def get_manifest(self, digest: Digest, size: int) -> bytes:
        """A manifest referenced by an index (raw bytes; the pipeline checks the digest)."""

    @abstractmethod
    def open_blob(self, desc: Descriptor) -> BinaryIO:
        """The blob's bytes as stored (unverified)."""

    def blob_file(self, desc: Descriptor) -> tuple[str, int, int] | None:
        """Optional. (path, offset, length) when the blob's bytes sit as-is in a regular file: lets the
        pipeline link or copy_file_range instead of copying through Python. None: read open_blob()."""
        return None

    def layer_size(self, desc: Descriptor) -> int | None:
        """Optional. The number of bytes the layer `desc` unpacks to, when the source knows it from an earlier
        check (None: unknown). Lets a destination lay out an archive before the bytes arrive."""
        return None

    def compressed_file(self, desc: Descriptor, kind: str) -> tuple[str, Digest, int] | None:
        """Optional. (path, digest, size) of a whole file holding the uncompressed layer `desc` already
        compressed to `kind` by this source, as the pipeline's own compressor writes it and hashed as written
        (engine/engines/export_compress.py). None: the pipeline compresses the layer itself."""
        return None

    def close(self) -> None:  # noqa: B027 - optional: most sources hold nothing
        """Release files, spools and connections."""

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@dataclass(frozen=True)
class CompressionPolicy:
    """What a destination wants done to layers. target None keeps every layer as it is; with force False
    only uncompressed layers are compressed to `target` (compressed ones are kept, digests and all)."""

    target: str | None = None
    force: bool = False


class Destination(ABC):
    description: str = ""  # how messages name it
    families: tuple[str, ...] = (media.OCI, media.DOCKER)  # manifest families it can hold, preferred first
    accepts_index: bool = True  # can hold a multi-platform image whole (else one platform is copied)
    multi_image: bool = False  # can take several images in one copy (an archive, the store)
    compression = CompressionPolicy()  # what happens to layers on the way in
    # Optional. True when put_blob_file sends the bytes somewhere (a registry): it then reports them through
    # on_bytes, so progress counts the sending instead of the local checking.
    uploads: bool = False
    # Optional. True when the destination lays uncompressed layers out at offsets: planned() then needs every
    # layer size the pipeline can get.
    plans_layout: bool = False
    # Optional. True when the destination can only take its members in order (an archive streamed into a pipe):
    # the pipeline then copies one layer at a time, in the manifest's order.
    sequential: bool = False
    # Optional. True when the image config may be written while the layers still move (a registry, where only
    # the manifest must come after its blobs): the pipeline then sends it beside the layers, not after them.
    config_any_time: bool = False

    def has_blob(self, digest: Digest) -> bool:
        """Optional. Whether the blob is there already (then it is not written again)."""
        return False

    def blob_size(self, digest: Digest) -> int:
        """Optional. The size of a blob has_blob() found, -1 when unknown: needed when a layer found by its
        diffID or through the blob-info cache replaces one in the manifest."""
        return -1

    def put_blob_file(self, path: str, offset: int, size: int, digest: Digest, on_bytes: OnBytes = None) -> bool:
        """Optional. Take a verified blob from a file range (link or copy_file_range). False: not supported,
        the pipeline streams it through blob_writer()."""
        return False

    @abstractmethod
    def blob_writer(self) -> BlobWriter:
        """A writer for one blob (a config, a layer)."""

    def planned(self, diff_ids: list[Digest], sizes: list[int | None]) -> None:  # noqa: B027 - optional hint
        """Optional. The uncompressed layers of the image about to be copied, in order, with the size each
        unpacks to (None: unknown), before any is written (a docker-archive lays them out in the output in
        that order). A size given here is checked when the layer arrives."""

    def layer_writer(self, diff_id: Digest) -> BlobWriter:
        """Optional. A writer for a layer stored uncompressed, so its digest will be `diff_id` (a
        docker-archive names its layer files by it). Default: blob_writer()."""
        return self.blob_writer()

    @abstractmethod
    def put_manifest(self, raw: bytes) -> None:
        """Any manifest or index the image needs (children included), stored by sha256(raw)."""

    @abstractmethod
    def add_image(self, top: bytes, names: list[str], config: ImageConfig | None) -> None:
        """Register an image whose top-level manifest or index is `top` (already put)."""

    @abstractmethod
    def commit(self) -> None:
        """Make everything visible at once."""

    @abstractmethod
    def abort(self) -> None:
        """Leave nothing behind (safe after a failed commit)."""


class ForwardingDestination(Destination):
    """A destination that hands every member to `inner`: wrappers (sync's shared uploads, --preserve-digests)
    override only what they change, so a member added to the contract reaches the wrapped destination."""

    def __init__(self, inner: Destination) -> None:
        self.inner = inner
        for attr in ("description", "families", "accepts_index", "multi_image", "compression", "uploads",
                     "plans_layout", "sequential", "config_any_time"):
            setattr(self, attr, getattr(inner, attr))

    def has_blob(self, digest: Digest) -> bool:
        return self.inner.has_blob(digest)

    def blob_size(self, digest: Digest) -> int:
        return self.inner.blob_size(digest)

    def put_blob_file(self, path: str, offset: int, size: int, digest: Digest, on_bytes: OnBytes = None) -> bool:
        return self.inner.put_blob_file(path, offset, size, digest, on_bytes)

    def blob_writer(self) -> BlobWriter:
        return self.inner.blob_writer()

    def layer_writer(self, diff_id: Digest) -> BlobWriter:
        return self.inner.layer_writer(diff_id)

    def planned(self, diff_ids: list[Digest], sizes: list[int | None]) -> None:
        self.inner.planned(diff_ids, sizes)

    def put_manifest(self, raw: bytes) -> None:
        self.inner.put_manifest(raw)

    def add_image(self, top: bytes, names: list[str], config: ImageConfig | None) -> None:
        self.inner.add_image(top, names, config)

    def commit(self) -> None:
        self.inner.commit()

    def abort(self) -> None:
        self.inner.abort()


@dataclass
class CopiedImage:
    """What one image became at the destination."""

    manifest_digest: Digest
    image_id: Digest  # config digest (for an index: the index digest)
    names: list[str]
    manifest: bytes = b""
    config: ImageConfig | None = None
    platforms: list[str] = field(default_factory=list)
    # every platform of the index one platform was picked from (empty when the source was one image)
    platforms_offered: list[str] = field(default_factory=list)
