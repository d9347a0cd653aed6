"""podman's auth.json and Docker's config.json: where they live, how their keys are spelled, reading a
login out of them (also through `docker-credential-NAME` helpers) and, only when the user asks for it
with --authfile, writing one (docs/registry-protocol.md §2.7, §2.9).

Secrets read here go back to the caller and nowhere else: no log line, exception or repr holds one.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import NamedTuple

from engine import jsondoc
from engine.errors import EstibaError, InvalidInput
from engine.manifest import load_json

log = logging.getLogger(__name__)

DOCKER_HUB = "docker.io"
DOCKER_HUB_SERVER_URL = "https://index.docker.io/v1/"  # the key Docker's CLI and credential helpers use
_DOCKER_HUB_ALIASES = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})
MAX_AUTH_FILE_BYTES = 1 << 20
HELPER_TIMEOUT = 30.0

_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_HOST_RE = re.compile(rf"(?:{_LABEL}(?:\.{_LABEL})*|\[[0-9a-f:]+\])(?::[0-9]{{1,5}})?", re.ASCII)
_PATH_COMPONENT_RE = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*", re.ASCII)
_HELPER_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*", re.ASCII)


class Credentials(NamedTuple):
    """(username, secret); the repr hides the secret so a stray log line or traceback cannot leak it."""

    username: str
    secret: str

    def __repr__(self) -> str:
        return f"Credentials(username={self.username!r}, secret='***')"

    __str__ = __repr__


def normalize_registry(text: str) -> str:
    """The canonical key of a registry: `https://index.docker.io/v1/` -> `docker.io`, `Quay.IO/` -> `quay.io`.

    A URL (Docker's old key style) names only its host; a bare `host/namespace` key (podman) keeps its
    path. Every Docker Hub spelling becomes `docker.io`, as containers/image reads them
    (docs/registry-protocol.md §2.7).
    """
    raw = text.strip()
    for scheme in ("https://", "http://"):
        if raw.lower().startswith(scheme):
            raw = raw[len(scheme):].split("/", 1)[0]
    if raw.lower().startswith("docker://"):
        raw = raw[len("docker://"):]
    host, _, path = raw.rstrip("/").partition("/")
    host = host.lower()
    if host in _DOCKER_HUB_ALIASES:
        host = DOCKER_HUB
    if not _HOST_RE.fullmatch(host) or (path and not all(_PATH_COMPONENT_RE.fullmatch(c) for c in path.split("/"))):
        shown = text if len(text) <= 80 else text[:80] + "..."
        raise InvalidInput(f"invalid registry {shown!r}: give HOST[:PORT] or HOST[:PORT]/NAMESPACE")
    return f"{host}/{path}" if path else host


def registry_host(registry: str) -> str:
    """`host:port/ns` -> `host:port` (of a normalized key)."""
    return registry.split("/", 1)[0]


def candidates(registry: str) -> list[str]:
    """Keys to try for a normalized `host/a/b`, most specific first: `host/a/b`, `host/a`, `host`."""
    parts = registry.split("/")
    return ["/".join(parts[:n]) for n in range(len(parts), 0, -1)]


def server_url(registry: str) -> str:
    """What a credential helper is asked for: Docker stores Docker Hub under its old v1 URL."""
    host = registry_host(registry)
    return DOCKER_HUB_SERVER_URL if host == DOCKER_HUB else host


def podman_auth_paths() -> list[Path]:
    """podman's auth.json files in reading order: $REGISTRY_AUTH_FILE, the runtime file, the config file.

    podman reads only $REGISTRY_AUTH_FILE when it is set; Estiba also reads the other two afterwards,
    so a login is found wherever podman may have put it (docs/registry-protocol.md §2.9).
    """
    paths = []
    if os.environ.get("REGISTRY_AUTH_FILE"):
        paths.append(Path(os.environ["REGISTRY_AUTH_FILE"]))
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    paths.append(Path(runtime or f"/run/containers/{os.getuid()}", "containers" if runtime else "", "auth.json"))
    config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    paths.append(Path(config_home, "containers", "auth.json"))
    return list(dict.fromkeys(paths))


def docker_config_path() -> Path:
    """$DOCKER_CONFIG/config.json, else ~/.docker/config.json."""
    base = os.environ.get("DOCKER_CONFIG")
    return Path(base, "config.json") if base else Path.home() / ".docker" / "config.json"


def read_auth_file(path: Path) -> dict | None:
    """The file's JSON object; None when it does not exist. InvalidInput when it is not an auth file."""
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_AUTH_FILE_BYTES + 1)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise InvalidInput(f"cannot read {path} ({exc.strerror or exc.__class__.__name__})") from None
    if not raw.strip():
        return {}
    doc = load_json(raw, f"auth file {path}", MAX_AUTH_FILE_BYTES)
    if not isinstance(doc, dict) or not isinstance(doc.get("auths", {}), dict):
        raise InvalidInput(f"{path} is not an auth file (expected a JSON object with an \"auths\" object)")
    return doc


