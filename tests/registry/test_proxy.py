"""Registries behind an HTTP proxy from the environment ($https_proxy, $http_proxy, $no_proxy), as podman and
skopeo honour them: a real tinyproxy between Estiba and real docker-registry processes. HTTPS goes through a
CONNECT tunnel and is still verified against the registry's own CA (certs.d); plain HTTP is sent to the proxy
with the absolute URL; $no_proxy goes around it; a proxy that is down is a one-line error.

The proxy variables are read once per process (engine/registry/wire.py), so each test clears that cache after
setting them.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from engine.errors import EstibaError
from engine.registry import tls as tls_mod
from engine.registry import wire
from tests.conftest import IN_CI
from tests.engine.memory import MemorySource
from tests.registry.conftest import build_test_image, free_port, pull, push

PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
              "NO_PROXY")


class TinyProxy:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.log = folder / "tinyproxy.log"
        conf = folder / "tinyproxy.conf"
        conf.write_text(f'Port {self.port}\nListen 127.0.0.1\nTimeout 60\nLogFile "{self.log}"\nLogLevel Info\n'
                        "MaxClients 50\nAllow 127.0.0.1\nDisableViaHeader Yes\n")
        self.proc = subprocess.Popen(["tinyproxy", "-d", "-c", str(conf)], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.05)
        raise RuntimeError(f"tinyproxy did not start: {self.log_text()[-2000:]}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def proxy(tmp_path):
    if shutil.which("tinyproxy") is None:
        if IN_CI:
            pytest.fail("CI is set but tinyproxy is missing (apt-get install tinyproxy)", pytrace=False)
        pytest.skip("tinyproxy is not installed (apt-get install tinyproxy)")
    folder = tmp_path / "proxy"
    folder.mkdir()
    p = TinyProxy(folder)
    yield p
    p.stop()


@pytest.fixture
def proxy_env(monkeypatch):
    """Sets proxy variables for this test only, with the process-wide cache of them cleared both ways."""
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)

    def set_env(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        wire._environment_proxies.cache_clear()
        wire.proxy_for.cache_clear()

    yield set_env
    wire._environment_proxies.cache_clear()
    wire.proxy_for.cache_clear()


def test_https_registry_through_a_connect_tunnel_is_still_verified(registry, proxy, proxy_env, tmp_path,
                                                                   monkeypatch):
    reg = registry("noauth", tls=True)
    folder = tmp_path / "certs.d" / reg.host
    folder.mkdir(parents=True)
    (folder / "ca.crt").write_bytes(reg.ca.read_bytes())
    monkeypatch.setattr(tls_mod, "CERT_DIRS", [str(tmp_path / "certs.d")])
    proxy_env(https_proxy=proxy.url)
    img = build_test_image(41)
    push(MemorySource.from_built(img), reg.ref("prox/tls:v1"), tls_verify=True)
    _, [pulled] = pull(reg.ref("prox/tls:v1"), tls_verify=True)
    assert pulled.image_id == img.config_digest
    assert f"CONNECT {reg.host}" in proxy.log_text()


def test_https_through_the_tunnel_refuses_an_untrusted_certificate(registry, proxy, proxy_env, tmp_path,
                                                                   monkeypatch):
    reg = registry("noauth", tls=True)
    monkeypatch.setattr(tls_mod, "CERT_DIRS", [str(tmp_path / "empty-certs.d")])
    proxy_env(HTTPS_PROXY=proxy.url)
    with pytest.raises(EstibaError, match="certificate verify failed") as err:
        push(MemorySource.from_built(build_test_image(42)), reg.ref("prox/untrusted:v1"), tls_verify=True)
    assert "\n" not in str(err.value)
    assert f"CONNECT {reg.host}" in proxy.log_text()


def test_plain_http_registry_with_login_through_the_proxy(registry, proxy, proxy_env):
    reg = registry("htpasswd")
    proxy_env(http_proxy=proxy.url)
    img = build_test_image(43)
    push(MemorySource.from_built(img), reg.ref("alice/prox:v1"), creds=reg.creds)
    _, [pulled] = pull(reg.ref("alice/prox:v1"), creds=reg.creds)
    assert pulled.image_id == img.config_digest
    log = proxy.log_text()
    assert f"PUT http://{reg.host}/v2/alice/prox/manifests/v1" in log
    assert f"GET http://{reg.host}/v2/alice/prox/manifests/v1" in log


def test_no_proxy_goes_around_the_proxy(registry, proxy_env):
    reg = registry("noauth")
    closed = free_port()  # nothing listens there: a request sent to the proxy would fail
    proxy_env(http_proxy=f"http://127.0.0.1:{closed}", no_proxy="example.com,127.0.0.1")
    img = build_test_image(44)
    push(MemorySource.from_built(img), reg.ref("prox/direct:v1"))
    _, [pulled] = pull(reg.ref("prox/direct:v1"))
    assert pulled.image_id == img.config_digest


def test_a_proxy_that_is_down_is_one_line(registry, proxy_env):
    reg = registry("noauth")
    proxy_env(http_proxy=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(EstibaError) as err:
        pull(reg.ref("prox/none:v1"), retry_times=0)
    text = str(err.value)
    assert "\n" not in text and "connection refused" in text, text
