"""Errors only the CLI raises (the wording of engine errors is cli/hints.py)."""

from __future__ import annotations

from engine.errors import EstibaError


class NotKnown(EstibaError):
    """An image named on the command line is not in the store (podman exits 1 for this, not 125)."""