def decode_auth(entry: object) -> Credentials | None:
    """An `auths` entry -> Credentials; None for placeholders `{}`, identity tokens and malformed values."""
    if not isinstance(entry, dict):
        return None
    auth = entry.get("auth")
    if not isinstance(auth, str) or not auth:
        if entry.get("identitytoken"):
            log.info("ignoring an identity-token login (not supported): log in with a password or access token")
        return None
    try:
        text = base64.b64decode(auth, validate=True).decode("utf-8").rstrip("\x00")
    except (binascii.Error, ValueError):
        log.warning("ignoring an auth entry that is not base64 of \"user:password\"")
        return None
    user, sep, secret = text.partition(":")
    if not sep or not user:
        log.warning("ignoring an auth entry that is not base64 of \"user:password\"")
        return None
    return Credentials(user, secret)


def _by_registry(section: object) -> dict[str, object]:
    """A key -> value map re-keyed by normalized registry; the exactly spelled key wins over aliases."""
    out: dict[str, tuple[str, object]] = {}
    if not isinstance(section, dict):
        return {}
    for key, value in section.items():
        try:
            norm = normalize_registry(key)
        except InvalidInput:
            continue
        if norm not in out or key == norm:
            out[norm] = (key, value)
    return {norm: value for norm, (_, value) in out.items()}


def matching_keys(keys: list[str], registry: str) -> list[str]:
    """The lookup rule: the key itself, then its parents (`host/a/b`, `host/a`, `host`); for a bare host
    with no entry of its own, the namespaced keys under it (`host/ns`), in sorted order."""
    found = [c for c in candidates(registry) if c in keys]
    if "/" not in registry:
        found += sorted(k for k in keys if k.startswith(registry + "/"))
    return found


def find_in_auths(doc: dict, registry: str) -> Credentials | None:
    auths = _by_registry(doc.get("auths"))
    for key in matching_keys(list(auths), registry):
        creds = decode_auth(auths[key])
        if creds is not None:
            return creds
    return None


def find_in_file(doc: dict, registry: str, *, creds_store: bool = False) -> Credentials | None:
    """A login from one parsed file: its `credHelpers` entry for the host, then `auths`, then (Docker's
    config.json only) the default `credsStore` helper. containers/image ignores credsStore; Docker asks it."""
    host = registry_host(registry)
    helper = _by_registry(doc.get("credHelpers")).get(host)
    if isinstance(helper, str):
        creds = run_helper(helper, server_url(host))
        if creds is not None:
            return creds
    creds = find_in_auths(doc, registry)
    if creds is None and creds_store and isinstance(doc.get("credsStore"), str):
        creds = run_helper(doc["credsStore"], server_url(host))
    return creds


def list_auths(doc: dict) -> list[tuple[str, str]]:
    """(registry, user) of every usable `auths` entry."""
    out = []
    for registry, entry in sorted(_by_registry(doc.get("auths")).items()):
        creds = decode_auth(entry)
        if creds is not None:
            out.append((registry, creds.username))
    return out


