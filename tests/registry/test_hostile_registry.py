"""Issue 10 item 15: a hostile registry. A real docker-registry never sends a blob longer than it is, so this one is
a small HTTP server of the test's own (a fault that cannot be produced otherwise): it serves a real image but the
6 KB layer's body never ends. Reading stops at the declared size; one byte more is an error."""

from __future__ import annotations

import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from engine.errors import EstibaError
from tests.fixtures.images import build_image, make_layer_tar
from tests.registry.conftest import pull

ENOUGH = 64 << 20  # the server gives up after this much: the test fails instead of filling the disk


@pytest.fixture(autouse=True)
def no_stored_logins(monkeypatch):
    from engine import credentials

    monkeypatch.setattr(credentials, "lookup", lambda registry, authfile=None: None)


class HostileRegistry:
    def __init__(self, img, endless: str, chunked: bool) -> None:
        self.sent = 0
        blobs = {img.config_digest: img.config, **{x.digest: x.blob for x in img.layers}}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def _send(self, body: bytes, ctype: str = "application/octet-stream") -> None:
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                if self.path == "/v2/":
                    return self._send(b"{}", "application/json")
                if "/manifests/" in self.path and endless != "manifest":
                    return self._send(img.manifest, img.manifest_media_type)
                digest = self.path.rsplit("/", 1)[1]
                if digest != endless and endless != "manifest":
                    return self._send(blobs[digest])
                self.send_response(200)
                self.send_header("Content-Type", img.manifest_media_type)
                if chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                else:
                    self.send_header("Connection", "close")  # body delimited by the end of the connection
                self.end_headers()
                data = (b"{" if endless == "manifest" else blobs[digest]) + os.urandom(1 << 16)
                try:
                    while outer.sent < ENOUGH:
                        piece = (b"%x\r\n" % len(data) + data + b"\r\n") if chunked else data
                        self.wfile.write(piece)
                        outer.sent += len(data)
                        data = os.urandom(1 << 16)
                except OSError:
                    return
                self.close_connection = True

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host = f"127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "until-close"])
def test_a_blob_body_that_never_ends_stops_at_the_declared_size(chunked):
    img = build_image([make_layer_tar({"etc/six": os.urandom(6000)})], compression="none")
    layer = img.layers[0]
    assert 6000 < layer.size < 20_000
    hostile = HostileRegistry(img, layer.digest, chunked)
    try:
        with pytest.raises(EstibaError) as info:
            pull(f"{hostile.host}/r/app:v1", parallel=1)
    finally:
        hostile.stop()
    text = str(info.value)
    assert "\n" not in text and "more than" in text and layer.digest[:19] in text, text
    assert hostile.sent < 4 << 20, f"read {hostile.sent} bytes of a {layer.size}-byte blob"


def test_a_manifest_body_that_never_ends_is_refused_at_the_size_cap():
    from engine.manifest import MAX_MANIFEST_BYTES

    img = build_image([make_layer_tar({"etc/a": b"a"})], compression="none")
    hostile = HostileRegistry(img, "manifest", chunked=True)
    try:
        with pytest.raises(EstibaError) as info:
            pull(f"{hostile.host}/r/app:v1", parallel=1)
    finally:
        hostile.stop()
    text = str(info.value)
    assert "\n" not in text and "limit" in text, text
    assert hostile.sent < MAX_MANIFEST_BYTES + (4 << 20), hostile.sent


# --- issue 10 item 4: a registry's error body goes through the capped JSON reader --------------------------

DEEP = b"[" * 100_000
DEEP_ERRORS = b'{"errors": ' + b"[" * 100_000
HUGE = b'{"errors": [{"code": "MANIFEST_UNKNOWN", "message": "' + b"a" * (16 << 20) + b'"}]}'


class ErrorBodyRegistry:
    """Answers /v2/ and then `status` to everything, with a hostile body (no real registry sends one)."""

    def __init__(self, body: bytes, status: int) -> None:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def _answer(self, status: int, payload: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command == "HEAD":
                    return
                try:
                    self.wfile.write(payload)
                except OSError:  # the client read its 4 KiB and hung up
                    self.close_connection = True

            def do_GET(self):
                if self.path == "/v2/":
                    return self._answer(200, b"{}")
                self._answer(status, body)

            do_HEAD = do_GET

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host = f"127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.mark.parametrize(("status", "said"), [(400, "400 Bad Request"), (403, "denied")], ids=["400", "403"])
@pytest.mark.parametrize("body", [DEEP, DEEP_ERRORS, HUGE], ids=["nested-100000", "errors-nested", "16MiB"])
def test_a_hostile_error_body_gives_the_usual_one_line_error(body, status, said, tmp_path):
    """A 400's body is shown (describe()), a 403's is read for its error codes (DENIED): both go through the
    capped reader, so 100,000 levels of nesting are no RecursionError and 16 MiB are read no further than 4 KiB.
    (A 404 of a manifest is "manifest unknown" without reading the body.)"""
    from tests.cli.cli_helpers import assert_one_line_error, estiba

    hostile = ErrorBodyRegistry(body, status)
    try:
        with pytest.raises(EstibaError) as info:  # a RecursionError before the capped reader was used
            pull(f"{hostile.host}/r/app:v1", parallel=1)
        proc = estiba(tmp_path / "store", "pull", "--tls-verify=false", "--retry-times", "0",
                      f"{hostile.host}/r/app:v1", check=False)
    finally:
        hostile.stop()
    text = str(info.value)
    assert "\n" not in text and said in text and "[[[" not in text and "aaaa" not in text, text
    line = assert_one_line_error(proc, said)
    assert "internal error" not in line and "Recursion" not in line and "[[[" not in line, line


class HostileTokenService:
    """A registry that asks for a Bearer token and a token service (its own /token) that hands out one with a
    line break in it: the client must refuse to put it in a header, once, without retrying. No real token
    server issues such a token, so this is a small server of the test's own."""

    def __init__(self) -> None:
        outer = self
        self.token_requests = 0

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def _answer(self, status: int, payload: bytes, extra: dict[str, str] | None = None) -> None:
                self.send_response(status)
                for name, value in (extra or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            def do_GET(self):
                if self.path.startswith("/token"):
                    outer.token_requests += 1
                    return self._answer(200, b'{"token": "abc\\r\\nX-Injected: yes"}')
                realm = f'Bearer realm="http://{outer.host}/token",service="hostile"'
                self._answer(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}', {"WWW-Authenticate": realm})

            do_HEAD = do_GET

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host = f"127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_a_token_with_a_line_break_is_refused_in_one_line_without_retries():
    hostile = HostileTokenService()
    try:
        with pytest.raises(EstibaError) as info:
            pull(f"{hostile.host}/r/app:v1", parallel=1, retry_times=3)
    finally:
        hostile.stop()
    text = str(info.value)
    assert "\n" not in text and "malformed request" in text, text
    assert hostile.token_requests == 1  # no retry with backoff: sending it again cannot work
