"""Errors the engine raises. The message is one line saying what is wrong; what the user can do about it is
a neutral `Hint` (with parameters) that each front end words its own way: the CLI names its flags
(cli/hints.py), the GUI names its controls (gui/hints.py)."""

from __future__ import annotations

import enum


class Hint(enum.Enum):
    """What to do about an error. Parameters travel in EstibaError.params (named in each comment)."""

    CHOOSE_PLATFORM = "choose-platform"  # a multi-platform image has no image for the platform asked
    ONE_PLATFORM = "one-platform"  # the destination cannot hold every platform: copy one
    NAME_THE_IMAGE = "name-the-image"  # the source holds several images; the destination takes one
    TLS_TRUST_CA = "tls-trust-ca"  # certificate not trusted (host): trust its CA, or stop verifying
    TLS_VERIFY_OFF = "tls-verify-off"  # the registry speaks plain HTTP: stop verifying TLS to reach it
    LOGIN_NEEDED = "login-needed"  # the registry wants credentials (registry)
    NEED_AUTHFILE = "need-authfile"  # no usable keyring: start one, or keep the login in podman's auth.json
    LOGOUT_ELSEWHERE = "logout-elsewhere"  # the login belongs to another file or tool (registry, tool, path)
    NAME_A_REGISTRY = "name-a-registry"  # logout without a registry: name one, or log out of all
    CHECK_STORE = "check-store"  # the store looks damaged: verify it
    CHOOSE_STORE = "choose-store"  # the store directory cannot be used: pick another
    FORCE_REMOVE = "force-remove"  # an image with several names, removed by ID: say so explicitly
    LIST_IMAGES = "list-images"  # an image name that is not in the store
    KEEP_COMPRESSION = "keep-compression"  # the destination stores layers one way only: ask for no compression
    TRY_AGAIN = "try-again"  # a concurrent change got in the way
    # Podman and Docker (engine/engines/); every one has the params engine ("Podman"/"Docker") and socket
    ENGINE_INSTALL = "engine-install"  # the engine is not installed here
    ENGINE_START = "engine-start"  # nothing answers at the socket: start the engine's service
    ENGINE_PERMISSION = "engine-permission"  # the socket is there but this user may not use it
    ENGINE_LIST = "engine-list"  # the engine has no such image: list its images
    ENGINE_RETRY = "engine-retry"  # the engine stopped or failed mid-request: check it runs, try again


class EstibaError(Exception):
    """Base class. str() is the message without the hint; the CLI prints `Error: <message><hint>`, exit 125."""

    def __init__(self, message: str = "", hint: Hint | None = None, **params: str) -> None:
        super().__init__(message)
        self.hint = hint
        self.params = params


class InvalidInput(EstibaError):
    """The input (an archive, a directory, a JSON document, a name) is malformed or hostile."""


class DigestMismatch(InvalidInput):
    """Bytes did not hash to the digest (or size) that describes them."""


class NotFound(EstibaError):
    """An image, a name, a blob or a file does not exist."""


class Unsupported(EstibaError):
    """The operation is valid but this format or destination cannot do it."""


class Cancelled(EstibaError):
    """The user cancelled the operation; nothing was changed."""

    def __init__(self, message: str = "cancelled") -> None:
        super().__init__(message)
