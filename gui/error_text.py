"""How the window words what went wrong, in the user's language.

The engine raises errors with an English one-line message, a class (the kind of error) and, for errors a
user can act on, a neutral hint with parameters (engine.errors.Hint). The command line prints the message
as it is and words the hint with its flags (cli/hints.py); the window words both here, naming its own
controls, never a command-line flag.

Known message shapes are matched and reworded whole; any other message keeps the engine's text (names,
paths, digests, registry answers) behind a phrase that says what kind of error it is. In English that
phrase is empty, so English messages stay exactly as the engine wrote them.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, QObject

from gui.jobs.errors import Failure

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


def _hint_text(hint: str, params: dict[str, str]) -> str:
    """What to do, in words about the window. Unknown hints say nothing (the message still stands)."""
    p = _Params(params)
    texts = {
        "choose-platform": translate("ErrorText", "Choose a platform in the Pull dialog, or All platforms."),
        "one-platform": translate("ErrorText", "This destination holds one platform: choose one in the dialog."),
        "name-the-image": translate("ErrorText", "The source holds several images: name the one to take."),
        "tls-trust-ca": translate("ErrorText", "Trust the certificate authority of {host}, or clear “Verify the "
                                               "registry's TLS certificate” for a registry of your own."),
        "tls-verify-off": translate("ErrorText", "The registry speaks plain HTTP: clear “Verify the registry's TLS "
                                                 "certificate” to reach it."),
        "login-needed": translate("ErrorText", "Log in to {registry} first (Registry → Log In…)."),
        "need-authfile": translate("ErrorText", "Start a keyring (password manager), or save the login in podman's "
                                                "auth.json in the login dialog."),
        "logout-elsewhere": translate("ErrorText", "This login belongs to {tool}: log out there."),
        "name-a-registry": translate("ErrorText", "Choose the registry to log out of."),
        "check-store": translate("ErrorText", "The local store looks damaged: check it before going on."),
        "choose-store": translate("ErrorText", "Choose another image store in Settings."),
        "list-images": translate("ErrorText", "Pick the image from the list."),
        "keep-compression": translate("ErrorText", "Choose “As stored” compression for this destination."),
        "try-again": translate("ErrorText", "Something changed at the same time: try again."),
    }
    text = texts.get(hint, "")
    return text.format_map(p) if text else ""


class _Params(dict):
    """Hint parameters; a missing one reads as "?" instead of failing the whole message."""

    def __missing__(self, key: str) -> str:
        return "?"


def detail(failure: Failure) -> str:
    """The message alone, reworded when its shape is known, else the engine's words behind a lead."""
    text = failure.message
    for pattern, template in _patterns():
        match = pattern.match(text)
        if match:
            return template.format_map(_Params({k: v or "" for k, v in match.groupdict().items()}))
    if failure.details and failure.kind not in KINDS:  # an internal error: a bug, with a traceback
        return translate("ErrorText", "Estiba hit an internal error ({detail}); the details pane of the "
                                      "transfer has more.").format(detail=text)
    kind = failure.kind if failure.kind in KINDS else "OSError" if failure.kind in _FILE_ERRORS else "EstibaError"
    return _Leads().lead(kind).format(detail=text)


def message(failure: Failure) -> str:
    """One line for the window: the error, then what to do about it when the engine said."""
    text = detail(failure)
    hint = _hint_text(failure.hint, dict(failure.params)) if failure.hint else ""
    return f"{text} {hint}" if hint else text


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
