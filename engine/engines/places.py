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
    return open_export(engine, loc.path, str(loc), opening.tmpdir, opening.cancel,
                       layer_compression=opening.layer_compression)


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


ENGINE_KINDS = {"containers-storage": "podman", "docker-daemon": "docker"}


def _engine_refs(locs: list[Location]) -> tuple[str, list[str]] | None:
    """(engine kind, the REFs) when every location is an image of the same engine, else None."""
    kinds = {loc.transport for loc in locs}
    if len(kinds) != 1 or next(iter(kinds)) not in ENGINE_KINDS:
        return None
    for loc in locs:
        if not loc.path:
            raise InvalidInput(f"{loc.transport}: names no image; give its name or ID after the colon")
    return ENGINE_KINDS[locs[0].transport], [loc.path for loc in locs]


def open_sources(locs: list[Location | None], opening: Opening) -> Source:
    """Several images of one engine as one source (a multi-image save: one export request)."""
    found = _engine_refs(locs) if all(loc is not None for loc in locs) else None  # type: ignore[arg-type]
    if found is None:
        raise Unsupported("a multi-image save takes images of one place: the store's (bare names) or one "
                          "engine's (all containers-storage: or all docker-daemon:); save the others apart")
    from engine.engines import discovery
    from engine.engines.client import Engine
    from engine.engines.export_source import open_exports

    kind, refs = found
    engine = Engine(discovery.find(kind))
    return open_exports(engine, refs, ", ".join(str(loc) for loc in locs), opening.tmpdir, opening.cancel,
                        layer_compression=opening.layer_compression)


def direct_copy(locs: list[Location | None], dest: Location, opening: Opening, copy_options):
    """The images written straight into a docker-archive when they come from an engine (every byte written
    once: direct_archive.py); None when this does not apply (the caller opens source and destination)."""
    if dest.transport != "docker-archive" or any(loc is None for loc in locs):
        return None
    found = _engine_refs(locs)  # type: ignore[arg-type]
    opts = opening.options
    if found is None or opts.compress not in (None, "none") or opts.manifest_format not in (None, "v2s2"):
        return None  # the ordinary path says what is wrong
    from engine.engines import discovery
    from engine.engines.client import Engine
    from engine.engines.direct_archive import export_into_archive
    from engine.output import open_output

    if open_output(dest.path).is_stream:
        return None  # a pipe cannot be read back to verify it: the ordinary path spools, then streams in order
    kind, refs = found
    engine = Engine(discovery.find(kind))
    return export_into_archive(engine, refs, dest, opening, copy_options,
                               ", ".join(str(loc) for loc in locs))  # type: ignore[union-attr]
