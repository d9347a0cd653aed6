"""Turn any exception from a worker into the one line a user reads, plus details for the curious. An engine
error's hint is worded with this app's controls (gui/hints.py); the exception itself travels along, so
callers tell failures apart by class (`failure.is_a(NotFound)`), never by name."""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from engine.errors import EstibaError
from engine.platform import PlatformNotFound
from gui.hints import worded


@dataclass(frozen=True)
class Failure:
    message: str  # one line in English: the message and its hint (gui/error_text.py words it for the window)
    details: str  # more context (a traceback only for internal errors)
    error: BaseException | None = None  # what was raised

    def is_a(self, *classes: type[BaseException]) -> bool:
        return isinstance(self.error, classes)


def describe(exc: BaseException) -> Failure:
    if isinstance(exc, PlatformNotFound):
        none = QCoreApplication.translate("Failure", "no platform it names")
        offered = ", ".join(exc.offered) if exc.offered else none
        return Failure(QCoreApplication.translate("Failure", "{what} has no image for {want}; it has {offered}. "
                                                  "Choose one of those platforms, or All platforms to keep the "
                                                  "whole image.")
                       .format(what=exc.what, want=exc.want, offered=offered), "", exc)
    if isinstance(exc, EstibaError):
        text = worded(exc) or exc.__class__.__name__
        plain = without_python_internals(text)
        return Failure(plain or text, text if plain != text else "", exc)
    if isinstance(exc, OSError):
        text = exc.strerror or str(exc)
        if exc.filename:
            text = f"{exc.filename}: {text}"
        return Failure(_one_line(text), "", exc)
    if isinstance(exc, ImportError):
        module = exc.name or "a module"
        return Failure(QCoreApplication.translate("Failure", "this part of Estiba is not installed (it needs {module})")
                       .format(module=module), "", exc)
    if isinstance(exc, MemoryError):
        return Failure(QCoreApplication.translate("Failure", "not enough memory for this; nothing was changed"), "",
                       exc)
    # Anything else is a bug, not something the user did: one plain line; the Python report (exception, text,
    # traceback) goes to the details only, never into the message.
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return Failure(QCoreApplication.translate("Failure", "an unexpected problem inside Estiba stopped this (the "
                                              "details have a report for the developers)"),
                   details, exc)


# "(JSONDecodeError: Expecting value: line 1 column 1 (char 0))": a Python exception quoted in an engine message.
_PYTHON_EXCEPTION = re.compile(r"\s*\((?:[A-Za-z_.]*[A-Z]\w*(?:Error|Exception|Warning)): (?:[^()]|\([^()]*\))*\)")


def without_python_internals(text: str) -> str:
    return _PYTHON_EXCEPTION.sub("", text).strip()


def _one_line(text: str) -> str:
    return " ".join(text.split())
