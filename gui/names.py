"""Image names as the app shows them, file names it suggests, and the registry a destination points at."""

from __future__ import annotations

import re

from engine import transports
from engine.errors import InvalidInput
from engine.reference import parse_reference, short_id

FORMAT_LABELS = {
    "docker-archive": "Docker archive",
    "oci-archive": "OCI archive",
    "docker-dir": "Docker directory",
    "oci-dir": "OCI directory",
}
DIRECTORY_FORMATS = ("docker-dir", "oci-dir")
# Location prefixes of the file and directory transports (engine/transports/), e.g. "oci-archive:"
FILE_PREFIXES = tuple(t.prefix for t in transports.TRANSPORTS if t.holds in (transports.FILE, transports.DIRECTORY))
REGISTRY_PREFIX = transports.by_name(transports.DOCKER).prefix


def familiar(name: str) -> str:
    """`docker.io/library/alpine:latest` -> `alpine:latest`; other registries keep their host."""
    try:
        return parse_reference(name).familiar
    except InvalidInput:
        return name


def label(name: str | None, image_id: str) -> str:
    return familiar(name) if name else short_id(image_id)


def export_file_name(name: str | None, image_id: str, fmt: str, count: int = 1) -> str:
    """A sensible default: `alpine-latest.tar`, `alpine-latest-oci.tar`, `alpine-latest` (a directory)."""
    if name:
        ref = parse_reference(name)
        base = f"{ref.path.rsplit('/', 1)[-1]}-{ref.tag or 'latest'}"
    else:
        base = short_id(image_id)
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", base)
    if count > 1:
        base += f"-and-{count - 1}-more"
    suffix = {"docker-archive": ".tar", "oci-archive": "-oci.tar", "docker-dir": "", "oci-dir": "-oci"}[fmt]
    return base + suffix


def registry_of(destination: str) -> str | None:
    """The registry host a push/pull text talks to, or None for a file transport or an invalid name."""
    text = destination.strip()
    if text.startswith(FILE_PREFIXES):
        return None
    text = text.removeprefix(REGISTRY_PREFIX)
    try:
        return parse_reference(text).domain
    except InvalidInput:
        return None


def registry_text(destination: str) -> str:
    """`docker://` prefixed unless the text names another transport."""
    text = destination.strip()
    if text.startswith((REGISTRY_PREFIX, *FILE_PREFIXES)):
        return text
    return REGISTRY_PREFIX + text


def is_public_registry(registry: str) -> bool:
    return registry in ("docker.io", "quay.io", "ghcr.io", "gcr.io", "registry.gitlab.com", "mcr.microsoft.com",
                        "public.ecr.aws", "registry.k8s.io")
