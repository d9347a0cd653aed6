"""What a front end shows for an engine before using it (the GUI's Places list): running (and its version),
not installed, installed but not running, or there but not readable by this user. Probing never starts a
service and takes at most a few seconds; run it off the UI thread."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from engine.engines import discovery
from engine.engines.socket_http import EngineError
from engine.errors import Hint

RUNNING, NOT_INSTALLED, NOT_RUNNING, NOT_READABLE = "running", "not-installed", "not-running", "not-readable"
_STATES = {Hint.ENGINE_INSTALL: NOT_INSTALLED, Hint.ENGINE_START: NOT_RUNNING, Hint.ENGINE_PERMISSION: NOT_READABLE}


@dataclass(frozen=True)
class EngineState:
    kind: str  # discovery.PODMAN or DOCKER
    state: str  # RUNNING, NOT_INSTALLED, NOT_RUNNING or NOT_READABLE
    socket: str = ""
    version: str = ""
    error: EngineError | None = None  # why it is not running, with its Hint (for the words of each front end)


def probe(kind: str, env: Mapping[str, str] | None = None, system: str | None = None) -> EngineState:
    from engine.engines.client import Engine

    try:
        endpoint = discovery.find(kind, env=env, system=system, start_service=False)
        with Engine(endpoint) as engine:
            return EngineState(kind, RUNNING, endpoint.socket, engine.version())
    except EngineError as exc:
        return EngineState(kind, _STATES.get(exc.hint, NOT_RUNNING), exc.params.get("socket", ""), "", exc)
