"""Turn any exception from a worker into the one line a user reads, plus details for the curious."""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from engine.errors import EstibaError
from engine.platform import PlatformNotFound


@dataclass(frozen=True)
class Failure:
    message: str  # one line, shown as it is
    details: str  # more context (a traceback only for internal errors)
    kind: str  # the exception's class name


def describe(exc: BaseException) -> Failure:
    if isinstance(exc, PlatformNotFound):
        tr = QCoreApplication.translate
        offered = ", ".join(exc.offered) if exc.offered else tr("Failure", "no platform it names")
        return Failure(tr("Failure", "{what} has no image for {want}; it has {offered}. Choose one of those "
                          "platforms, or All platforms to keep the whole image.")
                       .format(what=exc.what, want=exc.want, offered=offered), "", type(exc).__name__)
    if isinstance(exc, EstibaError):
        text = _one_line(str(exc))
        plain = _without_python_internals(text)
        return Failure(plain or text, text if plain != text else "", type(exc).__name__)
    if isinstance(exc, OSError):
        text = exc.strerror or str(exc)
        if exc.filename:
            text = f"{exc.filename}: {text}"
        return Failure(_one_line(text), "", type(exc).__name__)
    if isinstance(exc, ImportError):
        module = exc.name or "a module"
        return Failure(QCoreApplication.translate("Failure", "this part of Estiba is not installed (it needs {module})")
                       .format(module=module), "", type(exc).__name__)
    if isinstance(exc, MemoryError):
        return Failure(QCoreApplication.translate("Failure", "not enough memory for this; nothing was changed"), "",
                       type(exc).__name__)
    # Anything else is a bug, not something the user did: one plain line; the Python report (exception, text,
    # traceback) goes to the details only, never into the message.
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return Failure(QCoreApplication.translate("Failure", "an unexpected problem inside Estiba stopped this (the "
                                              "details have a report for the developers)"),
                   details, type(exc).__name__)


# "(JSONDecodeError: Expecting value: line 1 column 1 (char 0))": a Python exception quoted in an engine message.
_PYTHON_EXCEPTION = re.compile(r"\s*\((?:[A-Za-z_.]*[A-Z]\w*(?:Error|Exception|Warning)): (?:[^()]|\([^()]*\))*\)")


def _without_python_internals(text: str) -> str:
    return _PYTHON_EXCEPTION.sub("", text).strip()


def _one_line(text: str) -> str:
    return " ".join(text.split())
