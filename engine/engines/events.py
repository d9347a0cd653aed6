"""Following an engine's image events, so that a front end re-lists an engine's images only when they change
(docs/engines.md): podman's `GET /v4.0.0/libpod/events?stream=true&filters={"type":["image"]}`, Docker's
`GET /v1.41/events?filters={"type":["image"]}`. Both answer with one JSON object per event, as the event
happens, on a response that never ends while the engine runs.

`follow()` blocks, so it runs on a thread of its own; a cancel shuts the socket down and wakes it."""

from __future__ import annotations

import json
import select
from collections.abc import Callable
from urllib.parse import quote

from engine.engines.client import Engine
from engine.engines.discovery import PODMAN
from engine.engines.socket_http import Connection, EngineError
from engine.progress import CancelToken

# An events stream is quiet for as long as nobody touches an image: a long wait is not a stall. After an hour
# without a byte the stream is opened again (and the caller re-lists once, in case an event was lost).
QUIET_TIMEOUT = 3600.0
MAX_EVENT_BYTES = 1 << 20
OPEN_WAIT = 1.0
# Image events that leave the image list as it was (podman's and Docker's action names).
UNCHANGING = frozenset({"save", "push", "mount", "unmount", "cleanup", "exists", "inspect"})


def events_target(engine: Engine) -> str:
    filters = quote(json.dumps({"type": ["image"]}, separators=(",", ":")))
    if engine.kind == PODMAN:
        return f"{engine.prefix}/events?stream=true&filters={filters}"
    return f"{engine.prefix}/events?filters={filters}"


def image_action(event: object) -> str | None:
    """The action of an image event that changes the image list ("pull", "tag", "delete", "remove"...);
    None for anything else."""
    if not isinstance(event, dict):
        return None
    kind = event.get("Type") or event.get("type")
    action = event.get("Action") or event.get("status") or event.get("Status")
    if kind not in (None, "image") or not isinstance(action, str) or not action:
        return None
    action = action.lower()
    return None if action in UNCHANGING else action


def follow(engine: Engine, on_change: Callable[[str], None], cancel: CancelToken,
           on_open: Callable[[], None] | None = None) -> None:
    """Read the engine's image events until the stream ends or `cancel`; call `on_change(action)` for each
    event that changes the image list, and `on_open()` once the engine has accepted the request.

    Raises Cancelled after a cancel, and an EngineError (one line, with its Hint) when the engine refuses,
    goes away or closes the stream."""
    conn = Connection(engine.socket, engine.title, cancel, stall=QUIET_TIMEOUT)
    try:
        conn.send_headers("GET", events_target(engine))
        # Recent podman and Docker answer the headers once they listen; an engine that holds them back until
        # its first event has had OPEN_WAIT to start listening.
        answered, _, _ = select.select([conn.sock], [], [], OPEN_WAIT)
        opened = False
        if not answered and on_open is not None:
            on_open()
            opened = True
        resp = conn.response()
        if resp.status >= 300:
            raise engine.refused(resp, "the events request")
        if on_open is not None and not opened:
            on_open()
        decoder = json.JSONDecoder()
        buffer = ""
        while True:
            data = resp.read(1 << 16)
            if not data:
                raise EngineError(f"{engine.title} at {engine.socket} closed its events stream",
                                  engine=engine.title, socket=engine.socket)
            buffer += data.decode(errors="replace")
            while True:
                text = buffer.lstrip()
                if not text:
                    buffer = ""
                    break
                try:
                    event, end = decoder.raw_decode(text)
                except ValueError:
                    if len(text) > MAX_EVENT_BYTES:
                        raise EngineError(f"{engine.title} at {engine.socket} sent an event that is not JSON",
                                          engine=engine.title, socket=engine.socket) from None
                    buffer = text
                    break
                buffer = text[end:]
                action = image_action(event)
                if action is not None:
                    on_change(action)
    finally:
        conn.close()
