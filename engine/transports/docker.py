"""`docker://HOST/REPO[:TAG|@DIGEST]`: a registry speaking the distribution API (engine/registry/). The
credentials are found here and handed to the registry client: the explicit pair, else a stored login
(engine/credentials.py, the repository path too: podman's auth.json may hold `host/ns` keys), else anonymous."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.transports.base import NAME as TYPED
from engine.transports.base import Location, Opening, Transport

if TYPE_CHECKING:
    from engine.contract import Destination, Source

NAME = "docker"


def parse(rest: str) -> Location:
    return Location(NAME, rest)


def _credentials(reference: str, opening: Opening) -> tuple[str, str] | None:
    if opening.options.credentials is not None:
        return opening.options.credentials
    from engine import credentials
    from engine.registry import parse_registry_reference

    ref = parse_registry_reference(reference)
    return credentials.lookup(f"{ref.domain}/{ref.path}", authfile=opening.options.authfile)


def open_source(loc: Location, opening: Opening) -> Source:
    from engine import registry

    src = registry.open_source(loc.path, opening.options, credentials=_credentials(loc.path, opening),
                               cancel=opening.cancel)
    src.description = str(loc)
    return src


def open_destination(loc: Location, opening: Opening) -> Destination:
    from engine import registry

    return registry.open_destination(loc.path, opening.options, credentials=_credentials(loc.path, opening),
                                     tmpdir=opening.tmpdir, cancel=opening.cancel)


TRANSPORT = Transport(NAME, "docker://", "registry image", TYPED, parse, open_source, open_destination)
