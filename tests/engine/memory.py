"""In-memory Source and Destination for testing one format at a time through the real copy pipeline."""

from __future__ import annotations

import io

from engine import media
from engine.contract import CompressionPolicy, Destination, Source, SourceImage
from engine.digest import Digest, sha256_digest
from engine.manifest import Descriptor, ImageConfig


class MemorySource(Source):
    """Serves blobs and manifests from dicts: `MemorySource.from_built(built_image, names)`."""

    def __init__(self, blobs: dict[str, bytes], tops: list[tuple[bytes, list[str]]]) -> None:
        self.description = "memory"
        self.blobs = blobs
        self.tops = tops

    @classmethod
    def from_built(cls, images, names: list[str] | None = None, index: bytes | None = None) -> MemorySource:
        """images: one BuiltImage or a list (tests/fixtures/images.py); index: raw index bytes over them."""
        images = images if isinstance(images, list) else [images]
        blobs: dict[str, bytes] = {}
        for img in images:
            blobs[img.config_digest] = img.config
            blobs[img.manifest_digest] = img.manifest
            for layer in img.layers:
                blobs[layer.digest] = layer.blob
        if index is not None:
            return cls(blobs, [(index, list(names or []))])
        return cls(blobs, [(img.manifest, list(names or [])) for img in images])

    def images(self) -> list[SourceImage]:
        return [SourceImage(raw, sha256_digest(raw), names, "memory image") for raw, names in self.tops]

    def get_manifest(self, digest: Digest, size: int) -> bytes:
        return self.blobs[digest]

    def open_blob(self, desc: Descriptor):
        return io.BytesIO(self.blobs[desc.digest])


class MemoryDestination(Destination):
    """Keeps everything in dicts; `committed` flips on commit, `aborted` on abort."""

    def __init__(self, families=(media.OCI, media.DOCKER), compression: CompressionPolicy | None = None,
                 multi_image=True,
                 accepts_index=True) -> None:
        self.description = "memory destination"
        self.families = families
        self.compression = compression or CompressionPolicy()
        self.multi_image = multi_image
        self.accepts_index = accepts_index
        self.blobs: dict[str, bytes] = {}
        self.manifests: dict[str, bytes] = {}
        self.images: list[tuple[bytes, list[str], ImageConfig | None]] = []
        self.committed = False
        self.aborted = False

    def has_blob(self, digest: Digest) -> bool:
        return digest in self.blobs

    def blob_size(self, digest: Digest) -> int:
        return len(self.blobs[digest])

    def blob_writer(self):
        dest = self

        class _W(io.BytesIO):
            def commit(self, digest: Digest, size: int) -> None:
                data = self.getvalue()
                assert sha256_digest(data) == digest and len(data) == size
                dest.blobs[digest] = data

            def abort(self) -> None:
                pass

        return _W()

    def put_manifest(self, raw: bytes) -> None:
        self.manifests[sha256_digest(raw)] = raw

    def add_image(self, top: bytes, names: list[str], config: ImageConfig | None) -> None:
        self.images.append((top, names, config))

    def commit(self) -> None:
        self.committed = True

    def abort(self) -> None:
        self.aborted = True
