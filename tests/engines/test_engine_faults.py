"""Absent, refusing, wedged and unreadable engines; names an engine rejects; a cancelled load; the private
podman service. Every failure is one line `Error: ...` naming the engine and the socket, exit 125, found out
well under 10 s, and nothing is written in the store or the destination."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

from engine import operations
from engine.engines import discovery
from engine.engines.client import Engine
from engine.errors import Cancelled
from engine.progress import CancelToken, Progress
from engine.store import Store
from tests.cli.cli_helpers import ROOT, assert_one_line_error, estiba, snapshot
from tests.fixtures.images import build_image, random_layer_tar, write_docker_archive

pytestmark = pytest.mark.timeout(300)


@pytest.fixture
def sockdir():
    d = tempfile.mkdtemp(prefix="estiba-sk-", dir="/tmp")  # short (unix socket paths) and open to `nobody`
    os.chmod(d, 0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def _timed_error(store, env_var: str, value: str, *args) -> tuple[str, float]:
    estiba(store, "images")  # the store's directories exist before: the failure must add nothing
    before = snapshot(store)
    os.environ[env_var] = value
    try:
        start = time.monotonic()
        proc = estiba(store, *args, check=False)
        took = time.monotonic() - start
    finally:
        del os.environ[env_var]
    assert snapshot(store) == before
    return assert_one_line_error(proc), took


@pytest.mark.parametrize(("var", "engine", "place"), [("CONTAINER_HOST", "Podman", "containers-storage"),
                                                       ("DOCKER_HOST", "Docker", "docker-daemon")])
def test_absent_engine_is_one_line_naming_engine_and_socket(tmp_store, sockdir, var, engine, place):
    sock = os.path.join(sockdir, "absent.sock")
    line, took = _timed_error(tmp_store, var, "unix://" + sock, "pull", f"{place}:alpine")
    assert engine in line and sock in line and "not running" in line
    assert "systemctl" in line  # what to do
    assert took < 10


def test_refusing_socket(tmp_store, sockdir):
    sock = os.path.join(sockdir, "refuses.sock")
    s = socket.socket(socket.AF_UNIX)
    s.bind(sock)  # bound, never listening: connect() is refused
    try:
        line, took = _timed_error(tmp_store, "DOCKER_HOST", "unix://" + sock, "images", "--engine", "docker")
    finally:
        s.close()
    assert "Docker" in line and sock in line and "not running" in line
    assert took < 10


def test_wedged_engine_that_never_answers(tmp_store, sockdir, tmp_path):
    sock = os.path.join(sockdir, "wedged.sock")
    s = socket.socket(socket.AF_UNIX)
    s.bind(sock)
    s.listen(8)  # connections queue up; nothing ever answers
    try:
        out = tmp_path / "out.tar"
        line, took = _timed_error(tmp_store, "CONTAINER_HOST", "unix://" + sock, "copy",
                                  "containers-storage:alpine", f"oci-archive:{out}")
    finally:
        s.close()
    assert "Podman" in line and sock in line and "stopped answering" in line
    assert took < 10
    assert not out.exists()


def test_permission_denied_socket(tmp_store, sockdir):
    """A real EACCES: the CLI runs as `nobody` against a root-owned 0600 socket (the system python: the
    venv's lives under /root)."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run as another user")
    sock = os.path.join(sockdir, "docker.sock")
    s = socket.socket(socket.AF_UNIX)
    s.bind(sock)
    s.listen(1)
    os.chmod(sock, 0o600)
    store = os.path.join(sockdir, "store")
    env = {"PATH": os.environ["PATH"], "HOME": sockdir, "PYTHONPATH": str(ROOT), "DOCKER_HOST": "unix://" + sock}
    try:
        start = time.monotonic()
        proc = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3",
                               "-m", "cli", "--store", store, "images", "--engine", "docker"],
                              capture_output=True, env=env, cwd=sockdir, timeout=60)
        took = time.monotonic() - start
    finally:
        s.close()
    line = assert_one_line_error(proc)
    assert "Docker" in line and sock in line and "permission denied" in line
    assert "docker group" in line
    assert took < 10


def test_names_the_engine_rejects(tmp_store, engines_env, tmp_path):
    estiba(tmp_store, "images")
    before = snapshot(tmp_store)
    proc = estiba(tmp_store, "pull", "containers-storage:nosuch-image:1", check=False)
    line = assert_one_line_error(proc, "Podman", "nosuch-image")
    assert "estiba images --engine podman" in line
    proc = estiba(tmp_store, "copy", "docker-daemon:nosuch-image:1", f"oci-archive:{tmp_path / 'o.tar'}",
                  check=False)
    assert_one_line_error(proc, "Docker", "nosuch-image")
    proc = estiba(tmp_store, "pull", "docker-daemon:Bad Name", check=False)
    assert_one_line_error(proc, "not an image name")
    assert snapshot(tmp_store) == before
    assert not (tmp_path / "o.tar").exists()


def _big_archive(tmp_path, name: str, seed: int):
    img = build_image([random_layer_tar(seed + i, 12 << 20, files=3) for i in range(3)], docker=True,
                      compression="none")
    path = tmp_path / "big.tar"
    write_docker_archive(path, [(img, [name])])
    return img, path


def _podman_ids(svc) -> set[str]:
    return {"sha256:" + r["Id"] for r in json.loads(svc.cli("images", "--format", "json").stdout)}


