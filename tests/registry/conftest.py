"""Fixtures for the registry tests: a REAL docker-registry (distribution 2.8) on a free loopback port, in three
auth modes, plus an in-process token server and a fault-injecting proxy (spec/registry.md §3).

    reg = registry("noauth" | "htpasswd" | "token", tls=False, anonymous_pull=True, token_ttl=300)
    reg.host        "127.0.0.1:PORT"          reg.ref("alice/x:t") -> "127.0.0.1:PORT/alice/x:t"
    reg.creds       ("alice", "s3cret") or None for noauth
    reg.tokens      the TokenServer (token mode)
    reg.log()       the registry's log so far (kept in tmp_path/registry-N/registry.log)
    proxy = fault_proxy(reg)   a FaultProxy in front of it (proxy.host)

The registry runs with an environment stripped of every REGISTRY_* variable (podman's REGISTRY_AUTH_FILE would
become a config override and make it exit); its YAML config is written here. It is stopped by PID.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import shutil
import socket
import subprocess
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.conftest import IN_CI
from tests.registry.fault_proxy import FaultProxy
from tests.registry.token_server import TokenServer

USERS = {"alice": ("s3cret", ""), "bob": ("hunter2", "bob/")}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bcrypt_hash(password: str) -> str:
    """A bcrypt hash (the only kind docker-registry accepts); low cost: the registry checks it per request."""
    try:
        import bcrypt

        return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()
    except ImportError:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            import crypt  # stdlib up to Python 3.12

            return crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16))


def make_tls_cert(folder: Path) -> tuple[Path, Path, Path]:
    """(ca.crt, server.crt, server.key): a CA and a server certificate for 127.0.0.1."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "estiba test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
          .not_valid_after(now + dt.timedelta(days=30))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    paths = folder / "ca.crt", folder / "server.crt", folder / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


@dataclass
class Registry:
    host: str
    mode: str
    dir: Path
    proc: subprocess.Popen
    creds: tuple[str, str] | None
    tokens: TokenServer | None = None
    ca: Path | None = None
    users: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"{'https' if self.ca else 'http'}://{self.host}"

    def ref(self, rest: str) -> str:
        return f"{self.host}/{rest}"

    def log(self) -> str:
        return (self.dir / "registry.log").read_text(errors="replace")

    def skopeo_creds(self, user: str = "alice") -> list[str]:
        return [] if self.creds is None else ["--creds", f"{user}:{self.users[user][0]}"]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self.tokens is not None:
            self.tokens.stop()


def _config(mode: str, port: int, d: Path, tokens: TokenServer | None, tls: tuple | None) -> str:
    text = f"""version: 0.1
log:
  level: info
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: {d / 'storage'}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:{port}
  secret: estiba-test-secret
"""
    if tls:
        text += f"  tls:\n    certificate: {tls[1]}\n    key: {tls[2]}\n"
    if mode == "htpasswd":
        text += f"auth:\n  htpasswd:\n    realm: estiba-test\n    path: {d / 'htpasswd'}\n"
    elif mode == "token":
        text += (f"auth:\n  token:\n    realm: {tokens.realm}\n    service: {tokens.service}\n"
                 f"    issuer: {tokens.issuer}\n    rootcertbundle: {tokens.cert_path}\n")
    return text


def _wait_ready(reg: Registry, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if reg.proc.poll() is not None:
            raise RuntimeError(f"docker-registry exited ({reg.proc.returncode}):\n{reg.log()[-3000:]}")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                status = requests.get(f"{reg.url}/v2/", timeout=1, verify=False).status_code
            if status in (200, 401):
                return
        except requests.RequestException:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"docker-registry did not answer within {timeout} s:\n{reg.log()[-3000:]}")


@pytest.fixture(scope="session")
def registry_binary() -> str:
    path = shutil.which("docker-registry")
    if path is None:
        if IN_CI:
            pytest.fail("CI is set but docker-registry is missing (apt-get install docker-registry)", pytrace=False)
        pytest.skip("docker-registry is not installed (apt-get install docker-registry)")
    return path


