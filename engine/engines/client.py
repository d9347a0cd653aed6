"""The two engine APIs, as far as Estiba needs them: version, the image list, inspecting one image, an export
(a docker-archive stream), a load (a request whose body is sent as it is produced) and removal.

Podman is spoken to through its own API (libpod, /v4.0.0/libpod/...), Docker through the Docker Engine API
(/v1.41, Docker 20.10's version; later engines still serve it). Why not podman-py or docker-py:
docs/engines.md."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import quote

from engine.engines.discovery import DOCKER, PODMAN, TITLES, Endpoint
from engine.engines.socket_http import ANSWER_TIMEOUT, STALL_TIMEOUT, Connection, EngineError, ReadAhead, Response
from engine.errors import Hint, InvalidInput, NotFound
from engine.progress import CancelToken
from engine.reference import InvalidReference, parse_reference
from engine.store_records import ImageRecord

PREFIX = {PODMAN: "/v4.0.0/libpod", DOCKER: "/v1.41"}


def _path_part(name: str) -> str:
    return quote(name, safe="/:@")


def normalised(name: str) -> str | None:
    """A name as the store writes it (docker.io/library/alpine:latest); None for `<none>` and the like."""
    if not name or name.startswith("<none>"):
        return None
    try:
        return parse_reference(name).tagged
    except InvalidReference:
        return None


class Engine:
    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self.kind = endpoint.kind
        self.title = TITLES[endpoint.kind]
        self.socket = endpoint.socket
        self.prefix = PREFIX[endpoint.kind]

    def connect(self, cancel: CancelToken | None = None, stall: float = STALL_TIMEOUT) -> Connection:
        return Connection(self.socket, self.title, cancel, stall=stall)

    def close(self) -> None:
        self.endpoint.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- plain requests
    def _call(self, method: str, path: str, cancel: CancelToken | None = None,
              stall: float = ANSWER_TIMEOUT) -> Response:
        conn = self.connect(cancel, stall)
        try:
            return conn.request(method, self.prefix + path)
        except BaseException:
            conn.close()
            raise

    def _json(self, method: str, path: str, what: str):
        with self._call(method, path) as resp:
            if resp.status >= 300:
                raise self.refused(resp, what)
            return resp.json()

    def refused(self, resp: Response, what: str) -> EngineError:
        """The engine's own words for a refusal, as one line."""
        resp.fill = True  # all of it, not its first chunk
        text = resp.read(1 << 16)
        message = ""
        try:
            doc = json.loads(text)
            message = str(doc.get("message") or doc.get("cause") or "") if isinstance(doc, dict) else ""
        except ValueError:
            message = text.decode(errors="replace")
        message = " ".join(message.split())[:300] or f"HTTP {resp.status}"
        if resp.status == 404:
            return NotFound(f"{self.title} has no image {what}: {message}", Hint.ENGINE_LIST,
                            engine=self.title, socket=self.socket)
        if resp.status == 400:
            return InvalidInput(f"{self.title} rejects {what}: {message}")
        return EngineError(f"{self.title} refused {what}: {message}")

    # -- what Estiba asks
    def version(self) -> str:
        doc = self._json("GET", "/version", "the version request")
        return str(doc.get("Version", "")) if isinstance(doc, dict) else ""

    def info(self) -> dict:
        """The engine's /info document (podman's says where its storage is: store.graphRoot)."""
        doc = self._json("GET", "/info", "the information request")
        return doc if isinstance(doc, dict) else {}

    def images(self) -> list[ImageRecord]:
        """The engine's images as the store's records, so that they show in the same table and JSON."""
        doc = self._json("GET", "/images/json", "the image list")
        out = []
        for item in doc if isinstance(doc, list) else []:
            if not isinstance(item, dict) or not isinstance(item.get("Id"), str):
                continue
            hex_id = item["Id"].removeprefix("sha256:")
            raw_names = item.get("Names") if self.kind == PODMAN else item.get("RepoTags")
            names = [n for n in (normalised(x) for x in (raw_names or []) if isinstance(x, str)) if n]
            digest = item.get("Digest") or ""
            if not digest:
                for rd in item.get("RepoDigests") or []:
                    if isinstance(rd, str) and "@" in rd:
                        digest = rd.split("@", 1)[1]
                        break
            created = item.get("Created")
            when = datetime.fromtimestamp(created, UTC).isoformat().replace("+00:00", "Z") \
                if isinstance(created, int | float) and created > 0 else None
            size = item.get("Size") if isinstance(item.get("Size"), int) else 0
            out.append(ImageRecord("sha256:" + hex_id, digest, "", list(dict.fromkeys(names)), when, size, [],
                                   float(created) if isinstance(created, int | float) else 0.0))
        return out

    def inspect(self, ref: str) -> tuple[str, list[str]]:
        """(image ID as sha256:HEX, its names) of the image `ref` (a name or an ID prefix) selects."""
        if not ref or "\n" in ref or "?" in ref or "#" in ref:
            raise InvalidInput(f"{ref!r} is not an image name or ID")
        doc = self._json("GET", f"/images/{_path_part(ref)}/json", ref)
        if not isinstance(doc, dict) or not isinstance(doc.get("Id"), str):
            raise EngineError(f"{self.title} answered the inspection of {ref} without an image ID")
        names = [n for n in (normalised(x) for x in (doc.get("RepoTags") or []) if isinstance(x, str)) if n]
        return "sha256:" + doc["Id"].removeprefix("sha256:"), list(dict.fromkeys(names))

    def export(self, image_id: str, cancel: CancelToken | None) -> ReadAhead:
        """The image as an uncompressed docker-archive stream (podman would gzip an oci-archive on one core)."""
        return self.export_many([image_id], cancel)

    def export_many(self, image_ids: list[str], cancel: CancelToken | None) -> ReadAhead:
        """Several images in one uncompressed docker-archive stream (podman's `save -m`, `docker save A B`)."""
        hexes = [i.removeprefix("sha256:") for i in image_ids]
        if len(hexes) == 1:
            path = f"/images/{hexes[0]}/get" + ("?format=docker-archive" if self.kind == PODMAN else "")
        elif self.kind == PODMAN:
            path = "/images/export?format=docker-archive&" + "&".join(f"references={h}" for h in hexes)
        else:
            path = "/images/get?" + "&".join(f"names={h}" for h in hexes)
        resp = self._call("GET", path, cancel, STALL_TIMEOUT)
        if resp.status >= 300:
            what = f"the export of {', '.join(h[:12] for h in hexes)}"
            try:
                raise self.refused(resp, what)
            finally:
                resp.close()
        resp.fill = True
        return ReadAhead(resp)

    def start_load(self, cancel: CancelToken | None) -> Connection:
        """A load request whose body (a docker-archive) the caller sends in chunks, then load_result()."""
        conn = self.connect(cancel)
        target = self.prefix + ("/images/load" if self.kind == PODMAN else "/images/load?quiet=1")
        try:
            conn.send_headers("POST", target, {"Content-Type": "application/x-tar", "Transfer-Encoding": "chunked"})
        except BaseException:
            conn.close()
            raise
        return conn

    def load_result(self, conn: Connection) -> list[str]:
        """The names the engine gave what it loaded; an EngineError in its words when it refused."""
        resp = conn.response()
        if resp.status >= 300:
            raise self.refused(resp, "the image")
        if self.kind == PODMAN:
            doc = resp.json()
            return [n for n in doc.get("Names", []) if isinstance(n, str)] if isinstance(doc, dict) else []
        names = []
        for line in resp.read(MAX_LOAD_ANSWER).splitlines():  # a JSON message stream, errors included
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            if isinstance(msg, dict) and msg.get("error"):
                raise EngineError(f"{self.title} refused the image: {' '.join(str(msg['error']).split())[:300]}")
            stream = msg.get("stream", "") if isinstance(msg, dict) else ""
            if isinstance(stream, str) and stream.startswith("Loaded image: "):
                names.append(stream.removeprefix("Loaded image: ").strip())
        return names

    def remove(self, image_id: str) -> None:
        with self._call("DELETE", f"/images/{image_id.removeprefix('sha256:')}", stall=60.0) as resp:
            if resp.status >= 300:
                raise self.refused(resp, f"the removal of {image_id[:19]}")
            resp.read()

    def image_ids(self) -> set[str]:
        return {r.id for r in self.images()}


MAX_LOAD_ANSWER = 1 << 20
