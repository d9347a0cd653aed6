"""The contract between the copy pipeline and each format: a Source reads, a Destination writes.

This is the split containers/image (ImageSource / ImageDestination / copy) and go-containerregistry
use. Sources return raw, unverified bytes; the pipeline (engine/copy.py) verifies every one of them.
Destinations stage what they receive and make it visible only in commit(); abort() leaves nothing.
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
    def write(self, data) -> int: ...
    def commit(self, digest: Digest, size: int) -> None: ...
    def abort(self) -> None: ...


class Source(ABC):
    description: str = ""
    trusted: bool = False  # the local store: its blobs were verified when they went in

    @abstractmethod
    def images(self) -> list[SourceImage]: ...

    @abstractmethod
    def get_manifest(self, digest: Digest, size: int) -> bytes:
        """A manifest referenced by an index (raw bytes; the pipeline checks the digest)."""

    @abstractmethod
    def open_blob(self, desc: Descriptor) -> BinaryIO:
        """The blob's bytes as stored (unverified)."""

    def blob_file(self, desc: Descriptor) -> tuple[str, int, int] | None:
        """(path, offset, length) when the blob's bytes sit as-is in a regular file: allows links and
        copy_file_range instead of a copy through Python."""
        return None

    def layer_size(self, desc: Descriptor) -> int | None:
        """The number of bytes the layer `desc` unpacks to, when the source knows it from an earlier check
        (None: unknown). Lets a destination lay out an archive before the bytes arrive."""
        return None

    def close(self) -> None:  # noqa: B027 - most sources hold nothing
        pass

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
    description: str = ""
    families: tuple[str, ...] = (media.OCI, media.DOCKER)  # manifest families it can hold, preferred first
    accepts_index: bool = True
    multi_image: bool = False
    compression = CompressionPolicy()
    verify_diff_ids: bool = False  # decompress kept compressed layers to check them against the config
    uploads: bool = False  # put_blob_file sends the bytes somewhere (and reports them through on_bytes)
    plans_layout: bool = False  # lays uncompressed layers out at offsets: planned() needs every size it can get

    def has_blob(self, digest: Digest) -> bool:
        return False

    def put_blob_file(self, path: str, offset: int, size: int, digest: Digest, on_bytes: OnBytes = None) -> bool:
        """Take a verified blob from a file range (link or copy_file_range). False: not supported."""
        return False

    @abstractmethod
    def blob_writer(self) -> BlobWriter: ...

    def planned(self, diff_ids: list[Digest], sizes: list[int | None]) -> None:  # noqa: B027 - most ignore it
        """The uncompressed layers of the image about to be copied, in order, with the size each unpacks to
        (None: unknown), before any of them is written. A size given here is checked when the layer is."""

    def layer_writer(self, diff_id: Digest) -> BlobWriter:
        """A writer for a layer that will be stored uncompressed, so its digest will be `diff_id`."""
        return self.blob_writer()

    @abstractmethod
    def put_manifest(self, raw: bytes) -> None:
        """Any manifest or index the image needs (children included), stored by sha256(raw)."""

    @abstractmethod
    def add_image(self, top: bytes, names: list[str], config: ImageConfig | None) -> None:
        """Register an image whose top-level manifest or index is `top` (already put)."""

    @abstractmethod
    def commit(self) -> None: ...

    @abstractmethod
    def abort(self) -> None: ...


@dataclass
class CopiedImage:
    """What one image became at the destination."""

    manifest_digest: Digest
    image_id: Digest  # config digest (for an index: the index digest)
    names: list[str]
    manifest: bytes = b""
    config: ImageConfig | None = None
    platforms: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

