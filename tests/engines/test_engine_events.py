"""Following an engine's image events (engine/engines/events.py) and tagging/removing its images
(engine/engines/image_edits.py), against the real engines: podman's service with the file events backend
shared with its CLI oracle, and a private dockerd."""

from __future__ import annotations

import json
import threading

import pytest

from engine.engines import discovery, events, image_edits
from engine.engines.client import Engine
from engine.engines.socket_http import EngineError
from engine.errors import Cancelled, NotFound
from engine.progress import CancelToken
from tests.fixtures.images import build_image, random_layer_tar, write_docker_archive

pytestmark = pytest.mark.timeout(180)


def _archive(tmp_path, name: str, seed: int):
    img = build_image([random_layer_tar(seed, 40_000)], docker=True, compression="none")
    path = tmp_path / f"{seed}.tar"
    write_docker_archive(path, [(img, [name])])
    return path, img


class Follow:
    """follow() on a thread, as the window runs it; `actions` fills as events come."""

    def __init__(self, engine: Engine) -> None:
        self.actions: list[str] = []
        self.opened = threading.Event()
        self.got = threading.Condition()
        self.token = CancelToken()
        self.ended: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(engine,), daemon=True)
        self.thread.start()
        assert self.opened.wait(15), "the events stream did not open"

    def _run(self, engine: Engine) -> None:
        try:
            events.follow(engine, self._on, self.token, on_open=self.opened.set)
        except BaseException as exc:  # noqa: BLE001 - kept for the test to look at
            self.ended = exc

    def _on(self, action: str) -> None:
        with self.got:
            self.actions.append(action)
            self.got.notify_all()

    def wait_for(self, *wanted: str, timeout: float = 20) -> None:
        with self.got:
            assert self.got.wait_for(lambda: any(a in wanted for a in self.actions), timeout), self.actions
        self.actions.clear()

    def stop(self) -> None:
        self.token.cancel()
        self.thread.join(10)
        assert not self.thread.is_alive()
        assert isinstance(self.ended, Cancelled), self.ended


@pytest.mark.parametrize("kind", ["podman", "docker"])
def test_image_events_arrive_as_they_happen_and_cancel_ends_the_stream(kind, podman_events_service, dockerd,
                                                                        tmp_path):
    host = podman_events_service.host if kind == "podman" else dockerd.host
    var = "CONTAINER_HOST" if kind == "podman" else "DOCKER_HOST"
    cli = podman_events_service.cli if kind == "podman" else dockerd
    engine = Engine(discovery.find(kind, env={var: host}))
    follow = Follow(engine)
    try:
        archive, _img = _archive(tmp_path, f"docker.io/library/ev{kind}:1", 3 if kind == "podman" else 4)
        cli("load", "-i", archive)
        follow.wait_for("loadfromarchive", "load", "tag", "pull")
        cli("rmi", f"docker.io/library/ev{kind}:1")
        follow.wait_for("remove", "delete", "untag")
    finally:
        follow.stop()


def test_events_of_an_engine_that_goes_away_end_in_one_line(tmp_path):
    """A stream whose engine closes it: an EngineError naming the engine and socket (the window then says
    the engine stopped and follows again when it is back). The engine here is a one-shot server."""
    import socket

    path = str(tmp_path / "e.sock")
    server = socket.socket(socket.AF_UNIX)
    server.bind(path)
    server.listen(1)

    def answer_then_close() -> None:
        conn, _ = server.accept()
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        event = json.dumps({"Type": "image", "Action": "pull"}).encode() + b"\n"
        conn.sendall(b"%x\r\n%s\r\n" % (len(event), event))
        conn.close()

    t = threading.Thread(target=answer_then_close, daemon=True)
    t.start()
    seen: list[str] = []
    with pytest.raises(EngineError) as err:
        events.follow(Engine(discovery.Endpoint("docker", path)), seen.append, CancelToken())
    server.close()
    assert seen == ["pull"]
    assert "Docker" in str(err.value) and path in str(err.value)


@pytest.mark.parametrize("kind", ["podman", "docker"])
def test_tag_then_remove_by_name_and_the_in_use_refusal(kind, podman_events_service, dockerd, tmp_path):
    host = podman_events_service.host if kind == "podman" else dockerd.host
    var = "CONTAINER_HOST" if kind == "podman" else "DOCKER_HOST"
    cli = podman_events_service.cli if kind == "podman" else dockerd
    archive, img = _archive(tmp_path, f"docker.io/library/ed{kind}:1", 5 if kind == "podman" else 6)
    cli("load", "-i", archive)
    with Engine(discovery.find(kind, env={var: host})) as engine:
        assert image_edits.tag(engine, f"docker.io/library/ed{kind}:1", f"ed{kind}:two") == \
            f"docker.io/library/ed{kind}:two"
        names = {r.id: r.names for r in engine.images()}["sha256:" + img.id]
        assert sorted(names) == [f"docker.io/library/ed{kind}:1", f"docker.io/library/ed{kind}:two"]
        image_edits.remove(engine, f"docker.io/library/ed{kind}:two")  # only that name goes
        assert {r.id: r.names for r in engine.images()}["sha256:" + img.id] == [f"docker.io/library/ed{kind}:1"]
        extra = ["--network", "none"] if kind == "docker" else []
        cli("create", *extra, "--name", f"user-{kind}", f"docker.io/library/ed{kind}:1", "true")
        with pytest.raises(EngineError) as refused:
            image_edits.remove(engine, f"docker.io/library/ed{kind}:1")
        line = str(refused.value)
        assert line.startswith(f"{engine.title} refused the removal of docker.io/library/ed{kind}:1: ")
        assert "container" in line and "\n" not in line
        cli("rm", f"user-{kind}")
        image_edits.remove(engine, f"docker.io/library/ed{kind}:1")
        assert "sha256:" + img.id not in {r.id for r in engine.images()}
        with pytest.raises(NotFound):
            image_edits.remove(engine, f"docker.io/library/ed{kind}:1")
