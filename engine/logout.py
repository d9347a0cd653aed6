"""`logout`: a login is removed wherever it is, and the caller is told where it was: Estiba's own (keyring +
logins.json), the helper's entries in podman's auth.json and Docker's config.json, and plain logins that
podman (auth.json) or Docker (config.json `auths`) wrote themselves. Other tools' credential helpers are not
run: only their entry for Estiba's helper is removed."""

from __future__ import annotations

from pathlib import Path

from engine import authfile as auth_files
from engine import credentials
from engine import helper_registration as credential_helper
from engine.errors import NotFound


def _files(authfile: str | None) -> list[Path]:
    paths = [*auth_files.podman_auth_paths(), auth_files.docker_config_path()]
    if authfile:
        paths.insert(0, Path(authfile).expanduser())
    return list(dict.fromkeys(paths))


def logout(registry: str, authfile: str | None = None) -> list[str]:
    """Remove every login for `registry`; returns where they were ("the keyring", file paths). NotFound when
    there was none anywhere."""
    reg = auth_files.normalize_registry(registry)
    where: list[str] = []
    if credentials.forget_own(reg):
        where.append("the keyring")
    where += [str(p) for p in credential_helper.unregister(reg)]
    for path in _files(authfile):
        if path.exists() and auth_files.remove_login(path, reg) and str(path) not in where:
            where.append(str(path))
    if not where:
        raise NotFound(f"not logged into {reg}")
    return where


def logout_all(authfile: str | None = None) -> dict[str, list[str]]:
    """Remove every login Estiba, podman and Docker keep in files or in Estiba's keyring: registry -> where."""
    removed: dict[str, list[str]] = {}
    for reg in sorted(credentials.own_logins()):
        if credentials.forget_own(reg):
            removed.setdefault(reg, []).append("the keyring")
    for path in credential_helper.unregister(None):
        removed.setdefault("(helper entries)", []).append(str(path))
    for path in _files(authfile):
        if not path.exists():
            continue
        doc = auth_files.read_auth_file(path) or {}
        for reg, _user in auth_files.list_auths(doc):
            if auth_files.remove_login(path, reg):
                removed.setdefault(reg, []).append(str(path))
    return removed
