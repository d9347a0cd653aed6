"""registries.conf version 2 as podman reads it (containers-registries.conf(5), containers-registries.conf.d(5);
containers/image pkg/sysregistriesv2/system_registries_v2.go):

- the main file: $CONTAINERS_REGISTRIES_CONF, else ~/.config/containers/registries.conf when it exists, else
  /etc/containers/registries.conf;
- then the drop-ins, *.conf in ~/.config/containers/registries.conf.d when it exists, else
  /etc/containers/registries.conf.d, in name order; each one's keys override the earlier ones', a
  [[registry]] replaces one with the same prefix, [aliases] are merged;
- unqualified-search-registries, short-name-mode, [aliases]; [[registry]] prefix (default: location),
  location, insecure, blocked and [[registry.mirror]] location / insecure (mirrors are for pulls).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field

from engine.errors import InvalidInput

SYSTEM_FILE = "/etc/containers/registries.conf"
SYSTEM_DIR = "/etc/containers/registries.conf.d"


@dataclass
class Endpoint:
    location: str
    insecure: bool = False


@dataclass
class RegistryEntry:
    prefix: str
    location: str
    insecure: bool = False
    blocked: bool = False
    mirrors: list[Endpoint] = field(default_factory=list)

    def matches(self, name: str) -> bool:
        """containers-registries.conf(5): `prefix` matches a name at a '/' or ':' or '@' boundary, or as
        `*.domain` matches any host below domain."""
        if self.prefix.startswith("*."):
            host = name.split("/", 1)[0]
            return host.endswith(self.prefix[1:])
        if not name.startswith(self.prefix):
            return False
        rest = name[len(self.prefix):]
        return rest == "" or rest[0] in "/:@"

    def rewrite(self, name: str, location: str) -> str:
        if self.prefix.startswith("*."):
            return name  # a wildcard entry cannot relocate (the man page forbids `location` with it)
        return location + name[len(self.prefix):]


@dataclass
class RegistriesConf:
    unqualified_search: list[str] = field(default_factory=list)
    short_name_mode: str = "permissive"  # containers/image's default when no file sets it (measured: podman 4.3)
    aliases: dict[str, str] = field(default_factory=dict)
    registries: list[RegistryEntry] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # read, in order (for messages)
    search_defined: bool = False

    def entry_for(self, name: str) -> RegistryEntry | None:
        """The [[registry]] with the longest matching prefix."""
        hits = [r for r in self.registries if r.matches(name)]
        return max(hits, key=lambda r: len(r.prefix), default=None)

    def pull_endpoints(self, name: str) -> list[Endpoint]:
        """Where to pull `name` (a full name, domain/path[:tag|@digest]) from, in order: the mirrors, then the
        registry itself. Raises InvalidInput when the registry is blocked."""
        entry = self.entry_for(name)
        if entry is None:
            return [Endpoint(name)]
        if entry.blocked:
            raise InvalidInput(f"registry {entry.prefix} is blocked in registries.conf; pulling {name} is refused")
        out = [Endpoint(entry.rewrite(name, m.location), m.insecure) for m in entry.mirrors]
        return out + [Endpoint(entry.rewrite(name, entry.location), entry.insecure)]

    def push_endpoint(self, name: str) -> Endpoint:
        entry = self.entry_for(name)
        if entry is None:
            return Endpoint(name)
        if entry.blocked:
            raise InvalidInput(f"registry {entry.prefix} is blocked in registries.conf; pushing {name} is refused")
        return Endpoint(entry.rewrite(name, entry.location), entry.insecure)


def _home() -> str:
    return os.path.expanduser("~")


def config_files() -> tuple[str | None, list[str]]:
    """(main file, drop-in files) podman would read now."""
    env = os.environ.get("CONTAINERS_REGISTRIES_CONF")
    user_file = os.path.join(_home(), ".config", "containers", "registries.conf")
    if env:
        main = env
    elif os.path.exists(user_file):
        main = user_file
    else:
        main = SYSTEM_FILE
    user_dir = os.path.join(_home(), ".config", "containers", "registries.conf.d")
    folder = user_dir if os.path.isdir(user_dir) else SYSTEM_DIR
    try:
        drop_ins = sorted(os.path.join(folder, n) for n in os.listdir(folder) if n.endswith(".conf"))
    except OSError:
        drop_ins = []
    return (main if os.path.exists(main) else None), drop_ins


def _read(path: str) -> dict:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except OSError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"{path} is not valid TOML ({exc}); fix or remove it") from None


def _entry(doc: dict, path: str) -> RegistryEntry:
    location = str(doc.get("location", ""))
    prefix = str(doc.get("prefix", "") or location)
    if not prefix:
        raise InvalidInput(f"{path}: a [[registry]] has neither prefix nor location")
    mirrors = [Endpoint(str(m.get("location", "")), bool(m.get("insecure", False)))
               for m in doc.get("mirror", []) if isinstance(m, dict) and m.get("location")
               and m.get("pull-from-mirror", "all") in ("all", "tag-only", "digest-only")]
    return RegistryEntry(prefix, location or prefix, bool(doc.get("insecure", False)),
                         bool(doc.get("blocked", False)), mirrors)


def _merge(conf: RegistriesConf, doc: dict, path: str) -> None:
    if "unqualified-search-registries" in doc:
        conf.unqualified_search = [str(r) for r in doc["unqualified-search-registries"]]
        conf.search_defined = True
    if "short-name-mode" in doc:
        conf.short_name_mode = str(doc["short-name-mode"])
    aliases = doc.get("aliases")
    if isinstance(aliases, dict):
        conf.aliases.update({str(k): str(v) for k, v in aliases.items()})
    for raw in doc.get("registry", []) or []:
        if isinstance(raw, dict):
            entry = _entry(raw, path)
            conf.registries = [r for r in conf.registries if r.prefix != entry.prefix] + [entry]
    conf.files.append(path)


def load() -> RegistriesConf:
    conf = RegistriesConf()
    main, drop_ins = config_files()
    for path in ([main] if main else []) + drop_ins:
        _merge(conf, _read(path), path)
    return conf


def resolve_short(conf: RegistriesConf, text: str) -> list[str]:
    """Full names to try for a short name, as c/image pkg/shortnames resolves one without a terminal: its
    alias, else each unqualified-search registry in order. Raises InvalidInput when nothing applies."""
    repo = text.split("@", 1)[0].rsplit(":", 1)[0] if ":" in text.rsplit("/", 1)[-1] or "@" in text else text
    suffix = text[len(repo):]
    if repo in conf.aliases:
        return [conf.aliases[repo] + suffix]
    if not conf.unqualified_search:
        where = ", ".join(conf.files) or SYSTEM_FILE
        raise InvalidInput(f'short-name "{text}" did not resolve to an alias and no unqualified-search '
                           f"registries are defined in {where}; give the registry (e.g. docker.io/{text})")
    return [f"{registry}/{text}" for registry in conf.unqualified_search]
