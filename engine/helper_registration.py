"""docker-credential-estiba registered for a registry in the files podman and Docker read.

After `estiba login REG`, REG -> "estiba" goes into `credHelpers` of podman's auth.json (the file podman writes
and reads first) and of Docker's config.json when that file exists (both tools honour credHelpers:
containers-auth.json(5), docker-login(1)). Only the helper's name is written there; the helper itself is
engine/credential_helper.py.
"""

from __future__ import annotations

import os
from pathlib import Path

from engine import authfile as auth_files
from engine.errors import EstibaError, InvalidInput

HELPER = "estiba"


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


