"""A push that compresses its layers on the way (a store image loaded from a docker-archive, whose layers are
uncompressed tars) never counts ahead of the registry: the writer keeps a chunk before it sends it, and
progress must count the bytes the registry has acknowledged (its 202 Range and 201 answers), not the bytes read
into that chunk (issue 10, "progress counts bytes the other side has taken").

A real docker-registry behind the tests' proxy (tests/registry/fault_proxy.py), which records each answer to an
upload before the client gets it: every progress event of the layer is compared with what the registry had
acknowledged at that moment."""

from __future__ import annotations

import re
import threading

import pytest

from engine import operations
from engine import progress as ev
from engine.manifest import parse
from engine.options import TransferOptions
from engine.progress import Progress
from engine.registry import upload as upload_mod
from engine.store import Store
from tests.fixtures.images import build_image, random_layer_tar, write_docker_archive

LAYER = 12 << 20
CHUNK = 2 << 20


@pytest.fixture(autouse=True)
def no_stored_logins(monkeypatch):
    from engine import credentials

    monkeypatch.setattr(credentials, "lookup", lambda registry, authfile=None: None)


class Acknowledged:
    """What the registry acknowledged of each upload session, as its answers pass the proxy."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sessions: dict[str, int] = {}
        self.answers = 0

    def on_response(self, seen, head: bytes) -> None:
        if "/blobs/uploads/" not in seen.path or seen.method not in ("PATCH", "PUT"):
            return
        session = seen.path.split("?", 1)[0].rsplit("/", 1)[-1]
        headers = dict(line.split(": ", 1) for line in head.decode("latin-1").split("\r\n")[1:] if ": " in line)
        held = None
        if seen.method == "PATCH" and seen.status == 202:
            m = re.fullmatch(r"(?:bytes=)?0-(\d+)", {k.lower(): v for k, v in headers.items()}.get("range", ""))
            held = int(m.group(1)) + 1 if m else None
        elif seen.method == "PUT" and seen.status == 201:
            m = re.fullmatch(r"\d+-(\d+)", seen.headers.get("content-range", ""))
            held = int(m.group(1)) + 1 if m else self.sessions.get(session, 0)
        if held is not None:
            with self.lock:
                self.sessions[session] = max(self.sessions.get(session, 0), held)
                self.answers += 1

    def total(self) -> int:
        return sum(self.sessions.values())


def test_a_streamed_push_counts_only_what_the_registry_acknowledged(registry, fault_proxy, tmp_path, monkeypatch):
    monkeypatch.setattr(upload_mod, "CHUNK_SIZE", CHUNK)  # several acknowledged chunks in one 12 MiB layer
    reg = registry("noauth")
    proxy = fault_proxy(reg)
    acked = Acknowledged()
    proxy.on_response = acked.on_response
    img = build_image([random_layer_tar(91, LAYER, files=2)], compression="none", docker=True)
    write_docker_archive(tmp_path / "plain.tar", [(img, ["localhost/plain:1"])])
    store = Store(str(tmp_path / "store"))
    operations.load(store, str(tmp_path / "plain.tar"))
    layer = img.layers[0].digest
    seen: list[tuple[str, int, int]] = []  # (kind, reported offset, acknowledged then)

    def listener(event: ev.Event) -> None:
        if event.blob == layer and event.kind in (ev.READ, ev.DONE):
            with acked.lock:
                seen.append((event.kind, event.offset, acked.total()))

    [result] = operations.push(store, "localhost/plain:1", f"docker://{proxy.host}/r/streamed:v1",
                               TransferOptions(parallel=1), Progress(listener, interval=0))
    pushed = parse(result.manifest, "pushed manifest").layers[0]
    assert pushed.media_type.endswith("gzip") and pushed.digest != layer  # it was compressed on the way
    reads = [(offset, then) for kind, offset, then in seen if kind == ev.READ]
    assert len({offset for offset, _ in reads}) >= LAYER // CHUNK - 1, seen  # it moved chunk by chunk
    ahead = [(offset, then) for _, offset, then in seen if offset > then]
    assert ahead == [], f"progress ran ahead of the registry: {ahead[:5]}"
    assert seen[-1][0] == ev.DONE and seen[-1][1] == pushed.size  # and ends at what was sent
