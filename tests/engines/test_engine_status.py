"""The state a front end shows for each engine (engine/engines/status.py), against the real engines and
sockets that are absent or refuse."""

from __future__ import annotations

import os
import socket
import time

from engine.engines import status


def test_running_engines_say_their_version(podman_service, dockerd):
    for kind, host, var in (("podman", podman_service.host, "CONTAINER_HOST"), ("docker", dockerd.host, "DOCKER_HOST")):
        got = status.probe(kind, env={var: host, "PATH": os.environ["PATH"]})
        assert got.state == status.RUNNING and got.error is None, got
        assert got.socket == host.removeprefix("unix://")
        assert got.version and got.version[0].isdigit()


def test_installed_but_not_running_never_starts_a_service(tmp_path):
    start = time.monotonic()
    got = status.probe("podman", env={"XDG_RUNTIME_DIR": str(tmp_path), "PATH": os.environ["PATH"]},
                       system=str(tmp_path / "rootful.sock"))
    assert got.state == status.NOT_RUNNING and got.error is not None
    assert not any(p.name.startswith("estiba-podman-") for p in tmp_path.iterdir())  # no private service
    s = socket.socket(socket.AF_UNIX)
    sock = tmp_path / "d.sock"
    s.bind(str(sock))  # there, refusing
    try:
        got = status.probe("docker", env={"DOCKER_HOST": f"unix://{sock}", "PATH": os.environ["PATH"]})
    finally:
        s.close()
    assert got.state == status.NOT_RUNNING and got.socket == str(sock)
    assert time.monotonic() - start < 10


def test_not_installed(tmp_path):
    got = status.probe("docker", env={"PATH": str(tmp_path), "HOME": str(tmp_path)},
                       system=str(tmp_path / "docker.sock"))
    assert got.state == status.NOT_INSTALLED
    assert "not installed" in str(got.error)
