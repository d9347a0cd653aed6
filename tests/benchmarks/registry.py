"""A throw-away docker-registry (distribution) on 127.0.0.1: no auth, plain HTTP, storage in the work dir.

docker-registry reads every REGISTRY_* environment variable as a config override (spec/registry-recipe), so it
runs with none of them: everything is in the YAML written here.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

CONFIG = """\
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: {root}
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: 127.0.0.1:{port}
  secret: estiba-benchmark-not-a-secret
"""


class RegistryError(Exception):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Registry:
    """`with Registry(dir) as reg:` starts docker-registry on a free port (reg.address) and stops it by pid."""

    def __init__(self, directory: str, binary: str = "docker-registry") -> None:
        self.directory = directory
        self.binary = binary
        self.port = 0
        self.proc: subprocess.Popen | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 15.0) -> Registry:
        shutil.rmtree(self.directory, ignore_errors=True)
        storage = os.path.join(self.directory, "storage")
        os.makedirs(storage)
        self.port = free_port()
        config = os.path.join(self.directory, "config.yml")
        with open(config, "w") as f:
            f.write(CONFIG.format(root=storage, port=self.port))
        env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
        with open(os.path.join(self.directory, "registry.log"), "wb") as log:
            self.proc = subprocess.Popen([self.binary, "serve", config], stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT, env=env, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RegistryError(f"docker-registry exited ({self.proc.returncode}): {self._log_tail()}")
            try:
                with urllib.request.urlopen(f"http://{self.address}/v2/", timeout=1) as resp:
                    if resp.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.05)
        self.stop()
        raise RegistryError(f"docker-registry did not answer on {self.address} within {timeout:.0f} s")

    def _log_tail(self) -> str:
        try:
            with open(os.path.join(self.directory, "registry.log"), errors="replace") as f:
                return " ".join(f.read()[-400:].split())
        except OSError:
            return "(no log)"

    def stop(self, remove: bool = True) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if remove:
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> Registry:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
