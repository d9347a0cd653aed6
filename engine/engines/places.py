"""What the two engine transports (engine/transports/containers_storage.py, docker_daemon.py) share: the
location text, and opening a source (an export) or a destination (a load) on the engine's socket."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from engine.errors import Hint, InvalidInput, Unsupported
from engine.transports.base import Location, Opening

if TYPE_CHECKING:
    from engine.contract import Destination, Source


def parser(transport: str) -> Callable[[str], Location]:
    """REF: a name (alpine, docker.io/library/alpine:3.19) or an image ID (prefix)."""

    def parse(rest: str) -> Location:
        if rest.startswith("["):
            raise Unsupported(f"{transport}:[...]: a storage specifier is not supported; the engine's service "
                              "is asked instead, so write the image name or ID alone")
        if any(c.isspace() for c in rest) or "?" in rest or "#" in rest:
            raise InvalidInput(f"{transport}:{rest!r} is not an image name or ID")
        return Location(transport, rest)

    return parse


def open_source(kind: str, loc: Location, opening: Opening) -> Source:
    from engine.engines import discovery
    from engine.engines.client import Engine
    from engine.engines.export_source import open_export

    if not loc.path:
        raise InvalidInput(f"{loc.transport}: names no image; give its name or ID after the colon")
    endpoint = discovery.find(kind)
    if opening.progress is None:
        engine = Engine(endpoint)
    else:
        from engine.engines.export_progress import CountingEngine

        engine = CountingEngine(endpoint, opening.progress)
    return open_export(engine, loc.path, str(loc), opening.tmpdir, opening.cancel)


def open_destination(kind: str, loc: Location, opening: Opening) -> Destination:
    if opening.options.compress not in (None, "none"):  # a docker-archive's layers are uncompressed
        raise Unsupported(f"{loc.transport}: the engine takes layers uncompressed", Hint.KEEP_COMPRESSION)
    from engine.engines import discovery
    from engine.engines.client import Engine
    from engine.engines.load_stream import EngineLoadDestination

    engine = Engine(discovery.find(kind))
    try:
        return EngineLoadDestination(engine, loc.path or None, str(loc), opening.tmpdir, opening.cancel)
    except BaseException:
        engine.close()
        raise
