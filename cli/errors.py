"""How the CLI words engine errors, and the errors only the CLI raises."""

from __future__ import annotations

from engine.errors import EstibaError


class NotKnown(EstibaError):
    """An image named on the command line is not in the store (podman exits 1 for this, not 125)."""


def describe(exc: EstibaError) -> str:
    """The one-line message for an engine error (a neutral hint, when the engine gives one, is worded with
    the CLI's flags here)."""
    hint = getattr(exc, "hint", None)
    text = str(exc)
    if hint and isinstance(hint, str) and hint not in text:
        text += f" ({hint})"
    return text
