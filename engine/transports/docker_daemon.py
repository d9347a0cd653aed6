"""`docker-daemon:REF`: Docker's images, through the Docker Engine API on its socket (engine/engines/,
docs/engines.md). REF is a name or an image ID (prefix)."""

from __future__ import annotations

from engine.engines import places
from engine.transports.base import NAME as TYPED
from engine.transports.base import Transport

NAME = "docker-daemon"

TRANSPORT = Transport(NAME, NAME + ":", "Docker image", TYPED, places.parser(NAME),
                      lambda loc, opening: places.open_source("docker", loc, opening),
                      lambda loc, opening: places.open_destination("docker", loc, opening))
