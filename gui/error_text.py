"""How the window words what went wrong, in the user's language.

The engine raises errors with an English one-line message, a class (the kind of error) and, for errors a
user can act on, a neutral hint with parameters (engine.errors.Hint). The command line prints the message
as it is and words the hint with its flags (cli/hints.py); the window words the message here and the hint
in gui/hints.py, naming its own controls, never a command-line flag.

Known message shapes are matched and reworded whole; any other message keeps the engine's text (names,
paths, digests, registry answers) behind a phrase that says what kind of error it is. In English that
phrase is empty, so English messages stay exactly as the engine wrote them.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, QObject

from engine.errors import EstibaError
from engine.platform import PlatformNotFound
from gui import hints
from gui.jobs.errors import Failure, without_python_internals

translate = QCoreApplication.translate

KINDS = ("InvalidInput", "DigestMismatch", "NotFound", "Unsupported", "RegistryError", "Unauthorized", "Denied",
         "CredentialsUnavailable", "EstibaError", "FileNotFoundError", "PermissionError", "OSError")


class _Leads(QObject):
    """The English source of every lead is "{detail}", told apart by the error class (the disambiguation);
    a translation puts a short phrase in front ("No encontrado: {detail}"). self.tr, because lupdate reads
    a disambiguation only there."""

    def lead(self, kind: str) -> str:
        texts = {
            "InvalidInput": self.tr("{detail}", "InvalidInput"),
            "DigestMismatch": self.tr("{detail}", "DigestMismatch"),
            "NotFound": self.tr("{detail}", "NotFound"),
            "Unsupported": self.tr("{detail}", "Unsupported"),
            "RegistryError": self.tr("{detail}", "RegistryError"),
            "Unauthorized": self.tr("{detail}", "Unauthorized"),
            "Denied": self.tr("{detail}", "Denied"),
            "CredentialsUnavailable": self.tr("{detail}", "CredentialsUnavailable"),
            "EstibaError": self.tr("{detail}", "EstibaError"),
            "FileNotFoundError": self.tr("{detail}", "FileNotFoundError"),
            "PermissionError": self.tr("{detail}", "PermissionError"),
            "OSError": self.tr("{detail}", "OSError"),
        }
        return texts[kind]


_FILE_ERRORS = ("FileNotFoundError", "PermissionError", "IsADirectoryError", "NotADirectoryError", "FileExistsError")


def _patterns() -> list[tuple[re.Pattern[str], str]]:
    """Whole engine messages the window rewords: (pattern with named groups, translated template)."""
    return [
        (re.compile(r"^(?P<image>\S+): no such image$"),
         translate("ErrorText", "{image}: there is no such image in the local store")),
        (re.compile(r"^unauthorized: (?:(?P<what>.+): )?wrong user name or password for (?P<registry>\S+)$"),
         translate("ErrorText", "unauthorized: wrong user name or password for {registry}")),
        (re.compile(r"^(?P<image>.+): manifest unknown \(no such image or tag\)$"),
         translate("ErrorText", "{image}: the registry has no such image or tag")),
        (re.compile(r"^(?P<path>.+): No such file or directory$"),
         translate("ErrorText", "{path}: no such file or directory")),
        (re.compile(r"^(?P<path>.+): Permission denied$"),
         translate("ErrorText", "{path}: permission denied")),
        (re.compile(r"^(?P<path>.+): No space left on device$"),
         translate("ErrorText", "{path}: no space left on the disk")),
        (re.compile(r"^cancelled$"), translate("ErrorText", "cancelled; nothing was changed")),
    ]


class _Params(dict):
    """Pattern groups; a missing one reads as "" instead of failing the whole message."""

    def __missing__(self, key: str) -> str:
        return ""


def _kind(error: BaseException | None) -> str:
    """The nearest error class with a lead of its own (RegistryError for a subclass of it, and so on)."""
    if error is None:
        return "EstibaError"
    for cls in type(error).__mro__:
        if cls.__name__ in KINDS:
            return cls.__name__
        if cls.__name__ in _FILE_ERRORS:
            return "OSError"
    return ""


def detail(failure: Failure) -> str:
    """The message alone (without the hint), reworded when its shape is known, else behind a lead."""
    error = failure.error
    if isinstance(error, PlatformNotFound):  # worded whole by gui/jobs/errors.py, way out included
        return failure.message
    text = without_python_internals(" ".join(str(error).split())) if isinstance(error, EstibaError) \
        else failure.message
    for pattern, template in _patterns():
        match = pattern.match(text)
        if match:
            return template.format_map(_Params({k: v or "" for k, v in match.groupdict().items()}))
    kind = _kind(error)
    if not kind:  # not an engine or file error: describe() said it in one plain line (a report in the details)
        return text
    return _Leads().lead(kind).format(detail=text)


def message(failure: Failure) -> str:
    """One line for the window: the error, then what to do about it in this app's words (gui/hints.py)."""
    text = detail(failure)
    extra = hints.hint_text(failure.error) \
        if isinstance(failure.error, EstibaError) and not isinstance(failure.error, PlatformNotFound) else ""
    return f"{text}. {extra}" if extra and text else (text or extra)


def keyring_status(works: bool, text: str) -> str:
    """The login dialog's keyring line, from engine.credentials.keyring_status()."""
    match = re.match(r"^Passwords are stored in your password manager \((?P<name>.+)\)\.$", text)
    if works and match:
        return translate("ErrorText", "Passwords are stored in your password manager ({name}).").format(
            **match.groupdict())
    match = re.match(r"^No usable keyring \((?P<reason>.+)\);", text)
    if not works and match:
        return translate("ErrorText", "No usable keyring ({reason}): logins can only be saved to an auth.json "
                                      "file, in plain base64.").format(reason=_keyring_reason(match["reason"]))
    return text


def _keyring_reason(reason: str) -> str:
    """engine.credentials' reasons for a keyring it cannot use; a backend's own error stays as it is."""
    if reason == "no keyring backend is available":
        return translate("ErrorText", "no keyring service is running")
    if reason == "the null keyring backend stores nothing":
        return translate("ErrorText", "the null keyring backend stores nothing")
    return reason


def login_place(where: str) -> str:
    """Where a login is kept, for the logins list: "keyring", "auth.json PATH" or "docker config"."""
    if where == "keyring":
        return translate("ErrorText", "keyring")
    if where == "docker config":
        return translate("ErrorText", "Docker's config.json")
    return where
