"""Real engines for the engine tests: a private `podman system service` and a private `dockerd`, each on its
own socket and storage (vfs) under scratch directories, started once per test module and stopped after.
Neither touches /run/podman or /var/run/docker.sock.

Oracles: `podman` on the same storage runs WITHOUT CONTAINER_HOST (with it, the podman CLI becomes a remote
client) and with the same --root/--runroot/--storage-driver flags; `docker -H unix://SOCK`."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import IN_CI, Podman
from tests.engines.services import docker_argv, start_dockerd, start_podman_service, stop


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if IN_CI:
            pytest.fail(f"{tool} is missing (tests/run.sh installs it)", pytrace=False)
        pytest.skip(f"{tool} is not installed (tests/run.sh installs it)")
    return path


@dataclass
class PodmanService:
    socket: str
    cli: Podman  # the oracle: the same storage, no CONTAINER_HOST

    @property
    def host(self) -> str:
        return "unix://" + self.socket


class OverlayPodman(Podman):
    """The oracle (and its service) on overlay storage, most users' driver, instead of vfs."""

    def argv(self, *args: str) -> list[str]:
        argv = super().argv(*args)
        argv[argv.index("--storage-driver") + 1] = "overlay"
        return argv


def _podman_service(events: bool, cli_class: type[Podman] | None = None) -> Iterator[PodmanService]:
    _need("podman")
    base = Path(tempfile.mkdtemp(prefix="estiba-ps-", dir="/tmp"))  # short: podman limits the runroot's length
    try:
        proc, sock, cli = start_podman_service(base, events=events, cli_class=cli_class)
    except BaseException:
        shutil.rmtree(base, ignore_errors=True)
        raise
    try:
        yield PodmanService(sock, cli)
    finally:
        stop(proc)
        if cli_class is OverlayPodman:  # in case podman left a layer mounted
            subprocess.run(["umount", "-R", str(base / "s")], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def podman_service() -> Iterator[PodmanService]:
    yield from _podman_service(events=False)


@pytest.fixture(scope="module")
def podman_overlay_service() -> Iterator[PodmanService]:
    yield from _podman_service(events=False, cli_class=OverlayPodman)


@pytest.fixture(scope="module")
def podman_events_service() -> Iterator[PodmanService]:
    """A podman service whose /events stream sees what its CLI oracle does (the file events backend)."""
    yield from _podman_service(events=True)


@dataclass
class Dockerd:
    socket: str

    @property
    def host(self) -> str:
        return "unix://" + self.socket

    def __call__(self, *args, check: bool = True) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if k not in ("DOCKER_HOST", "DOCKER_CONTEXT")}
        proc = subprocess.run(docker_argv(self.socket, *args), capture_output=True, text=True,
                              env=env, stdin=subprocess.DEVNULL)
        if check and proc.returncode:
            raise AssertionError(f"docker {' '.join(map(str, args))} failed:\n{proc.stdout}\n{proc.stderr}")
        return proc


@pytest.fixture(scope="module")
def dockerd() -> Iterator[Dockerd]:
    _need("dockerd")
    _need("docker")
    base = Path(tempfile.mkdtemp(prefix="estiba-dk-", dir="/tmp"))  # short: containerd's socket paths
    try:
        proc, sock = start_dockerd(base)
    except BaseException:
        shutil.rmtree(base, ignore_errors=True)
        raise
    try:
        yield Dockerd(sock)
    finally:
        stop(proc)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def engines_env(podman_service: PodmanService, dockerd: Dockerd, monkeypatch: pytest.MonkeyPatch):
    """CONTAINER_HOST and DOCKER_HOST point at the private engines (for estiba, never for the podman oracle)."""
    monkeypatch.setenv("CONTAINER_HOST", podman_service.host)
    monkeypatch.setenv("DOCKER_HOST", dockerd.host)
    return podman_service, dockerd
