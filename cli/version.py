"""Estiba's version, from the installed package's metadata (looked up only when asked: it costs start-up time)."""

from __future__ import annotations


def version() -> str:
    try:
        from importlib.metadata import version as dist_version

        return dist_version("estiba")
    except Exception:  # noqa: BLE001 - running from a source tree that was never installed
        return "0.1.0"