def test_cancel_mid_load_leaves_no_image(tmp_path, engines_env):
    svc, _ = engines_env
    img, path = _big_archive(tmp_path, "docker.io/library/cancelled:1", 50)
    store = Store(str(tmp_path / "store"))
    before = _podman_ids(svc)
    token = CancelToken()
    done: dict[str, int] = {}
    sent = [0]

    def listener(event) -> None:
        done[event.blob] = max(done.get(event.blob, 0), event.offset)
        sent[0] = sum(done.values())
        if sent[0] > 8 << 20:
            token.cancel()

    with pytest.raises(Cancelled):
        operations.copy_between(store, f"docker-archive:{path}", "containers-storage:",
                                progress=Progress(listener, token, interval=0))
    assert sent[0] > 8 << 20  # it was cancelled mid-stream, not before
    time.sleep(1)
    assert _podman_ids(svc) == before
    assert img.config_digest not in _podman_ids(svc)


def test_partial_image_kept_by_the_engine_is_removed(tmp_path, engines_env, monkeypatch):
    """The engine finished importing just as the cancel came (the body was sent, the answer not read): it
    keeps the image, and Estiba removes it. The timing is the fault we cannot produce reliably, so the
    answer's reading is replaced by a wait for the image to appear, then a cancel (a mock, for this only)."""
    svc, _ = engines_env
    img, path = _big_archive(tmp_path, "docker.io/library/kept:1", 60)
    store = Store(str(tmp_path / "store"))

    def engine_loaded_then_cancel(self, conn):
        deadline = time.monotonic() + 120
        while img.config_digest not in _podman_ids(svc):
            assert time.monotonic() < deadline, "podman never imported the image"
            time.sleep(0.2)
        raise Cancelled()

    monkeypatch.setattr(Engine, "load_result", engine_loaded_then_cancel)
    with pytest.raises(Cancelled):
        operations.copy_between(store, f"docker-archive:{path}", "containers-storage:")
    assert img.config_digest not in _podman_ids(svc)


def test_private_podman_service_is_started_and_stopped(podman_service, tmp_path, sockdir, monkeypatch):
    """Nothing answers at the usual sockets: Estiba starts `podman system service` on a socket of its own
    (on the storage podman would use: here the test's, through CONTAINERS_STORAGE_CONF), and stops it."""
    svc = podman_service
    img = build_image([random_layer_tar(70, 100_000)], docker=True, compression="none")
    path = tmp_path / "a.tar"
    write_docker_archive(path, [(img, ["docker.io/library/private:1"])])
    svc.cli("load", "-i", path)
    env = dict(svc.cli.env)
    env.pop("CONTAINER_HOST", None)
    env["XDG_RUNTIME_DIR"] = sockdir
    endpoint = discovery.find("podman", env=env, system=os.path.join(sockdir, "no-rootful.sock"))
    try:
        assert endpoint.service is not None and endpoint.socket.startswith(sockdir)
        ids = {r.id for r in Engine(endpoint).images()}
        assert img.config_digest in ids
        proc = endpoint.service
    finally:
        endpoint.close()
    assert proc.poll() is not None  # stopped
    assert not os.path.exists(endpoint.socket)
    svc.cli("rmi", "docker.io/library/private:1")


def test_cancel_wakes_a_stalled_export(tmp_path, sockdir):
    """An engine that accepts the request and then says nothing: Cancel ends the wait at once."""
    sock = os.path.join(sockdir, "stall.sock")
    server = socket.socket(socket.AF_UNIX)
    server.bind(sock)
    server.listen(4)
    token = CancelToken()
    threading.Timer(0.5, token.cancel).start()
    from engine.engines.socket_http import Connection

    conn = Connection(sock, "Podman", token)
    start = time.monotonic()
    try:
        with pytest.raises(Cancelled):
            conn.request("GET", "/v4.0.0/libpod/images/x/get")
    finally:
        conn.close()
        server.close()
    assert time.monotonic() - start < 5


def test_engine_that_dies_mid_load_is_a_one_line_failure_not_a_cancel(tmp_path, monkeypatch):
    """A podman service of this test's own is killed while the archive streams into it."""
    from engine.engines.socket_http import EngineError
    from engine.errors import Hint
    from tests.engines.services import start_podman_service, stop

    base = tempfile.mkdtemp(prefix="estiba-pd-", dir="/tmp")
    proc, sock, _cli = start_podman_service(Path(base))
    try:
        monkeypatch.setenv("CONTAINER_HOST", "unix://" + sock)
        _, path = _big_archive(tmp_path, "docker.io/library/dies:1", 80)
        store = Store(str(tmp_path / "store"))
        done: dict[str, int] = {}

        def listener(event) -> None:
            done[event.blob] = max(done.get(event.blob, 0), event.offset)
            if sum(done.values()) > 8 << 20 and proc.poll() is None:
                proc.kill()
                proc.wait()

        start = time.monotonic()
        with pytest.raises(EngineError) as err:
            operations.copy_between(store, f"docker-archive:{path}", "containers-storage:",
                                    progress=Progress(listener, interval=0))
        assert time.monotonic() - start < 60
        assert err.value.hint is Hint.ENGINE_RETRY
        text = str(err.value)
        assert "Podman" in text and sock in text and "\n" not in text
    finally:
        stop(proc)
        shutil.rmtree(base, ignore_errors=True)
