"""registries.conf version 2 as podman reads it (containers-registries.conf(5), containers-registries.conf.d(5);
containers/image pkg/sysregistriesv2/system_registries_v2.go):

- the main file: $CONTAINERS_REGISTRIES_CONF, else ~/.config/containers/registries.conf when it exists, else
  /etc/containers/registries.conf;
- then the drop-ins, *.conf in ~/.config/containers/registries.conf.d when it exists, else
  /etc/containers/registries.conf.d, in name order; each one's keys override the earlier ones', a
  [[registry]] replaces one with the same prefix, [aliases] are merged;
- unqualified-search-registries, short-name-mode, [aliases]; [[registry]] prefix (default: location),
  location, insecure, blocked, mirror-by-digest-only and [[registry.mirror]] location / insecure /
  pull-from-mirror (mirrors are for pulls; PullSourcesFromReference there decides which mirrors a pull tries:
  with mirror-by-digest-only a pull by tag goes to the registry itself, as does a pull by tag through a
  "digest-only" mirror or a pull by digest through a "tag-only" one).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field

from engine import shortname_aliases
from engine.errors import InvalidInput

SYSTEM_FILE = "/etc/containers/registries.conf"
SYSTEM_DIR = "/etc/containers/registries.conf.d"


@dataclass
class Endpoint:
    location: str
    insecure: bool = False
    pull_from: str = "all"  # a mirror's pull-from-mirror: "all", "digest-only" or "tag-only"

    def serves(self, by_digest: bool) -> bool:
        return not ((self.pull_from == "digest-only" and not by_digest)
                    or (self.pull_from == "tag-only" and by_digest))


@dataclass
class RegistryEntry:
    prefix: str
    location: str
    insecure: bool = False
    blocked: bool = False
    mirrors: list[Endpoint] = field(default_factory=list)
    mirror_by_digest_only: bool = False

    def mirrors_for(self, name: str) -> list[Endpoint]:
        """The mirrors a pull of `name` tries: with mirror-by-digest-only only a pull by digest uses any."""
        by_digest = "@" in name
        if self.mirror_by_digest_only:
            return list(self.mirrors) if by_digest else []
        return [m for m in self.mirrors if m.serves(by_digest)]

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
    # the aliases podman and Estiba recorded after a choice at the prompt (engine/shortname_aliases.py): first
    user_aliases: dict[str, str] = field(default_factory=dict)
    user_aliases_file: str = ""
    alias_files: dict[str, str] = field(default_factory=dict)  # alias -> the file that set it
    search_file: str = ""  # the file that set unqualified-search-registries

    def alias_origin(self, repo: str) -> str:
        return self.user_aliases_file if repo in self.user_aliases else self.alias_files.get(repo, "")

    def alias(self, repo: str) -> str | None:
        """The alias of a short repository name: the recorded ones win over registries.conf's; "" resets one."""
        for table in (self.user_aliases, self.aliases):
            if repo in table:
                return table[repo] or None
        return None

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
        out = [Endpoint(entry.rewrite(name, m.location), m.insecure) for m in entry.mirrors_for(name)]
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
    mirrors = [Endpoint(str(m.get("location", "")), bool(m.get("insecure", False)),
                        str(m.get("pull-from-mirror", "") or "all"))
               for m in doc.get("mirror", []) if isinstance(m, dict) and m.get("location")]
    for m in mirrors:
        if m.pull_from not in ("all", "digest-only", "tag-only"):
            raise InvalidInput(f'{path}: unsupported pull-from-mirror "{m.pull_from}" for mirror {m.location} '
                               '(give "all", "digest-only" or "tag-only")')
    by_digest_only = bool(doc.get("mirror-by-digest-only", False))
    if by_digest_only and any(m.pull_from != "all" for m in mirrors):
        raise InvalidInput(f"{path}: [[registry]] {prefix} sets both mirror-by-digest-only and a mirror's "
                           "pull-from-mirror; keep one of them")
    return RegistryEntry(prefix, location or prefix, bool(doc.get("insecure", False)),
                         bool(doc.get("blocked", False)), mirrors, by_digest_only)


def _merge(conf: RegistriesConf, doc: dict, path: str) -> None:
    if "unqualified-search-registries" in doc:
        conf.unqualified_search = [str(r) for r in doc["unqualified-search-registries"]]
        conf.search_defined = True
        conf.search_file = path
    if "short-name-mode" in doc:
        conf.short_name_mode = str(doc["short-name-mode"])
    aliases = doc.get("aliases")
    if isinstance(aliases, dict):
        conf.aliases.update({str(k): str(v) for k, v in aliases.items()})
        conf.alias_files.update({str(k): path for k in aliases})
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
    conf.user_aliases, conf.user_aliases_file = shortname_aliases.load()
    return conf


def resolve_short(conf: RegistriesConf, text: str) -> list[str]:
    """Full names to try for a short name, as c/image pkg/shortnames resolves one without a terminal: its
    alias, else each unqualified-search registry in order. Raises InvalidInput when nothing applies."""
    repo = text.split("@", 1)[0].rsplit(":", 1)[0] if ":" in text.rsplit("/", 1)[-1] or "@" in text else text
    suffix = text[len(repo):]
    alias = conf.alias(repo)
    if alias is not None:
        return [alias + suffix]
    if not conf.unqualified_search:
        where = ", ".join(conf.files) or SYSTEM_FILE
        raise InvalidInput(f'short-name "{text}" did not resolve to an alias and no unqualified-search '
                           f"registries are defined in {where}; give the registry (e.g. docker.io/{text})")
    return [f"{registry}/{text}" for registry in conf.unqualified_search]
