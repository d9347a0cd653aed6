"""Turn any exception from a worker into the one line a user reads, plus details for the curious."""

from __future__ import annotations

import traceback
from dataclasses import dataclass

from engine.errors import EstibaError


@dataclass(frozen=True)
class Failure:
    message: str  # one line, shown as it is
    details: str  # more context (a traceback only for internal errors)
    kind: str  # the exception's class name


def describe(exc: BaseException) -> Failure:
    if isinstance(exc, EstibaError):
        return Failure(_one_line(str(exc)) or exc.__class__.__name__, "", type(exc).__name__)
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
