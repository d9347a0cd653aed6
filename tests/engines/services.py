"""Starting the private engines the engine tests and the engine benchmark use: `podman system service` on
its own socket and vfs storage, and `dockerd` with vfs, no iptables and no bridge. Neither touches
/run/podman or /var/run/docker.sock. The podman oracle (tests/conftest.py's Podman) runs on the same storage
without CONTAINER_HOST."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

from tests.conftest import Podman


def wait_for_socket(path: str, proc: subprocess.Popen, what: str, log: Path, timeout: float = 60.0) -> None:
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


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class EventedPodman(Podman):
    """The podman oracle with the file events backend (the other tests run podman with none): what this
    CLI does to the images is written to the events log under --tmpdir, which the service on the same
    storage streams on /events (the window's live list, tests/gui/test_engine_places.py)."""

    def argv(self, *args: str) -> list[str]:
        argv = super().argv(*args)
        argv[argv.index("--events-backend") + 1] = "file"
        return argv


def start_podman_service(base: Path, events: bool = False,
                         cli_class: type[Podman] | None = None) -> tuple[subprocess.Popen, str, Podman]:
    """(the service, its socket, the CLI oracle on its storage). `base` must be short (podman limits the
    runroot's length). `events`: the service and the oracle log image events (file backend). `cli_class`:
    another oracle (its flags are the service's too), such as one on overlay storage."""
    cli = (cli_class or (EventedPodman if events else Podman))(base / "s", base / "rr")
    for var in ("CONTAINER_HOST", "DOCKER_HOST"):
        cli.env.pop(var, None)
    sock = str(base / "podman.sock")
    log = base / "service.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen(cli.argv("system", "service", "--time=0", "unix://" + sock), env=cli.env,
                                stdin=subprocess.DEVNULL, stdout=err, stderr=err, start_new_session=True)
    try:
        wait_for_socket(sock, proc, "podman system service", log)
    except BaseException:
        stop(proc)
        raise
    return proc, sock, cli


def start_dockerd(base: Path) -> tuple[subprocess.Popen, str]:
    """(dockerd, its socket). `base` must be short (containerd's socket paths live under the exec root)."""
    base.mkdir(parents=True, exist_ok=True)
    sock = str(base / "docker.sock")
    log = base / "dockerd.log"
    argv = ["dockerd", "--storage-driver", "vfs", "--iptables=false", "--ip6tables=false", "--bridge=none",
            "--data-root", str(base / "data"), "--exec-root", str(base / "exec"), "--pidfile",
            str(base / "docker.pid"), "-H", "unix://" + sock]
    env = {k: v for k, v in os.environ.items() if k != "DOCKER_HOST"}
    with open(log, "wb") as err:
        proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=err, stderr=err,
                                start_new_session=True)
    try:
        wait_for_socket(sock, proc, "dockerd", log)
    except BaseException:
        stop(proc)
        raise
    return proc, sock


def docker_argv(sock: str, *args: str) -> list[str]:
    return ["docker", "-H", "unix://" + sock, *map(str, args)]
