"""`containers-storage:REF`: podman's images, through podman's REST API (libpod) on its socket
(engine/engines/, docs/engines.md). REF is a name or an image ID (prefix)."""

from __future__ import annotations

from engine.engines import places
from engine.transports.base import NAME as TYPED
from engine.transports.base import Transport

NAME = "containers-storage"

TRANSPORT = Transport(NAME, NAME + ":", "Podman image", TYPED, places.parser(NAME),
                      lambda loc, opening: places.open_source("podman", loc, opening),
                      lambda loc, opening: places.open_destination("podman", loc, opening))
