"""The short-name aliases podman records itself (containers/image pkg/sysregistriesv2/shortnames.go and
pkg/shortnames/shortnames.go):

- When a short name has several unqualified-search registries and the user picks one at the terminal prompt,
  the pull of the pick, once it succeeded, is recorded as an alias: NAME = "REGISTRY/REPOSITORY" (the name
  without tag or digest, the value normalised, without tag or digest) in the `[aliases]` table of a file the
  tools write themselves.
- That file: /var/cache/containers/short-name-aliases.conf for root, else
  $XDG_CACHE_HOME/containers/short-name-aliases.conf ($XDG_CACHE_HOME defaults to ~/.cache).
- It is read at every resolution and wins over the [aliases] of registries.conf; an empty value resets an alias.
- Readers and writers lock FILE.lock (a POSIX record lock, as containers/storage's lockfile takes), so podman
  and Estiba can share it; the file is mode 0600 in a 0700 directory.
"""

from __future__ import annotations

import fcntl
import os
import re
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager

from engine.errors import InvalidInput

FILE = os.path.join("containers", "short-name-aliases.conf")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def path() -> str:
    if os.geteuid() == 0:
        return os.path.join("/var/cache", FILE)
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, FILE)


@contextmanager
def _locked(where: str, exclusive: bool) -> Iterator[None]:
    try:
        os.makedirs(os.path.dirname(where), mode=0o700, exist_ok=True)
        fd = os.open(where + ".lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError:
        yield  # a read-only cache: reading still works, recording says why it failed
        return
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)


def _read(where: str) -> dict[str, str]:
    try:
        with open(where, "rb") as f:
            doc = tomllib.load(f)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise InvalidInput(f"cannot read the short-name aliases in {where} ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"{where} is not valid TOML ({exc}); fix or remove it") from None
    aliases = doc.get("aliases")
    return {str(k): str(v) for k, v in aliases.items()} if isinstance(aliases, dict) else {}


def load() -> tuple[dict[str, str], str]:
    """(aliases, the file they were read from); a value "" means the alias is reset."""
    where = path()
    if not os.path.exists(where):
        return {}, where
    with _locked(where, exclusive=False):
        return _read(where), where


def _key(name: str) -> str:
    return name if _BARE_KEY.fullmatch(name) else '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(aliases: dict[str, str]) -> str:
    """The file as containers/image writes it (BurntSushi/toml: a table, keys sorted and indented by two)."""
    lines = ["[aliases]"]
    for name in sorted(aliases):
        value = aliases[name].replace("\\", "\\\\").replace('"', '\\"')
        lines.append(f'  {_key(name)} = "{value}"')
    return "\n".join(lines) + "\n"


def record(name: str, value: str) -> str:
    """Add or replace the alias NAME = VALUE; returns the file written."""
    where = path()
    with _locked(where, exclusive=True):
        aliases = _read(where)
        aliases[name] = value
        try:
            fd, tmp = tempfile.mkstemp(prefix=".short-name-aliases-", dir=os.path.dirname(where))
        except OSError as exc:
            raise InvalidInput(f"cannot record the short-name alias {name} in {where} ({exc.strerror})") from None
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(render(aliases))
            os.replace(tmp, where)
        except OSError as exc:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise InvalidInput(f"cannot record the short-name alias {name} in {where} ({exc.strerror})") from None
    return where
