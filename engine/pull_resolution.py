"""Where a pull of a registry name goes, as podman decides it (containers/image pkg/shortnames and
pkg/sysregistriesv2), in one place for the command line and the window:

- a full name (a registry in its first component) is itself; a short name is its alias (recorded ones first,
  engine/shortname_aliases.py, then registries.conf's) or, without one, the name under each
  unqualified-search registry, in order (the CLI asks on a terminal which one; engine/registries_conf.py);
- each name is pulled from its [[registry]]'s mirrors that serve it (mirror-by-digest-only, pull-from-mirror)
  and then from the registry's location; the image keeps the name asked for, not the mirror's;
- a name without tag or digest means `:latest`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from engine import operations, registries_conf, transports
from engine.contract import CopiedImage
from engine.errors import Cancelled, EstibaError, InvalidInput
from engine.options import TransferOptions
from engine.progress import Progress
from engine.reference import parse_reference
from engine.shortnames import has_registry

FULL, ALIAS, SEARCH = "full", "alias", "search"


@dataclass(frozen=True)
class Target:
    name: str  # the full name the image gets: docker.io/library/alpine:latest
    sources: tuple[registries_conf.Endpoint, ...]  # where it is pulled from, in order (mirrors first)


@dataclass(frozen=True)
class Resolution:
    text: str  # as the user gave it
    targets: tuple[Target, ...]
    via: str  # FULL, ALIAS or SEARCH
    mode: str  # short-name-mode
    origin: str  # the file the alias or the search registries come from ("" for a full name)

    @property
    def ambiguous(self) -> bool:
        """Several search registries apply: podman asks which on a terminal (refuses without one, enforcing)."""
        return len(self.targets) > 1 and self.mode != "disabled"


def resolve(text: str, conf: registries_conf.RegistriesConf | None = None) -> Resolution:
    """The targets of `pull TEXT` (TEXT without `docker://`). Reads registries.conf and the recorded aliases
    unless `conf` is given. InvalidInput for a name that is not one, a blocked registry, or a short name
    with neither alias nor search registries."""
    conf = conf or registries_conf.load()
    text = text.strip()
    if has_registry(text):
        names, via, origin = [text], FULL, ""
    else:
        repo = parse_reference("localhost/" + text).path
        names = registries_conf.resolve_short(conf, text)
        if conf.alias(repo) is not None:
            via, origin = ALIAS, conf.alias_origin(repo)
        else:
            via, origin = SEARCH, conf.search_file
    targets = []
    for name in names:
        full = str(parse_reference(name, default_tag="latest" if "@" not in name else None))
        targets.append(Target(full, tuple(conf.pull_endpoints(full))))
    return Resolution(text, tuple(targets), via, conf.short_name_mode, origin)


def pull_target(store, target: Target, source: registries_conf.Endpoint, options: TransferOptions,
                progress: Progress) -> list[CopiedImage]:
    """One attempt: `target` from `source`; an insecure [[registry]] turns TLS checks off unless asked."""
    if source.insecure and options.tls_verify is None:
        options = replace(options, tls_verify=False)
    ref = parse_reference(target.name, default_tag=None)
    if ref.digest:  # as podman: a pull by digest adds no name
        return operations.pull(store, "docker://" + source.location, options, progress)
    return operations.copy_between(store, "docker://" + source.location, ref.tagged, options, progress)


def pull(store, targets: tuple[Target, ...] | list[Target], on_try: Callable[[Target, registries_conf.Endpoint],
         None] | None, options: TransferOptions, progress: Progress) -> tuple[Target, list[CopiedImage]]:
    """Try every target from every source in order; the first that works is the answer (target, images).
    When all fail, the one failure, or one error naming each."""
    failures: list[tuple[str, EstibaError]] = []
    for target in targets:
        for source in target.sources:
            if on_try is not None:
                on_try(target, source)
            try:
                return target, pull_target(store, target, source, options, progress)
            except Cancelled:
                raise
            except EstibaError as exc:
                failures.append((source.location, exc))
    if not failures:
        raise InvalidInput("nothing to pull")
    if len(failures) == 1:
        raise failures[0][1]
    last = failures[-1][1]
    raise EstibaError("; ".join(f"{where}: {exc}" for where, exc in failures), last.hint, **last.params)


@dataclass(frozen=True)
class PushTarget:
    name: str  # the full name pushed: docker.io/library/app:1
    location: str  # where it goes, relocated by its [[registry]]
    insecure: bool


def resolve_push(text: str, conf: registries_conf.RegistriesConf | None = None) -> PushTarget:
    """Where `push IMAGE TEXT` sends a registry name (TEXT with or without `docker://`): the name with
    Docker's defaults, relocated by the [[registry]] whose prefix it matches (as podman pushes)."""
    conf = conf or registries_conf.load()
    name = str(parse_reference(text.strip().removeprefix("docker://")))
    endpoint = conf.push_endpoint(name)
    return PushTarget(name, endpoint.location, endpoint.insecure)


def pull_name(store, text: str, options: TransferOptions, progress: Progress) -> list[CopiedImage]:
    """A pull of a registry name where nobody can be asked (the window asks in its dialog before): several
    candidates are tried in order, except where short-name-mode is "enforcing", which wants a choice."""
    res = resolve(text.removeprefix("docker://"))
    if res.ambiguous and res.mode == "enforcing":
        raise InvalidInput(f'several registries may hold "{res.text}" and registries.conf asks for a choice '
                           f'(short-name-mode = "enforcing"): give the full name, e.g. {res.targets[0].name}')
    return pull(store, res.targets, None, options, progress)[1]


def push_to(store, image: str, destination: str, options: TransferOptions, progress: Progress) -> list[CopiedImage]:
    """A push to a registry name goes where its [[registry]] sends it; any other destination as given."""
    loc = transports.parse_location(destination)
    if loc is None or loc.transport == transports.DOCKER:
        target = resolve_push(destination)
        if target.insecure and options.tls_verify is None:
            options = replace(options, tls_verify=False)
        destination = "docker://" + target.location
    return operations.push(store, image, destination, options, progress)
