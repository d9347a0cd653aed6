"""Estiba's logins shared with podman, skopeo and Docker without a secret in any file.

`docker-credential-estiba` (cli/credential_helper.py) speaks the Docker credential-helper protocol
(docker/docker-credential-helpers, client/command.go): `get` reads a server URL on stdin and prints
{"ServerURL", "Username", "Secret"}; `store` reads that object; `erase` reads a URL; `list` prints
{url: username}. Its entries are Estiba's own: the user name in logins.json, the secret in the OS keyring.

After `estiba login REG`, REG -> "estiba" goes into `credHelpers` of podman's auth.json (the file podman
writes and reads first) and of Docker's config.json when that file exists (both tools honour credHelpers:
containers-auth.json(5), docker-login(1)). Only the helper's name is written there.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from engine import authfile as auth_files
from engine import credentials
from engine.errors import EstibaError, InvalidInput

HELPER = "estiba"
NOT_FOUND = "credentials not found in native keychain"  # the helpers' own words, which clients look for


def _registry_of(url: str) -> str:
    text = url.strip()
    for prefix in ("https://", "http://"):
        text = text.removeprefix(prefix)
    text = text.split("/", 1)[0] if "/v1" in text or "/v2" in text else text.rstrip("/")
    return auth_files.normalize_registry(text)


def get(url: str) -> dict | None:
    reg = _registry_of(url)
    creds = credentials.own_login(reg)
    if creds is None:
        return None
    return {"ServerURL": url.strip(), "Username": creds.username, "Secret": creds.secret}


def store(doc: dict) -> None:
    if not isinstance(doc, dict) or not all(isinstance(doc.get(k), str) for k in ("ServerURL", "Username", "Secret")):
        raise InvalidInput("store reads {\"ServerURL\": ..., \"Username\": ..., \"Secret\": ...} on stdin")
    credentials.store_own(_registry_of(doc["ServerURL"]), doc["Username"], doc["Secret"])


def erase(url: str) -> bool:
    return credentials.forget_own(_registry_of(url))


def list_logins() -> dict[str, str]:
    return dict(credentials.own_logins())


# -- registration in podman's and Docker's files -----------------------------------------------------------


def podman_file() -> Path:
    """The auth.json podman writes a login to (and reads first)."""
    return auth_files.podman_auth_paths()[0]


def _edit(path: Path, change) -> bool:
    try:
        doc = auth_files.read_auth_file(path)
    except InvalidInput:
        return False  # a file we cannot read is left alone; the keyring login works for Estiba anyway
    doc = {} if doc is None else doc
    if not change(doc):
        return False
    try:
        auth_files.atomic_write_json(Path(os.path.realpath(path)), doc)
    except OSError as exc:
        raise EstibaError(f"cannot write {path} ({exc.strerror or exc.__class__.__name__})") from None
    return True


def register(registry: str) -> list[Path]:
    """Point podman (and Docker, when it has a config) at the helper for `registry`. Returns the files changed."""
    host = auth_files.registry_host(registry)

    def add(doc: dict) -> bool:
        helpers = doc.setdefault("credHelpers", {})
        if not isinstance(helpers, dict) or helpers.get(host) == HELPER:
            return False
        helpers[host] = HELPER
        # an older plain login for the host in the same file would shadow nothing (helpers come first) but
        # would keep a secret on disk: the helper's entry replaces it
        auths = doc.get("auths")
        if isinstance(auths, dict):
            for key in [k for k in auths if auth_files.registry_host(_safe(k)) == host]:
                del auths[key]
        return True

    changed = []
    for path in (podman_file(), auth_files.docker_config_path()):
        if path == auth_files.docker_config_path() and not path.exists():
            continue
        if path != auth_files.docker_config_path():
            path.parent.mkdir(parents=True, exist_ok=True)
        if _edit(path, add):
            changed.append(path)
    return changed


def _safe(key: str) -> str:
    try:
        return auth_files.normalize_registry(key)
    except InvalidInput:
        return key


def unregister(registry: str | None) -> list[Path]:
    """Remove the helper's entry for `registry` (None: every entry naming the helper). Files changed."""
    host = auth_files.registry_host(registry) if registry else None

    def drop(doc: dict) -> bool:
        helpers = doc.get("credHelpers")
        if not isinstance(helpers, dict):
            return False
        keys = [k for k, v in helpers.items() if v == HELPER and (host is None or k == host)]
        for k in keys:
            del helpers[k]
        return bool(keys)

    return [p for p in {*auth_files.podman_auth_paths(), auth_files.docker_config_path()} if _edit(p, drop)]


def dumps(doc) -> str:
    return json.dumps(doc, separators=(",", ":"))
