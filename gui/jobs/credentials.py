"""Registry logins through engine.credentials, imported lazily: without it the dialogs say so inline.

Every function here blocks (keyring over D-Bus, HTTP for login): call them through TaskRunner only.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from types import ModuleType

from engine.errors import EstibaError, NotFound

MISSING = "registry logins are not available in this version of Estiba (engine.credentials is missing)"


class CredentialsUnavailable(EstibaError):
    pass


def module() -> ModuleType:
    try:
        return importlib.import_module("engine.credentials")
    except ImportError:
        raise CredentialsUnavailable(MISSING) from None


@dataclass(frozen=True)
class LoginState:
    registry: str
    user: str | None  # None: not logged in
    where: str = ""


@dataclass(frozen=True)
class KeyringState:
    works: bool
    text: str


def keyring_status() -> KeyringState:
    works, text = module().keyring_status()
    return KeyringState(bool(works), str(text))


def login(registry: str, user: str, password: str, tls_verify: bool | None, authfile: str | None) -> str:
    return module().login(registry, user, password, tls_verify=tls_verify, authfile=authfile)


def logout(registry: str, authfile: str | None = None) -> object:
    return module().logout(registry, authfile=authfile)


def logins() -> list[tuple[str, str, str]]:
    return [(str(r), str(u), str(w)) for r, u, w in module().logins()]


def login_state(registry: str) -> LoginState:
    creds = module()
    try:
        user = creds.get_login(registry)
    except NotFound:
        return LoginState(registry, None)
    if isinstance(user, tuple | list):  # tolerate (user, where)
        return LoginState(registry, str(user[0]), str(user[1]) if len(user) > 1 else "")
    where = next((w for r, u, w in logins() if r == registry and u == user), "")
    return LoginState(registry, str(user), where)


def default_authfile() -> str:
    """Where podman keeps logins: $REGISTRY_AUTH_FILE, else $XDG_RUNTIME_DIR/containers/auth.json."""
    if os.environ.get("REGISTRY_AUTH_FILE"):
        return os.environ["REGISTRY_AUTH_FILE"]
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime:
        return os.path.join(runtime, "containers", "auth.json")
    config = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    return os.path.join(config, "containers", "auth.json")
