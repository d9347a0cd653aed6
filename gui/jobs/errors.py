"""Turn any exception from a worker into the one line a user reads, plus details for the curious."""

from __future__ import annotations

import traceback
from dataclasses import dataclass

from engine.errors import EstibaError


@dataclass(frozen=True)
class Failure:
    message: str  # one line, in the engine's English (gui/error_text.py words it for the window)
    details: str  # more context (a traceback only for internal errors)
    kind: str  # the exception's class name
    hint: str = ""  # the engine's neutral hint (engine.errors.Hint value), when it gave one
    params: tuple[tuple[str, str], ...] = ()  # the hint's parameters


def describe(exc: BaseException) -> Failure:
    if isinstance(exc, EstibaError):
        hint = getattr(exc, "hint", None)
        params = getattr(exc, "params", None) or {}
        return Failure(_one_line(str(exc)) or exc.__class__.__name__, "", type(exc).__name__,
                       str(getattr(hint, "value", hint or "")), tuple((str(k), str(v)) for k, v in params.items()))
    if isinstance(exc, OSError):
        text = exc.strerror or str(exc)
        if exc.filename:
            text = f"{exc.filename}: {text}"
        return Failure(_one_line(text), "", type(exc).__name__)
    if isinstance(exc, ImportError):
        return Failure(f"this part of Estiba is not installed ({_one_line(str(exc))})", "", type(exc).__name__)
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return Failure(f"internal error: {type(exc).__name__}: {_one_line(str(exc))}", details, type(exc).__name__)


def _one_line(text: str) -> str:
    return " ".join(text.split())
