"""Where Podman's and Docker's API sockets are, in the order their own tools look (docs/engines.md):

- Podman: $CONTAINER_HOST (unix://PATH), else the rootless $XDG_RUNTIME_DIR/podman/podman.sock, else the
  rootful /run/podman/podman.sock. When podman is installed but nothing answers (users rarely enable the
  socket), a private `podman system service --time=N unix://...` is started for as long as it is needed.
- Docker: $DOCKER_HOST, else the current context of `docker context` ($DOCKER_CONFIG or ~/.docker:
  config.json's currentContext, its endpoint in contexts/meta/<sha256 of the name>/meta.json), else the
  rootless $XDG_RUNTIME_DIR/docker.sock, else /var/run/docker.sock.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from engine.engines.socket_http import EngineError, unreachable
from engine.errors import Hint, Unsupported

PODMAN, DOCKER = "podman", "docker"
TITLES = {PODMAN: "Podman", DOCKER: "Docker"}
PODMAN_SYSTEM = "/run/podman/podman.sock"
DOCKER_SYSTEM = "/var/run/docker.sock"
PROBE_TIMEOUT = 2.0
SERVICE_START_TIMEOUT = 8.0
SERVICE_IDLE_SECONDS = 600  # --time: the private service also ends by itself if Estiba dies


@dataclass
class Endpoint:
    """A socket that answered, and the private service behind it when Estiba started one."""

    kind: str  # PODMAN or DOCKER
    socket: str
    service: subprocess.Popen | None = None
    service_dir: str | None = None
    users: int = field(default=1)

    @property
    def title(self) -> str:
        return TITLES[self.kind]

    def close(self) -> None:
        """Stop the private service (if any); the engine's own socket is left alone."""
        proc, self.service = self.service, None
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self.service_dir:
            shutil.rmtree(self.service_dir, ignore_errors=True)
            self.service_dir = None


def _unix_path(value: str, variable: str, kind: str) -> str:
    if value.startswith("unix://"):
        return value[len("unix://"):]
    if value.startswith("/"):
        return value
    raise Unsupported(f"{variable}={value}: {TITLES[kind]} is reached through a unix socket only here "
                      "(unix://PATH)", Hint.ENGINE_START, engine=TITLES[kind], socket=value)


def _docker_context(env: Mapping[str, str]) -> str | None:
    """The socket of the current `docker context`, when it is not the default one."""
    config_dir = env.get("DOCKER_CONFIG") or os.path.join(env.get("HOME", os.path.expanduser("~")), ".docker")
    try:
        with open(os.path.join(config_dir, "config.json"), "rb") as f:
            name = json.loads(f.read(1 << 20)).get("currentContext")
        if not isinstance(name, str) or not name or name == "default":
            return None
        meta = os.path.join(config_dir, "contexts", "meta", hashlib.sha256(name.encode()).hexdigest(), "meta.json")
        with open(meta, "rb") as f:
            host = json.loads(f.read(1 << 20))["Endpoints"]["docker"]["Host"]
        return host if isinstance(host, str) else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def candidates(kind: str, env: Mapping[str, str] | None = None,
               system: str | None = None) -> tuple[list[str], bool]:
    """The sockets to try, in order, and whether the first was chosen explicitly (by a variable or a
    context: then it is the only one, as with podman and docker themselves)."""
    env = os.environ if env is None else env
    runtime = env.get("XDG_RUNTIME_DIR")
    if kind == PODMAN:
        if env.get("CONTAINER_HOST"):
            return [_unix_path(env["CONTAINER_HOST"], "CONTAINER_HOST", kind)], True
        paths = [os.path.join(runtime, "podman", "podman.sock")] if runtime else []
        return [*paths, system or PODMAN_SYSTEM], False
    if env.get("DOCKER_HOST"):
        return [_unix_path(env["DOCKER_HOST"], "DOCKER_HOST", kind)], True
    context = _docker_context(env)
    if context:
        return [_unix_path(context, "the current docker context", kind)], True
    paths = [os.path.join(runtime, "docker.sock")] if runtime else []
    return [*paths, system or DOCKER_SYSTEM], False


def _probe(path: str, kind: str) -> EngineError | None:
    """None when something accepts connections at `path`, else why not."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(PROBE_TIMEOUT)
    try:
        s.connect(path)
        return None
    except OSError as exc:
        return unreachable(TITLES[kind], path, exc)
    finally:
        s.close()


def find(kind: str, *, env: Mapping[str, str] | None = None, system: str | None = None,
         start_service: bool = True) -> Endpoint:
    """The endpoint to talk to, or a one-line EngineError saying why there is none and what to do."""
    env = os.environ if env is None else env
    paths, explicit = candidates(kind, env, system)
    first_error: EngineError | None = None
    for path in paths:
        error = _probe(path, kind)
        if error is None:
            return Endpoint(kind, path)
        if error.hint is Hint.ENGINE_PERMISSION or (first_error is None and os.path.exists(path)):
            first_error = error  # a socket that is there but refuses says more than one that is absent
            if error.hint is Hint.ENGINE_PERMISSION:
                break
    search = env.get("PATH", os.defpath)
    if not explicit and kind == PODMAN and start_service and shutil.which("podman", path=search) \
            and (first_error is None or first_error.hint is not Hint.ENGINE_PERMISSION):
        return start_podman_service(env)
    if first_error is not None:
        raise first_error
    tools = ("podman",) if kind == PODMAN else ("docker", "dockerd")
    if not explicit and not any(shutil.which(t, path=search) for t in tools):
        raise EngineError(f"{TITLES[kind]} is not installed (no {tools[0]} command, nothing at {paths[-1]})",
                          Hint.ENGINE_INSTALL, engine=TITLES[kind], socket=paths[-1])
    raise unreachable(TITLES[kind], paths[0], FileNotFoundError())


def start_podman_service(env: Mapping[str, str] | None = None) -> Endpoint:
    """A private `podman system service` on a socket of its own, stopped by Endpoint.close()."""
    env = dict(os.environ if env is None else env)
    env.pop("CONTAINER_HOST", None)
    base = env.get("XDG_RUNTIME_DIR")
    if not base or not os.path.isdir(base):
        base = None
    service_dir = tempfile.mkdtemp(prefix="estiba-podman-", dir=base)
    path = os.path.join(service_dir, "podman.sock")
    log = os.path.join(service_dir, "service.log")  # a file, not a pipe: a chatty service never blocks on it
    try:
        with open(log, "wb") as err:
            proc = subprocess.Popen(["podman", "system", "service", f"--time={SERVICE_IDLE_SECONDS}",
                                     "unix://" + path], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=err, env=env, start_new_session=True)
    except OSError as exc:
        shutil.rmtree(service_dir, ignore_errors=True)
        raise EngineError(f"cannot start podman's service ({exc.strerror})", Hint.ENGINE_START,
                          engine="Podman", socket=path) from None
    endpoint = Endpoint(PODMAN, path, proc, service_dir)
    deadline = time.monotonic() + SERVICE_START_TIMEOUT
    while time.monotonic() < deadline:
        if os.path.exists(path) and _probe(path, PODMAN) is None:
            return endpoint
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    why = ""
    if proc.poll() is not None:
        with open(log, "rb") as f:
            lines = f.read()[-4096:].decode(errors="replace").strip().splitlines()
        why = f": {lines[-1][:200]}" if lines else ""
    endpoint.close()
    raise EngineError(f"podman's service did not start at {path}{why}", Hint.ENGINE_START,
                      engine="Podman", socket=path)