def run_helper(name: str, url: str) -> Credentials | None:
    """`docker-credential-NAME get` with the server URL on stdin; None when absent, failing or not found."""
    if not _HELPER_NAME_RE.fullmatch(name):
        log.warning("ignoring credential helper name %r: not a valid helper name", name[:40])
        return None
    exe = shutil.which(f"docker-credential-{name}")
    if exe is None:
        log.info("credential helper docker-credential-%s is not on PATH: skipping it", name)
        return None
    try:
        proc = subprocess.run([exe, "get"], input=url.encode(), capture_output=True, timeout=HELPER_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.warning("docker-credential-%s get failed (%s): skipping it", name, exc.__class__.__name__)
        return None
    if proc.returncode != 0:
        if b"credentials not found" not in proc.stdout:  # the helpers' "not found" answer
            log.warning("docker-credential-%s get exited with %d: skipping it", name, proc.returncode)
        return None
    try:
        raw = proc.stdout[:MAX_AUTH_FILE_BYTES]
        jsondoc.check_shape(raw, f"docker-credential-{name}'s answer")  # depth capped before json parses it
        answer = json.loads(raw)
    except (ValueError, InvalidInput):
        answer = None
    if not isinstance(answer, dict) or not isinstance(answer.get("Username"), str) \
            or not isinstance(answer.get("Secret"), str) or not answer["Secret"]:
        log.warning("docker-credential-%s get printed no usable credentials: skipping it", name)
        return None
    if answer["Username"] == "<token>":  # an identity (refresh) token, not a password
        log.info("docker-credential-%s holds an identity token for %s (not supported): skipping it", name, url)
        return None
    return Credentials(answer["Username"], answer["Secret"])


def atomic_write_json(path: Path, doc: dict) -> None:
    """Replace `path` with `doc` as podman writes auth.json: tab-indented, mode 0600, parent dir 0700 when made
    here, temp file + fsync + rename, so a crash leaves the old file or the new one."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # mkstemp: mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent="\t")
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _target(path: str | os.PathLike) -> Path:
    """Write through a symlink to its target (dotfile managers link auth files) instead of replacing it."""
    return Path(os.path.realpath(os.path.expanduser(path)))


def _load_for_edit(path: Path) -> dict:
    doc = read_auth_file(path)
    return {} if doc is None else doc


def write_login(path: str | os.PathLike, registry: str, username: str, secret: str) -> Path:
    """Add or replace `registry`'s entry in the auth.json at `path`, keeping every other key."""
    target = _target(path)
    doc = _load_for_edit(target)
    auths = doc.setdefault("auths", {})
    token = base64.b64encode(f"{username}:{secret}".encode()).decode("ascii")
    auths[registry] = {"auth": token}
    _write_or_fail(target, doc)
    return target


def remove_login(path: str | os.PathLike, registry: str) -> bool:
    """Remove every spelling of exactly `registry` from `auths`; True when something was removed."""
    target = _target(path)
    doc = read_auth_file(target)
    if not doc or not isinstance(doc.get("auths"), dict):
        return False
    keys = [k for k in doc["auths"] if _normalized_or_none(k) == registry]
    for key in keys:
        del doc["auths"][key]
    if keys:
        _write_or_fail(target, doc)
    return bool(keys)


def clear_logins(path: str | os.PathLike) -> list[str]:
    """`logout --all` for one file: empty `auths` and `credHelpers` (as podman does); the registries removed."""
    target = _target(path)
    doc = read_auth_file(target)
    if not doc:
        return []
    removed = [r for r, _ in list_auths(doc)]
    if doc.get("auths") or doc.get("credHelpers"):
        doc["auths"] = {}
        if "credHelpers" in doc:
            doc["credHelpers"] = {}
        _write_or_fail(target, doc)
    return removed


def _normalized_or_none(key: str) -> str | None:
    try:
        return normalize_registry(key)
    except InvalidInput:
        return None


def _write_or_fail(target: Path, doc: dict) -> None:
    try:
        atomic_write_json(target, doc)
    except OSError as exc:
        raise EstibaError(f"cannot write {target} ({exc.strerror or exc.__class__.__name__})") from None
