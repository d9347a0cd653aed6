"""What the two readers of an engine's images share (export_source.py's ExportedSource, podman_storage.py's
StorageSource): an engine gives no manifest of its own, so each image is offered as a Docker schema 2 manifest
over its uncompressed layers, named as the engine's inspection names it."""

from __future__ import annotations

from engine import media
from engine.contract import Source, SourceImage
from engine.digest import Digest
from engine.errors import NotFound
from engine.manifest import Descriptor, build_manifest


class EngineImages(Source):
    def __init__(self, description: str) -> None:
        self.description = description
        self._images: list[SourceImage] = []

    def add_image(self, image_id: str, config_size: int, layers: list[tuple[Digest, int]], names: list[str],
                  several: bool) -> None:
        """One image: its config's digest and size, its layers' (diffID, size), in order."""
        descs = [Descriptor(media.DOCKER_LAYER, diff_id, size) for diff_id, size in layers]
        manifest = build_manifest(media.DOCKER, Descriptor(media.DOCKER_CONFIG, Digest(image_id), config_size),
                                  descs)
        label = f"{self.description} ({image_id[7:19]})" if several else self.description
        self._images.append(SourceImage(manifest.raw, None, list(names), label))

    def images(self) -> list[SourceImage]:
        return list(self._images)

    def get_manifest(self, digest: Digest, size: int) -> bytes:
        raise NotFound(f"{self.description} holds no manifest {digest[:19]}…: an engine exports single images")
