"""Image names as the app shows them, file names it suggests, and the registry a destination points at."""

from __future__ import annotations

import re

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from engine import transports
from engine.errors import InvalidInput
from engine.reference import parse_reference, short_id

FORMAT_LABELS = {  # English, for the engine-facing summaries; format_label() is what people read
    "docker-archive": QT_TRANSLATE_NOOP("Formats", "Docker archive"),
    "oci-archive": QT_TRANSLATE_NOOP("Formats", "OCI archive"),
    "docker-dir": QT_TRANSLATE_NOOP("Formats", "Docker directory"),
    "oci-dir": QT_TRANSLATE_NOOP("Formats", "OCI directory"),
}
DIRECTORY_FORMATS = ("docker-dir", "oci-dir")
# Location prefixes of the file and directory transports (engine/transports/), e.g. "oci-archive:"
FILE_PREFIXES = tuple(t.prefix for t in transports.TRANSPORTS if t.holds in (transports.FILE, transports.DIRECTORY))
REGISTRY_PREFIX = transports.by_name(transports.DOCKER).prefix


# The engine's transport titles (engine/transports/*.py), marked here for lupdate: the engine has no Qt.
# gui.i18n_tools.check() reports a transport whose title is missing from this list.
TRANSPORT_TITLES = (
    QT_TRANSLATE_NOOP("Transports", "Docker archive file"),
    QT_TRANSLATE_NOOP("Transports", "OCI archive file"),
    QT_TRANSLATE_NOOP("Transports", "OCI layout directory"),
    QT_TRANSLATE_NOOP("Transports", "dir: directory"),
    QT_TRANSLATE_NOOP("Transports", "registry image"),
    QT_TRANSLATE_NOOP("Transports", "image in the store"),
    QT_TRANSLATE_NOOP("Transports", "Podman image"),
    QT_TRANSLATE_NOOP("Transports", "Docker image"),
)


def transport_title(title: str) -> str:
    """A transport's title in the user's language."""
    return QCoreApplication.translate("Transports", title)


def format_label(fmt: str) -> str:
    """The format's name in the user's language ("Archivo Docker"); the transport names stay as they are."""
    return QCoreApplication.translate("Formats", FORMAT_LABELS[fmt])


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
