"""Turn any exception from a worker into the one line a user reads, plus details for the curious. An engine
error's hint is worded with this app's controls (gui/hints.py); the exception itself travels along, so
callers tell failures apart by class (`failure.is_a(NotFound)`), never by name."""

from __future__ import annotations

import traceback
from dataclasses import dataclass

from engine.errors import EstibaError
from gui.hints import worded


@dataclass(frozen=True)
class Failure:
    message: str  # one line, shown as it is
    details: str  # more context (a traceback only for internal errors)
    error: BaseException | None = None  # what was raised

    def is_a(self, *classes: type[BaseException]) -> bool:
        return isinstance(self.error, classes)


def describe(exc: BaseException) -> Failure:
    if isinstance(exc, EstibaError):
        return Failure(worded(exc) or exc.__class__.__name__, "", exc)
    if isinstance(exc, OSError):
        text = exc.strerror or str(exc)
        if exc.filename:
            text = f"{exc.filename}: {text}"
        return Failure(_one_line(text), "", exc)
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return Failure(f"internal error: {type(exc).__name__}: {_one_line(str(exc))}", details, exc)


def _one_line(text: str) -> str:
    return " ".join(text.split())
