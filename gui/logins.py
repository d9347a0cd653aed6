"""Registry logins for the dialogs, through engine.credentials, as small records the GUI shows.

Every function here blocks (keyring over D-Bus, HTTP for login): call them through TaskRunner only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from engine import credentials
from engine.errors import NotFound


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
    works, text = credentials.keyring_status()
    return KeyringState(works, text)


def login(registry: str, user: str, password: str, tls_verify: bool | None, authfile: str | None) -> str:
    return credentials.login(registry, user, password, tls_verify=tls_verify, authfile=authfile)


def logout(registry: str, authfile: str | None = None) -> list[str]:
    return credentials.logout(registry, authfile=authfile)


def logins() -> list[tuple[str, str, str]]:
    return credentials.logins()


def login_state(registry: str) -> LoginState:
    try:
        user = credentials.get_login(registry)
    except NotFound:
        return LoginState(registry, None)
    where = next((w for r, u, w in logins() if r == registry and u == user), "")
    return LoginState(registry, user, where)


def default_authfile() -> str:
    """Where podman keeps logins: $REGISTRY_AUTH_FILE, else $XDG_RUNTIME_DIR/containers/auth.json."""
    if os.environ.get("REGISTRY_AUTH_FILE"):
        return os.environ["REGISTRY_AUTH_FILE"]
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime:
        return os.path.join(runtime, "containers", "auth.json")
    config = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    return os.path.join(config, "containers", "auth.json")
