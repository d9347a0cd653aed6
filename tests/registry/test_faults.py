"""Faults between Estiba and a real registry (a fault-injecting proxy in the middle), redirects, and the small
pure functions of the registry client."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from engine.errors import Cancelled, InvalidInput
from engine.formats.oci_layout import open_layout_source
from engine.progress import Progress
from engine.registry import RegistryError, parse_registry_reference
from engine.registry import client as client_mod
from engine.registry import tls as tls_mod
from engine.registry import upload as upload_mod
from engine.registry.auth import merge_scopes, parse_challenges
from tests.engine.memory import MemoryDestination, MemorySource
from tests.fixtures.images import write_oci_layout
from tests.registry.conftest import build_test_image, pull, push

interop = pytest.mark.interop
UPLOAD = r"/blobs/uploads/"


@pytest.fixture(autouse=True)
def no_stored_logins(monkeypatch):
    """Anonymous means anonymous here: never the logins of whoever runs the tests."""
    from engine import credentials

    monkeypatch.setattr(credentials, "lookup", lambda registry, authfile=None: None)


def _uuid(path: str) -> str | None:
    m = re.search(r"/blobs/uploads/([0-9a-f-]{36})", path)
    return m.group(1) if m else None


@pytest.fixture
def pushed(registry):
    """A registry holding f/app:v1, an image with a 3 MiB layer."""
    reg = registry("noauth")
    img = build_test_image(20, big=3 << 20)
    push(MemorySource.from_built(img), reg.ref("f/app:v1"))
    return reg, img


@interop
def test_pull_resumes_a_cut_blob_with_range(pushed, fault_proxy, fast_retries):
    reg, img = pushed
    proxy = fault_proxy(reg)
    big = img.layers[-1]
    proxy.add("cut_response", method="GET", path=f"/blobs/{big.digest}", after=300_000)
    dest, [pulled] = pull(f"{proxy.host}/f/app:v1")
    assert pulled.image_id == img.config_digest and dest.blobs[big.digest] == big.blob
    gets = proxy.seen("GET", f"/blobs/{big.digest}")
    assert len(gets) == 2, "resumed, not restarted"
    assert gets[0].range_start is None and 0 < gets[1].range_start <= 300_000


@interop
def test_a_stalled_body_times_out_and_resumes(pushed, fault_proxy, fast_retries, monkeypatch):
    reg, img = pushed
    monkeypatch.setattr(client_mod, "READ_TIMEOUT", 0.5)
    proxy = fault_proxy(reg)
    big = img.layers[-1]
    proxy.add("stall_response", method="GET", path=f"/blobs/{big.digest}", after=200_000, seconds=2.0)
    dest, _ = pull(f"{proxy.host}/f/app:v1")
    assert dest.blobs[big.digest] == big.blob
    assert proxy.seen("GET", f"/blobs/{big.digest}")[-1].range_start > 0


@interop
def test_500_and_429_are_retried_honouring_retry_after(pushed, fault_proxy, fast_retries):
    reg, img = pushed
    proxy = fault_proxy(reg)
    proxy.add("status", method="GET", path="/manifests/v1", status=500)
    proxy.add("status", method="GET", path=f"/blobs/{img.config_digest}", status=429, headers={"Retry-After": "1"})
    started = time.monotonic()
    _, [pulled] = pull(f"{proxy.host}/f/app:v1")
    assert pulled.image_id == img.config_digest
    assert time.monotonic() - started >= 1.0  # Retry-After, not the 10 ms test back-off
    assert [s.status for s in proxy.seen("GET", "/manifests/v1")] == [500, 200]
    assert [s.status for s in proxy.seen("GET", f"/blobs/{img.config_digest}")] == [429, 200]


@interop
def test_failures_after_the_last_retry_are_one_line(pushed, fault_proxy, fast_retries):
    reg, _ = pushed
    proxy = fault_proxy(reg)
    fault = proxy.add("status", method="GET", path="/manifests/v1", status=503, times=100)
    with pytest.raises(RegistryError) as err:
        pull(f"{proxy.host}/f/app:v1", retry_times=2)
    text = str(err.value)
    assert "\n" not in text and f"{proxy.host}/f/app" in text and "503" in text and "after 3 attempts" in text
    assert fault.applied == 3
    # Docker Hub's pull limit: the message carries the quota header
    proxy.faults.clear()
    proxy.add("status", method="GET", path="/manifests/v1", status=429, times=100,
              headers={"ratelimit-remaining": "0;w=21600", "Retry-After": "0"})
    with pytest.raises(RegistryError, match=r"ratelimit-remaining: 0;w=21600"):
        pull(f"{proxy.host}/f/app:v1", retry_times=1)


@interop
@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_a_cut_upload_restarts_the_blob(registry, fault_proxy, fast_retries, monkeypatch, method):
    monkeypatch.setattr(upload_mod, "CHUNK_SIZE", 5 << 20)  # 6 MiB layer: PATCH 5 MiB, closing PUT with 1 MiB
    reg = registry("noauth")
    proxy = fault_proxy(reg)
    img = build_test_image(21, big=6 << 20)
    big = img.layers[-1]
    cut = proxy.add("cut_request", method=method, path=UPLOAD, after=300_000 if method == "PUT" else 2 << 20)
    if method == "PUT":
        cut.path = rf"{UPLOAD}.*digest=sha256%3A{big.digest[7:]}"
    [copied] = push(MemorySource.from_built(img), f"{proxy.host}/f/cut:v1")
    assert cut.applied == 1 and copied.manifest_digest == img.manifest_digest
    posts = proxy.seen("POST", UPLOAD)
    assert len(posts) == len(img.layers) + 1 + 1  # every blob, the config, and the big one again
    dest, [pulled] = pull(reg.ref("f/cut:v1"))  # every digest verified again
    assert dest.blobs[big.digest] == big.blob and pulled.image_id == img.config_digest


@interop
def test_a_500_on_a_chunk_resends_only_that_chunk(registry, fault_proxy, fast_retries, monkeypatch):
    monkeypatch.setattr(upload_mod, "CHUNK_SIZE", 5 << 20)
    reg = registry("noauth")
    proxy = fault_proxy(reg)
    img = build_test_image(22, big=12 << 20)
    fault = proxy.add("status", method="PATCH", path=UPLOAD, status=500, nth=2)
    push(MemorySource.from_built(img), f"{proxy.host}/f/chunks:v1")
    assert fault.applied == 1
    patches = proxy.seen("PATCH")
    assert [p.status for p in patches] == [202, 500, 202]
    assert patches[1].headers["content-range"] == patches[2].headers["content-range"] == f"{5 << 20}-{(10 << 20) - 1}"
    assert len({_uuid(p.path) for p in patches}) == 1  # the same session: no restart
    assert len(proxy.seen("POST")) == len(img.layers) + 1
    _, [pulled] = pull(reg.ref("f/chunks:v1"))
    assert pulled.manifest_digest == img.manifest_digest


@interop
def test_file_uploads_replay_from_the_file_after_a_cut(registry, fault_proxy, fast_retries, monkeypatch, skopeo,
                                                      tmp_path):
    monkeypatch.setattr(upload_mod, "CHUNK_SIZE", 5 << 20)
    monkeypatch.setattr(upload_mod, "FILE_CHUNK_SIZE", 5 << 20)  # a PATCH to cut, then the closing PUT
    reg = registry("noauth")
    proxy = fault_proxy(reg)
    img = build_test_image(23, big=7 << 20)
    write_oci_layout(tmp_path / "layout", [(img, "v1", None)])
    cut = proxy.add("cut_request", method="PATCH", path=UPLOAD, after=1 << 20)
    with open_layout_source(str(tmp_path / "layout"), "v1") as src:
        [copied] = push(src, f"{proxy.host}/f/file:v1")
    assert cut.applied == 1 and copied.manifest_digest == img.manifest_digest
    assert raw_digest(skopeo, reg.ref("f/file:v1")) == img.manifest_digest
    skopeo("copy", "--src-tls-verify=false", f"docker://{reg.ref('f/file:v1')}", f"oci:{tmp_path / 'out'}:v1")


def raw_digest(skopeo, ref: str) -> str:
    raw = skopeo("inspect", "--tls-verify=false", "--raw", f"docker://{ref}").stdout.encode()
    return "sha256:" + hashlib.sha256(raw).hexdigest()


@interop
def test_cancel_mid_push_deletes_the_upload_sessions(registry, fault_proxy, monkeypatch):
    monkeypatch.setattr(upload_mod, "CHUNK_SIZE", 5 << 20)
    reg = registry("noauth")
    proxy = fault_proxy(reg)
    img = build_test_image(24, big=16 << 20)
    big = img.layers[-1].digest
    progress = Progress()

    def listener(event):
        if event.kind == "read" and event.blob == big and event.offset > (11 << 20):
            progress.cancel.cancel()  # two chunks sent: the session is open on the registry

    progress.listener = listener
    progress.interval = 0
    with pytest.raises(Cancelled):
        push(MemorySource.from_built(img), f"{proxy.host}/f/cancel:v1", progress=progress)
    opened = [s for s in proxy.seen("POST", UPLOAD) if s.status == 202]
    finished = [s for s in proxy.seen("PUT", UPLOAD) if s.status == 201]
    deleted = {_uuid(s.path) for s in proxy.seen("DELETE", UPLOAD)}
    patched = {_uuid(s.path) for s in proxy.seen("PATCH", UPLOAD)}
    assert patched and patched <= deleted
    assert len(opened) == len(finished) + len(deleted)
    assert requests.get(f"{reg.url}/v2/f/cancel/manifests/v1").status_code == 404
    # distribution 2.8 leaves hashstates/sha256/0 behind even after a clean DELETE, but no data
    uploads = reg.dir / "storage/docker/registry/v2/repositories/f/cancel/_uploads"
    assert not list(uploads.glob("*/data"))


# -- redirects: the registry's Authorization must not reach another host ----------------------------------


class _Server:
    def __init__(self, handler) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_redirects_never_carry_the_registry_authorization_to_another_host():
    img = build_test_image(25)
    blobs = {img.config_digest: img.config, **{x.digest: x.blob for x in img.layers}}
    basic = "Basic " + base64.b64encode(b"alice:s3cret").decode()
    storage_seen: list[str | None] = []
    registry_auth: list[str | None] = []

    class Storage(BaseHTTPRequestHandler):  # plays S3 / a CDN with presigned URLs
        def log_message(self, *a):
            pass

        def do_GET(self):
            storage_seen.append(self.headers.get("Authorization"))
            data = blobs[self.path.split("/")[2].split("?")[0]]
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    storage = _Server(Storage)

    class Registry(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def _send(self, code, body=b"", headers=()):
            self.send_response(code)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            registry_auth.append(self.headers.get("Authorization"))
            if self.headers.get("Authorization") != basic:
                return self._send(401, b"{}", [("WWW-Authenticate", 'Basic realm="fake"')])
            if self.path == "/v2/":
                return self._send(200, b"{}")
            if self.path == "/v2/r/app/manifests/v1":
                return self._send(200, img.manifest, [("Content-Type", img.manifest_media_type),
                                                      ("Docker-Content-Digest", img.manifest_digest)])
            digest = self.path.rsplit("/", 1)[1]
            return self._send(307, headers=[("Location", f"http://localhost:{storage.port}/blob/{digest}?sig=x")])

    reg = _Server(Registry)
    try:
        _, [pulled] = pull(f"127.0.0.1:{reg.port}/r/app:v1", ("alice", "s3cret"))
    finally:
        reg.stop()
        storage.stop()
    assert pulled.image_id == img.config_digest
    assert len(storage_seen) == len(blobs) and storage_seen == [None] * len(blobs)
    assert basic in registry_auth


# -- small pure functions ----------------------------------------------------------------------------------


def test_challenge_parsing():
    [ch] = parse_challenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope='
                            '"repository:samalba/my-app:pull,push repository:a/b:pull",error="insufficient_scope"')
    assert ch.scheme == "bearer" and ch.realm == "https://auth.docker.io/token"
    assert ch.scopes == ("repository:samalba/my-app:pull,push", "repository:a/b:pull")
    assert ch.error == "insufficient_scope" and ch.params["service"] == "registry.docker.io"
    both = parse_challenges('Basic realm="x", BEARER Realm=https://gcr.io/v2/token,Service=gcr.io')
    assert [c.scheme for c in both] == ["basic", "bearer"]
    assert both[1].params == {"realm": "https://gcr.io/v2/token", "service": "gcr.io"}
    assert parse_challenges('Bearer realm="a \\"q\\" b"')[0].realm == 'a "q" b'
    assert parse_challenges("Negotiate abc==, Basic realm=r")[1].realm == "r"
    assert parse_challenges("") == []


def test_scopes_merge_per_resource():
    assert merge_scopes(["repository:a:pull"], ("repository:a:push", "repository:h:5000/b:pull")) == (
        "repository:a:pull,push", "repository:h:5000/b:pull")


def test_retry_after_and_hosts():
    class R:
        headers = {"Retry-After": "3"}

    assert client_mod.retry_after(R) == 3.0
    R.headers = {"Retry-After": time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 30))}
    assert 25 <= client_mod.retry_after(R) <= 31
    assert client_mod.api_host("docker.io") == "registry-1.docker.io"
    loopback = ("localhost:5000", "127.0.0.1", "127.1.2.3:80", "[::1]:5000", "[::1]", "::1")
    assert all(tls_mod.is_loopback(h) for h in loopback)
    assert not any(tls_mod.is_loopback(h) for h in ("quay.io", "10.0.0.1:5000", "example.localhost.com"))
    with pytest.raises(InvalidInput, match="both a tag and a digest"):
        parse_registry_reference("alpine:3@sha256:" + "a" * 64)
    assert parse_registry_reference("docker://alpine").path == "library/alpine"



def test_insecure_registries_from_registries_conf(tmp_path, monkeypatch):
    conf = tmp_path / ".config" / "containers"
    conf.mkdir(parents=True)
    (conf / "registries.conf").write_text('[[registry]]\nlocation = "myreg.example:5000"\ninsecure = true\n\n'
                                          '[[registry]]\nlocation = "safe.example"\n')
    monkeypatch.setenv("HOME", str(tmp_path))
    tls_mod.insecure_in_registries_conf.cache_clear()
    try:
        assert tls_mod.insecure_in_registries_conf("myreg.example:5000")
        assert not tls_mod.insecure_in_registries_conf("safe.example")
        assert client_mod.RegistryClient("myreg.example:5000").insecure
        assert not client_mod.RegistryClient("safe.example").insecure
        assert not client_mod.RegistryClient("myreg.example:5000", tls_verify=True).insecure
    finally:
        tls_mod.insecure_in_registries_conf.cache_clear()


def test_chunks_honour_oci_chunk_min_length(monkeypatch):
    """A registry asking for 7 MiB chunks gets them even though ours are 5 MiB (ECR wants >= 5 MiB parts)."""
    from engine.registry.destination import StreamWriter
    from engine.registry.upload import UploadSession

    monkeypatch.setattr(upload_mod, "CHUNK_SIZE", 5 << 20)
    sent: list[tuple[int, int, int | None]] = []

    class FakeUploader:
        chunk_size = upload_mod.Uploader.chunk_size

        def open_session(self):
            return UploadSession("http://r/v2/x/blobs/uploads/1", min_chunk=7 << 20)

        def send_range(self, sess, data, start, end, digest=None):
            assert data.size >= end
            sent.append((start, end, None))

        def upload(self, data, digest, sess, start):
            sent.append((start, data.size, digest))

    class FakeDest:
        uploader, tmpdir = FakeUploader(), None
        client = type("C", (), {"host": "r"})
        repo = "x"

        def _submit(self, fn, *args):
            from concurrent.futures import Future

            fut = Future()
            fut.set_result(fn(*args))
            return fut

    writer = StreamWriter(FakeDest())
    blob = os.urandom(16 << 20)
    for i in range(0, len(blob), 1 << 20):
        writer.write(blob[i:i + (1 << 20)])
    digest = "sha256:" + hashlib.sha256(blob).hexdigest()
    writer.commit(digest, len(blob))
    assert sent == [(0, 7 << 20, None), (7 << 20, 14 << 20, None), (14 << 20, 16 << 20, digest)]


def test_file_chunks_grow_to_about_a_second_of_transfer(monkeypatch, tmp_path):
    """From a file: the first PATCH is CHUNK_SIZE, the next ones as much as went up in CHUNK_SECONDS (capped at
    FILE_CHUNK_SIZE), the rest in the closing PUT. Streamed data keeps CHUNK_SIZE."""
    from engine.registry.upload import FileRange, Spool, Uploader, UploadSession

    monkeypatch.setattr(upload_mod, "SMALL_BLOB", 1 << 20)
    monkeypatch.setattr(upload_mod, "CHUNK_SIZE", 2 << 20)
    monkeypatch.setattr(upload_mod, "FILE_CHUNK_SIZE", 8 << 20)
    clock = iter(x * 0.25 for x in range(1000))  # every chunk "takes" 0.25 s: 2 MiB -> 8 MiB/s
    monkeypatch.setattr(upload_mod.time, "monotonic", lambda: next(clock))
    sent: list[tuple[int, int, bool]] = []

    up = Uploader(type("C", (), {"retry_times": 0})(), "x", "r/x")
    monkeypatch.setattr(up, "open_session", lambda: UploadSession("http://r/v2/x/blobs/uploads/1"))
    monkeypatch.setattr(up, "send_range", lambda sess, data, start, end, digest=None:
                        sent.append((start, end, digest is not None)))
    path = tmp_path / "blob"
    path.write_bytes(os.urandom(20 << 20))
    data = FileRange(str(path), 0, 20 << 20)
    try:
        up.upload(data, "sha256:" + "a" * 64)
    finally:
        data.close()
    assert [(e - s) >> 20 for s, e, _ in sent] == [2, 8, 8, 2]
    assert [final for *_, final in sent] == [False, False, False, True]

    sent.clear()
    spool = Spool()
    spool.write(os.urandom(7 << 20))
    up.upload(spool, "sha256:" + "b" * 64)
    spool.close()
    assert [(e - s) >> 20 for s, e, _ in sent] == [2, 2, 2, 1]


def cancel_while_stalled(transfer, stalled, settle: float, join: float) -> tuple[BaseException | None, float]:
    """Run `transfer(progress)` on a thread; once `stalled()` says the stalled request is out, wait `settle`
    seconds, cancel, and join for up to `join` s. Returns (what it raised, seconds from cancel to its end)."""
    progress = Progress()
    box: dict = {}

    def run() -> None:
        try:
            transfer(progress)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            box["error"] = exc
        box["ended"] = time.monotonic()

    worker = threading.Thread(target=run)
    worker.start()
    deadline = time.monotonic() + 10
    while not stalled() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(settle)
    cancelled_at = time.monotonic()
    progress.cancel.cancel()
    worker.join(join)
    assert not worker.is_alive(), f"the transfer did not stop within {join} s of cancel"
    return box.get("error"), box["ended"] - cancelled_at


def test_cancel_lands_within_a_second_while_a_download_is_stalled(pushed, fault_proxy):
    """The registry stops sending mid-blob (for 20 s): cancel still ends the pull within a second, not when the
    bytes come back or the read times out."""
    reg, img = pushed
    proxy = fault_proxy(reg)
    big = img.layers[-1]
    proxy.add("stall_response", method="GET", path=f"/blobs/{big.digest}", after=200_000, seconds=20.0)
    dest = MemoryDestination()
    error, took = cancel_while_stalled(lambda progress: pull(f"{proxy.host}/f/app:v1", progress=progress, dest=dest),
                                       lambda: proxy.seen("GET", f"/blobs/{big.digest}"), settle=0.5, join=5)
    assert isinstance(error, Cancelled), error
    assert took < 1.0
    assert dest.aborted and not dest.committed


def test_cancel_lands_within_a_second_while_an_upload_is_stalled(registry, fault_proxy, tmp_path):
    """The registry stops reading a PATCH (for 30 s): cancel cuts the request within about a second instead of
    waiting for the send to time out; the push raises Cancelled and tags nothing."""
    reg = registry("noauth")
    proxy = fault_proxy(reg)
    img = build_test_image(25, big=48 << 20)  # more than the loopback socket buffers hold
    write_oci_layout(tmp_path / "layout", [(img, "v1", None)])
    proxy.add("stall", method="PATCH", path=UPLOAD, seconds=30.0)
    proxy.add("stall", method="PUT", path=UPLOAD, seconds=30.0)

    def transfer(progress) -> None:
        with open_layout_source(str(tmp_path / "layout"), "v1") as src:
            push(src, f"{proxy.host}/f/stalled:v1", progress=progress)

    error, took = cancel_while_stalled(transfer, lambda: proxy.seen("PATCH", UPLOAD) or proxy.seen("PUT", UPLOAD),
                                       settle=1.0, join=10)  # the sender is blocked by then
    assert isinstance(error, Cancelled), error
    assert took < 2.0
    assert requests.get(f"{reg.url}/v2/f/stalled/manifests/v1").status_code == 404
