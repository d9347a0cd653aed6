"""Media types, and how they map between Docker schema 2 and OCI."""

from __future__ import annotations

from engine import compression
from engine.errors import Unsupported

DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar"
DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip"
DOCKER_FOREIGN = "application/vnd.docker.image.rootfs.foreign.diff.tar"
DOCKER_FOREIGN_GZIP = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
DOCKER_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json"
DOCKER_SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws"

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar"
OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd"
OCI_LAYER_ND = "application/vnd.oci.image.layer.nondistributable.v1.tar"
OCI_LAYER_ND_GZIP = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"
OCI_LAYER_ND_ZSTD = "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd"
OCI_LAYOUT_HEADER = "application/vnd.oci.layout.header.v1+json"

DOCKER = "docker"
OCI = "oci"

MANIFEST_TYPES = {DOCKER_MANIFEST, OCI_MANIFEST}
INDEX_TYPES = {DOCKER_LIST, OCI_INDEX}
CONFIG_TYPES = {DOCKER_CONFIG, OCI_CONFIG}
LAYER_TYPES = {
    DOCKER_LAYER, DOCKER_LAYER_GZIP, DOCKER_FOREIGN, DOCKER_FOREIGN_GZIP,
    OCI_LAYER, OCI_LAYER_GZIP, OCI_LAYER_ZSTD, OCI_LAYER_ND, OCI_LAYER_ND_GZIP, OCI_LAYER_ND_ZSTD,
}

# Every manifest type we can read, best first: what a registry GET sends as Accept.
ACCEPT = (OCI_MANIFEST, DOCKER_MANIFEST, OCI_INDEX, DOCKER_LIST)


def family(media_type: str) -> str:
    """DOCKER or OCI for a manifest, index, config or layer type."""
    return DOCKER if media_type.startswith("application/vnd.docker.") else OCI


def manifest_type(fam: str) -> str:
    return DOCKER_MANIFEST if fam == DOCKER else OCI_MANIFEST


def index_type(fam: str) -> str:
    return DOCKER_LIST if fam == DOCKER else OCI_INDEX


def config_type(fam: str) -> str:
    return DOCKER_CONFIG if fam == DOCKER else OCI_CONFIG


def check_layer_type(media_type: str) -> None:
    if "encrypted" in media_type:
        raise Unsupported(f"encrypted layers ({media_type}) cannot be copied; decrypt the image first")
    if media_type not in LAYER_TYPES:
        raise Unsupported(
            f"{media_type!r} is not an image layer: this is an OCI artifact, not a container image"
        )


def layer_type(fam: str, kind: str) -> str:
    """The layer media type for bytes compressed with `kind` (after sniffing: labels lie)."""
    if fam == DOCKER:
        if kind == compression.GZIP:
            return DOCKER_LAYER_GZIP
        if kind == compression.NONE:
            return DOCKER_LAYER
        raise Unsupported(f"Docker schema 2 has no media type for {kind} layers; recompress them to gzip")
    return {compression.GZIP: OCI_LAYER_GZIP, compression.ZSTD: OCI_LAYER_ZSTD, compression.NONE: OCI_LAYER}[
        kind
    ]


def label_compression(media_type: str) -> str:
    """What the label claims (used only when the bytes cannot be sniffed)."""
    if media_type.endswith("gzip"):
        return compression.GZIP
    if media_type.endswith("zstd"):
        return compression.ZSTD
    return compression.NONE