@pytest.fixture
def registry(registry_binary: str, tmp_path: Path):
    started: list[Registry] = []

    def start(mode: str = "noauth", *, tls: bool = False, anonymous_pull: bool = True,
              token_ttl: float = 300, oauth: bool = True) -> Registry:
        d = tmp_path / f"registry-{len(started)}"
        d.mkdir()
        tokens = None
        if mode == "token":
            tokens = TokenServer(d / "keys", users=USERS, anonymous_pull=anonymous_pull, ttl=token_ttl,
                                 oauth=oauth).start()
        elif mode == "htpasswd":
            (d / "htpasswd").write_text("".join(f"{u}:{bcrypt_hash(p)}\n" for u, (p, _) in USERS.items()))
        elif mode != "noauth":
            raise ValueError(mode)
        tls_files = make_tls_cert(d / "tls") if tls else None
        env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
        for _attempt in range(3):  # the free port may be taken between the probe and the bind
            port = free_port()
            (d / "config.yml").write_text(_config(mode, port, d, tokens, tls_files))
            with open(d / "registry.log", "ab") as log:
                proc = subprocess.Popen([registry_binary, "serve", str(d / "config.yml")], env=env,
                                        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            reg = Registry(f"127.0.0.1:{port}", mode, d, proc, None if mode == "noauth" else ("alice", "s3cret"),
                           tokens, tls_files[0] if tls_files else None, USERS)
            try:
                _wait_ready(reg)
            except RuntimeError:
                reg.proc.kill()
                reg.proc.wait()
                if "address already in use" in reg.log() and _attempt < 2:
                    continue
                raise
            started.append(reg)
            return reg
        raise AssertionError("unreachable")

    yield start
    for reg in started:
        reg.stop()


@pytest.fixture
def fault_proxy():
    proxies: list[FaultProxy] = []

    def start(reg: Registry) -> FaultProxy:
        proxy = FaultProxy(reg.host).start()
        proxies.append(proxy)
        return proxy

    yield start
    for proxy in proxies:
        proxy.stop()


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Back-off of milliseconds instead of seconds (Retry-After is still honoured as sent)."""
    from engine.registry import client

    monkeypatch.setattr(client, "BACKOFF_BASE", 0.01)


# -- helpers shared by the registry tests ------------------------------------------------------------------


def build_test_image(seed: int, *, big: int = 0, compression: str = "gzip", arch: str = "amd64", docker=False):
    """A two- or three-layer image; `big` adds a layer of that many incompressible bytes."""
    from tests.fixtures.images import build_image, make_layer_tar, random_layer_tar

    tars = [make_layer_tar({f"etc/seed{seed}": f"seed {seed}\n".encode()}), random_layer_tar(seed, 64 << 10)]
    if big:
        tars.append(random_layer_tar(seed + 1000, big, files=2))
    return build_image(tars, compression=compression, arch=arch, docker=docker, gzip_level=1,
                       labels={"seed": str(seed)})


def push(source, reference: str, creds=None, *, all_platforms: bool = False, progress=None, parallel: int = 4,
         **options):
    """Through the docker:// transport, as the verbs go: credentials are the explicit pair or looked up."""
    from engine import transports
    from engine.copy import CopyOptions, copy
    from engine.options import TransferOptions
    from engine.progress import Progress

    progress = progress or Progress()
    opts = TransferOptions(credentials=creds, parallel=parallel, all_platforms=all_platforms, **options)
    dest = transports.open_destination(transports.Location(transports.DOCKER, reference),
                                       transports.Opening(opts, cancel=progress.cancel))
    return copy(source, dest, CopyOptions(all_platforms=all_platforms, parallel=parallel, progress=progress))


def pull(reference: str, creds=None, *, all_platforms: bool = False, progress=None, dest=None, parallel: int = 4,
         **options):
    from engine import transports
    from engine.copy import CopyOptions, copy
    from engine.options import TransferOptions
    from engine.progress import Progress
    from tests.engine.memory import MemoryDestination

    dest = dest if dest is not None else MemoryDestination()
    progress = progress or Progress()
    opts = TransferOptions(credentials=creds, parallel=parallel, all_platforms=all_platforms, **options)
    with transports.open_source(transports.Location(transports.DOCKER, reference),
                                transports.Opening(opts, cancel=progress.cancel)) as src:
        results = copy(src, dest, CopyOptions(all_platforms=all_platforms, parallel=parallel, progress=progress))
    return dest, results
