"""Real engines for the engine tests: a private `podman system service` and a private `dockerd`, each on its
own socket and storage (vfs) under scratch directories, started once per test module and stopped after.
Neither touches /run/podman or /var/run/docker.sock.

Oracles: `podman` on the same storage runs WITHOUT CONTAINER_HOST (with it, the podman CLI becomes a remote
client) and with the same --root/--runroot/--storage-driver flags; `docker -H unix://SOCK`."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import IN_CI, Podman


def _wait_for_socket(path: str, proc: subprocess.Popen, what: str, log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{what} exited ({proc.returncode}):\n{log.read_text(errors='replace')[-3000:]}")
        if os.path.exists(path):
            s = socket.socket(socket.AF_UNIX)
            try:
                s.connect(path)
                return
            except OSError:
                pass
            finally:
                s.close()
        time.sleep(0.05)
    raise AssertionError(f"{what} did not listen at {path} within {timeout} s")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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


@pytest.fixture(scope="module")
def podman_service() -> Iterator[PodmanService]:
    _need("podman")
    base = Path(tempfile.mkdtemp(prefix="estiba-ps-", dir="/tmp"))  # short: podman limits the runroot's length
    cli = Podman(base / "s", base / "rr")
    for var in ("CONTAINER_HOST", "DOCKER_HOST"):
        cli.env.pop(var, None)
    sock = str(base / "podman.sock")
    log = base / "service.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen(cli.argv("system", "service", "--time=0", "unix://" + sock), env=cli.env,
                                stdin=subprocess.DEVNULL, stdout=err, stderr=err, start_new_session=True)
    try:
        _wait_for_socket(sock, proc, "podman system service", log)
        yield PodmanService(sock, cli)
    finally:
        _stop(proc)
        shutil.rmtree(base, ignore_errors=True)


@dataclass
class Dockerd:
    socket: str

    @property
    def host(self) -> str:
        return "unix://" + self.socket

    def __call__(self, *args, check: bool = True) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if k not in ("DOCKER_HOST", "DOCKER_CONTEXT")}
        proc = subprocess.run(["docker", "-H", self.host, *map(str, args)], capture_output=True, text=True,
                              env=env, stdin=subprocess.DEVNULL)
        if check and proc.returncode:
            raise AssertionError(f"docker {' '.join(map(str, args))} failed:\n{proc.stdout}\n{proc.stderr}")
        return proc


@pytest.fixture(scope="module")
def dockerd() -> Iterator[Dockerd]:
    _need("dockerd")
    _need("docker")
    base = Path(tempfile.mkdtemp(prefix="estiba-dk-", dir="/tmp"))  # short: containerd's socket paths
    sock = str(base / "docker.sock")
    log = base / "dockerd.log"
    argv = ["dockerd", "--storage-driver", "vfs", "--iptables=false", "--ip6tables=false", "--bridge=none",
            "--data-root", str(base / "data"), "--exec-root", str(base / "exec"), "--pidfile",
            str(base / "docker.pid"), "-H", "unix://" + sock]
    env = {k: v for k, v in os.environ.items() if k not in ("DOCKER_HOST",)}
    with open(log, "wb") as err:
        proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=err, stderr=err,
                                start_new_session=True)
    try:
        _wait_for_socket(sock, proc, "dockerd", log)
        yield Dockerd(sock)
    finally:
        _stop(proc)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def engines_env(podman_service: PodmanService, dockerd: Dockerd, monkeypatch: pytest.MonkeyPatch):
    """CONTAINER_HOST and DOCKER_HOST point at the private engines (for estiba, never for the podman oracle)."""
    monkeypatch.setenv("CONTAINER_HOST", podman_service.host)
    monkeypatch.setenv("DOCKER_HOST", dockerd.host)
    return podman_service, dockerd
