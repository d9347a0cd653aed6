"""Naming and removing an engine's images: `POST .../images/REF/tag?repo=R&tag=T` (both engines) and
`DELETE .../images/REF`. Removing by name takes only that name off an image that has others, as `podman
rmi NAME` and `docker rmi NAME` do; an image in use by a container is refused, and the refusal is the
engine's own words (Engine.refused)."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from engine.engines.client import Engine
from engine.engines.socket_http import ANSWER_TIMEOUT
from engine.errors import InvalidInput
from engine.reference import InvalidReference, parse_reference

REMOVE_TIMEOUT = 60.0  # removing a large image deletes its layers' files


def _ref_part(ref: str) -> str:
    if not ref or any(c.isspace() for c in ref) or "?" in ref or "#" in ref:
        raise InvalidInput(f"{ref!r} is not an image name or ID")
    return quote(ref.removeprefix("sha256:"), safe="/:@")


def tag(engine: Engine, ref: str, name: str) -> str:
    """Give the image `ref` (a name or ID) the name `name`; returns the full name given."""
    try:
        new = parse_reference(name)
    except InvalidReference as exc:
        raise InvalidInput(f"{name}: {exc}") from None
    if new.digest:
        raise InvalidInput(f"{name}: a name given to an image cannot hold a digest; give a tag")
    query = urlencode({"repo": new.name, "tag": new.tag or "latest"})
    _call(engine, "POST", f"/images/{_ref_part(ref)}/tag?{query}", ANSWER_TIMEOUT, f"the name {new.tagged} for {ref}")
    return new.tagged


def remove(engine: Engine, ref: str) -> None:
    """Remove the image `ref`; a name of an image with other names is only taken off it."""
    _call(engine, "DELETE", f"/images/{_ref_part(ref)}", REMOVE_TIMEOUT, f"the removal of {ref}")


def _call(engine: Engine, method: str, path: str, timeout: float, what: str) -> None:
    """One request whose answer is only a status: anything but 2xx is the engine's refusal, in its words."""
    conn = engine.connect(None, timeout)
    try:
        with conn.request(method, f"{engine.prefix}{path}") as resp:
            if resp.status >= 300:
                raise engine.refused(resp, what)
            resp.read()
    finally:
        conn.close()
