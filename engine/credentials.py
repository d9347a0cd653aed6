"""Registry logins: Estiba keeps the secret in the OS keyring (service "estiba", one entry per registry) and
only the user name in its own logins.json; it also reuses what podman and Docker stored (auth.json,
config.json, credential helpers). podman's auth.json is written only when the user passes --authfile.

Lookup order for a transfer (`lookup`): Estiba's keyring login; podman's auth.json files ($REGISTRY_AUTH_FILE,
$XDG_RUNTIME_DIR/containers/auth.json, $XDG_CONFIG_HOME/containers/auth.json); Docker's config.json (its
`credHelpers` entry, `auths`, then `credsStore`); else anonymous. Inside each source a key matches when it is
the registry itself or a parent of it (`host/ns/repo`, `host/ns`, `host`); for a bare host with no entry of its
own, a namespaced entry under it (`host/ns`, first in sorted order) is used.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from engine import authfile as auth_files
from engine.authfile import Credentials, normalize_registry
from engine.errors import EstibaError, Hint, InvalidInput, NotFound

__all__ = ["Credentials", "normalize_registry", "lookup", "login", "logout", "get_login", "logins",
           "keyring_status", "KEYRING_SERVICE"]

log = logging.getLogger(__name__)

KEYRING_SERVICE = "estiba"
LOGIN_SUCCEEDED = "Login Succeeded!"
_PROBE_KEY = "estiba-keyring-probe"
_LOGINS_LOCK = threading.Lock()  # logins.json is read-modified-written; the GUI logs in from worker threads


# --- Estiba's logins.json: registry -> user name (never a secret) ---------------------------------------

def logins_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("estiba")) / "logins.json"


def _read_logins() -> dict[str, str]:
    path = logins_path()
    try:
        doc = auth_files.read_auth_file(path)
    except InvalidInput as exc:
        log.warning("ignoring %s: %s", path, exc)
        return {}
    section = (doc or {}).get("logins")
    if not isinstance(section, dict):
        return {}
    out = {}
    for key, entry in section.items():
        if isinstance(entry, dict) and isinstance(entry.get("username"), str):
            out[key] = entry["username"]
    return out


def _write_logins(users: dict[str, str]) -> None:
    path = logins_path()
    try:
        auth_files.atomic_write_json(path, {"logins": {r: {"username": u} for r, u in sorted(users.items())}})
    except OSError as exc:
        raise EstibaError(f"cannot write {path} ({exc.strerror or exc.__class__.__name__})") from None


# --- the keyring -----------------------------------------------------------------------------------------

def _backend():
    import keyring

    return keyring.get_keyring()


def _unusable_reason(backend) -> str | None:
    """Why this backend cannot hold a secret, checked without touching it; None when it may work."""
    from keyring.backends import fail, null

    if isinstance(backend, fail.Keyring):
        return "no keyring backend is available"
    if isinstance(backend, null.Keyring):
        return "the null keyring backend stores nothing"
    return None


def _backend_name(backend) -> str:
    return str(getattr(backend, "name", None) or type(backend).__name__)


def _reason(exc: BaseException) -> str:
    """The first line of a keyring error (they never carry the secret), shortened."""
    text = (str(exc).strip().splitlines() or [""])[0] or exc.__class__.__name__
    return text if len(text) <= 120 else text[:117] + "..."


def _no_keyring(reason: str) -> EstibaError:
    return EstibaError(f"no usable keyring ({reason})", Hint.NEED_AUTHFILE)


def _keyring_call(func, *args):
    """Run one keyring call; any backend failure (no D-Bus, "Prompt dismissed", locked) -> EstibaError."""
    backend = _backend()
    reason = _unusable_reason(backend)
    if reason is not None:
        raise _no_keyring(reason)
    try:
        return func(backend, *args)
    except EstibaError:
        raise
    except Exception as exc:  # backends raise keyring, secretstorage and jeepney errors alike
        raise _no_keyring(f"{_backend_name(backend)}: {_reason(exc)}") from None


def _keyring_get(registry: str) -> str | None:
    return _keyring_call(lambda b, r: b.get_password(KEYRING_SERVICE, r), registry)


def _keyring_set(registry: str, secret: str) -> None:
    def store(backend, reg: str) -> bool:
        backend.set_password(KEYRING_SERVICE, reg, secret)
        return backend.get_password(KEYRING_SERVICE, reg) == secret

    if not _keyring_call(store, registry):
        raise _no_keyring(f"{_backend_name(_backend())} did not keep the password")


def _keyring_delete(registry: str) -> bool:
    """Delete the entry; False when there was none."""
    def delete(backend, reg: str) -> bool:
        import keyring.errors

        if backend.get_password(KEYRING_SERVICE, reg) is None:
            return False
        try:
            backend.delete_password(KEYRING_SERVICE, reg)
        except keyring.errors.PasswordDeleteError:
            return False
        return True

    return _keyring_call(delete, registry)


def keyring_status() -> tuple[bool, str]:
    """(works, one line for the GUI): whether logins can be stored in the OS keyring, and where."""
    backend = _backend()
    reason = _unusable_reason(backend)
    if reason is None:
        try:
            backend.get_password(KEYRING_SERVICE, _PROBE_KEY)
        except Exception as exc:  # same as _keyring_call: any backend failure means "not usable"
            reason = f"{_backend_name(backend)}: {_reason(exc)}"
    if reason is not None:
        return False, f"No usable keyring ({reason}); logins can only be saved to an auth.json file, in plain base64."
    return True, f"Passwords are stored in your password manager ({_backend_name(backend)})."


# --- reading --------------------------------------------------------------------------------------------

def _read_file(path: Path, *, explicit: bool) -> dict | None:
    """A parsed auth file; a broken file that nobody named is skipped with a warning."""
    try:
        return auth_files.read_auth_file(path)
    except InvalidInput as exc:
        if explicit:
            raise
        log.warning("skipping %s", exc)
        return None


def _from_files(registry: str) -> tuple[Credentials, str] | None:
    """podman's auth.json files, then Docker's config.json: (credentials, where)."""
    for path in auth_files.podman_auth_paths():
        doc = _read_file(path, explicit=False)
        creds = auth_files.find_in_file(doc, registry) if doc else None
        if creds is not None:
            return creds, f"auth.json {path}"
    doc = _read_file(auth_files.docker_config_path(), explicit=False)
    creds = auth_files.find_in_file(doc, registry, creds_store=True) if doc else None
    return (creds, "docker config") if creds is not None else None


def _from_authfile(registry: str, path: str) -> Credentials | None:
    doc = _read_file(Path(path).expanduser(), explicit=True)
    return auth_files.find_in_file(doc, registry) if doc else None


def _estiba_user(registry: str, users: dict[str, str]) -> tuple[str, str] | None:
    """(key, user) of Estiba's own login matching `registry` by the module's key rule."""
    for key in auth_files.matching_keys(list(users), registry):
        return key, users[key]
    return None


def lookup(registry: str, *, authfile: str | None = None) -> Credentials | None:
    """Credentials for a transfer to/from `registry` (`host[:port]`, or `host/namespace/repo` to match
    podman's namespaced keys), in the order of the module docstring; None means anonymous.

    `authfile` (a transfer's --authfile) reads only that file, as podman does. Raises InvalidInput for a bad
    name or a broken `authfile`, and EstibaError when Estiba's own login exists but the keyring cannot be read
    and no other source has one (going anonymous would only fail later with a confusing 401).
    """
    reg = normalize_registry(registry)
    if authfile:
        return _from_authfile(reg, authfile)
    keyring_error: EstibaError | None = None
    users = _read_logins()
    for key in auth_files.matching_keys(list(users), reg):
        try:
            secret = _keyring_get(key)
        except EstibaError as exc:
            keyring_error = exc
            continue
        if secret:
            log.debug("using Estiba's login for %s (user %s) from the keyring", key, users[key])
            return Credentials(users[key], secret)
        log.warning("the keyring has no password for %s (user %s): run `estiba login %s` again", key, users[key], key)
    found = _from_files(reg)
    if found is not None:
        log.debug("using the login for %s (user %s) from %s", reg, found[0].username, found[1])
        return found[0]
    if keyring_error is not None:  # a stored login exists but cannot be read: anonymous would only fail later
        raise EstibaError(f"cannot read the login for {reg} from the keyring: {keyring_error}")
    return None


def get_login(registry: str, *, authfile: str | None = None) -> str:
    """The user name logged into `registry` (`login --get-login`); NotFound when there is none."""
    reg = normalize_registry(registry)
    if authfile:
        creds = _from_authfile(reg, authfile)
        if creds is None:
            raise NotFound(f"not logged into {reg}")
        return creds.username
    own = _estiba_user(reg, _read_logins())
    if own is not None:
        return own[1]
    found = _from_files(reg)
    if found is None:
        raise NotFound(f"not logged into {reg}")
    return found[0].username


def logins() -> list[tuple[str, str, str]]:
    """(registry, user, where) for every login Estiba can see, most preferred source first; `where` is
    "keyring", "auth.json PATH" or "docker config". Helper-held logins are not listed (that would run them)."""
    out = [(reg, user, "keyring") for reg, user in sorted(_read_logins().items())]
    for path in auth_files.podman_auth_paths():
        doc = _read_file(path, explicit=False)
        out += [(reg, user, f"auth.json {path}") for reg, user in auth_files.list_auths(doc or {})]
    doc = _read_file(auth_files.docker_config_path(), explicit=False)
    out += [(reg, user, "docker config") for reg, user in auth_files.list_auths(doc or {})]
    return out


# --- Estiba's own entries (what docker-credential-estiba serves, engine/credential_helper.py) -----------

def require_keyring() -> None:
    """Raise the no-keyring error (with its neutral hint) when the keyring cannot hold a login: `login` says so
    before it asks for anything."""
    works, _ = keyring_status()
    if not works:
        backend = _backend()
        reason = _unusable_reason(backend) or f"{_backend_name(backend)} does not answer"
        raise _no_keyring(reason)


def own_login(registry: str) -> Credentials | None:
    """Estiba's login for exactly `registry` (logins.json + keyring), or None. Never reads other tools' files:
    the helper is what those files point to."""
    reg = normalize_registry(registry)
    user = _read_logins().get(reg)
    if user is None:
        return None
    secret = _keyring_get(reg)
    return Credentials(user, secret) if secret else None


def store_own(registry: str, username: str, secret: str) -> None:
    reg = normalize_registry(registry)
    _check_user(username, secret)
    with _LOGINS_LOCK:
        _keyring_set(reg, secret)
        users = _read_logins()
        users[reg] = username
        _write_logins(users)


def forget_own(registry: str) -> bool:
    reg = normalize_registry(registry)
    with _LOGINS_LOCK:
        users = _read_logins()
        if reg not in users:
            return False
        _forget_keyring(reg)
        del users[reg]
        _write_logins(users)
    return True


def own_logins() -> dict[str, str]:
    return _read_logins()


# --- login / logout -------------------------------------------------------------------------------------

def _check_user(username: str, password: str) -> None:
    if not username or any(c in username for c in ":\r\n"):
        raise InvalidInput("invalid user name: give a non-empty name without ':' or line breaks")
    if not password:
        raise InvalidInput("empty password: give the password or access token")


def login(registry: str, username: str, password: str, *, tls_verify: bool | None = None,
          authfile: str | None = None) -> str:
    """Check the credentials against the registry, then store them: in the OS keyring (default) or, when the
    user passed `authfile`, in that podman auth.json (plain base64, mode 0600). Nothing is stored when the
    check fails. Returns podman's one-line "Login Succeeded!"."""
    reg = normalize_registry(registry)
    _check_user(username, password)
    if authfile is None:
        reason = _unusable_reason(_backend())
        if reason is not None:  # fail before asking the registry: nothing could be kept anyway
            raise _no_keyring(reason)
    from engine import registry as registry_client  # lazy: the HTTP stack is not needed to read logins

    registry_client.check_login(auth_files.registry_host(reg), username, password, tls_verify=tls_verify)
    if authfile is not None:
        auth_files.write_login(authfile, reg, username, password)
        return LOGIN_SUCCEEDED
    with _LOGINS_LOCK:
        _keyring_set(reg, password)
        users = _read_logins()
        users[reg] = username
        try:
            _write_logins(users)
        except EstibaError:
            _keyring_delete(reg)  # do not leave a secret nobody knows the user name of
            raise
    from engine import helper_registration

    helper_registration.register(reg)  # podman, skopeo and Docker now ask docker-credential-estiba
    return LOGIN_SUCCEEDED


def logout(registry: str | None = None, *, all: bool = False, authfile: str | None = None) -> list[str]:
    """Remove Estiba's login for `registry` (keyring entry + logins.json), and its entry in `authfile` when
    given; with all=True remove every login Estiba stored (and empty `authfile`). Returns the registries
    removed. NotFound("not logged into REGISTRY") when a named registry had nothing to remove."""
    with _LOGINS_LOCK:
        return _logout(registry, all, authfile)


def _logout(registry: str | None, all: bool, authfile: str | None) -> list[str]:
    if all:
        users = _read_logins()
        removed = []
        for reg in sorted(users):
            _forget_keyring(reg)
            removed.append(reg)
            del users[reg]
            _write_logins(users)
        if authfile is not None:
            removed += [r for r in auth_files.clear_logins(authfile) if r not in removed]
        return removed
    if registry is None:
        raise InvalidInput("logout needs a registry", Hint.NAME_A_REGISTRY)
    reg = normalize_registry(registry)
    users = _read_logins()
    found = False
    if reg in users:
        _forget_keyring(reg)
        del users[reg]
        _write_logins(users)
        found = True
    if authfile is not None and auth_files.remove_login(authfile, reg):
        found = True
    if not found:
        raise _not_logged_in(reg) if authfile is None else NotFound(f"not logged into {reg}")
    return [reg]


def _forget_keyring(registry: str) -> None:
    """Delete the keyring entry; with no backend at all there is nothing reachable to delete."""
    if _unusable_reason(_backend()) is not None:
        log.warning("no keyring backend: cannot delete the stored password for %s", registry)
        return
    _keyring_delete(registry)


def _not_logged_in(registry: str) -> NotFound:
    """podman's answer, plus where a login made by another tool sits (podman says "use docker logout")."""
    found = _from_files(registry)
    if found is None:
        return NotFound(f"not logged into {registry}")
    where = found[1]
    tool, path = ("docker", "") if where == "docker config" else ("podman", where.removeprefix("auth.json "))
    return NotFound(f"not logged into {registry} with Estiba (the login in {where} is not Estiba's)",
                    Hint.LOGOUT_ELSEWHERE, registry=registry, tool=tool, path=path)
