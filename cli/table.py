"""What the CLI's help says about locations, read from the engine's table of transports (engine/transports/)."""

from __future__ import annotations

from engine import transports

# How the help writes each kind of location after its prefix
_PLACEHOLDER = {transports.FILE: "FILE", transports.DIRECTORY: "DIR", transports.NAME: "HOST/REPO:TAG"}


def locations() -> str:
    """`docker-archive:FILE, oci-archive:FILE, oci:DIR, dir:DIR, docker://HOST/REPO:TAG`"""
    return ", ".join(t.prefix + _PLACEHOLDER[t.holds] for t in transports.TRANSPORTS if t.prefix)


def save_formats() -> list[tuple[str, str | None]]:
    """podman's `save --format` names, in table order."""
    return [fmt for t in transports.TRANSPORTS for fmt in t.save_formats]
