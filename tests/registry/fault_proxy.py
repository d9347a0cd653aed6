"""A fault-injecting HTTP/1.1 proxy for the registry tests: it sits between the client and a real registry.

Each client request is parsed (request line, headers, body framed by Content-Length or chunked), logged in
`requests` (number, method, path, headers, upstream status) and forwarded on a fresh upstream connection with
`Connection: close`; the response is relayed byte for byte and the client connection is closed after it.
The registry builds its absolute upload Locations from the Host header, so they point back at the proxy.

Faults (`add`) match by method and a regex on the path, from the `nth` matching request on, `times` times:
  status          answer `status` (with `headers`, e.g. Retry-After; `body` when given) without asking the
                  registry: also how a registry that lies (a Link loop, a huge tag list) is played
  cut_response    relay `after` bytes of the response body, then drop the connection
  cut_request     forward `after` bytes of the request body, then drop both connections
  stall           wait `seconds` before forwarding the request
  stall_response  relay `after` body bytes, wait `seconds`, then go on
"""

from __future__ import annotations

import re
import socket
import threading
import time
from dataclasses import dataclass, field

BLOCK = 64 * 1024


@dataclass
class Seen:
    n: int
    method: str
    path: str
    headers: dict[str, str]
    status: int | None = None
    fault: str | None = None
    at: float = field(default_factory=time.monotonic)  # when its request line arrived

    @property
    def range_start(self) -> int | None:
        m = re.fullmatch(r"bytes=(\d+)-\d*", self.headers.get("range", ""))
        return int(m.group(1)) if m else None


@dataclass
class Fault:
    action: str
    method: str | None = None
    path: str | None = None
    nth: int = 1
    times: int = 1
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    after: int = 0
    seconds: float = 0.0
    body: bytes | None = None
    matched: int = 0
    applied: int = 0


class _Cut(Exception):
    pass


class FaultProxy:
    def __init__(self, upstream: str) -> None:
        host, _, port = upstream.rpartition(":")
        self.upstream = (host, int(port))
        self.requests: list[Seen] = []
        self.faults: list[Fault] = []
        # on_response(seen, head): told each upstream answer's status line and headers (bytes) before the client
        # gets them, e.g. to record what the registry acknowledged and when
        self.on_response = None
        self._lock = threading.Lock()
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.host = f"127.0.0.1:{self._sock.getsockname()[1]}"
        self._stop = False
        self._thread = threading.Thread(target=self._serve, name="fault-proxy", daemon=True)

    def start(self) -> FaultProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop = True
        try:
            socket.create_connection(self._sock.getsockname(), timeout=1).close()
        except OSError:
            pass
        self._thread.join(5)
        self._sock.close()

    def add(self, action: str, **kw) -> Fault:
        fault = Fault(action, **kw)
        with self._lock:
            self.faults.append(fault)
        return fault

    def seen(self, method: str | None = None, path: str | None = None) -> list[Seen]:
        with self._lock:
            return [s for s in self.requests if (method is None or s.method == method)
                    and (path is None or re.search(path, s.path))]

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()

    # -- serving ------------------------------------------------------------------------------------------

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            if self._stop:
                conn.close()
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _match(self, seen: Seen) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if (fault.method is None or fault.method == seen.method) and \
                        (fault.path is None or re.search(fault.path, seen.path)):
                    fault.matched += 1
                    if fault.nth <= fault.matched < fault.nth + fault.times:
                        fault.applied += 1
                        seen.fault = fault.action
                        return fault
        return None

    def _handle(self, client: socket.socket) -> None:
        rfile = client.makefile("rb")
        try:
            if rfile.peek(1)[:1] in (b"", b"\x16"):
                return  # a TLS handshake (the client probing https first) or nothing: close
            head = _read_head(rfile)
            if head is None:
                return
            line, headers = head
            parts = line.split(" ")
            if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
                return  # not HTTP (e.g. a TLS probe): just close
            with self._lock:
                seen = Seen(len(self.requests) + 1, parts[0], parts[1], {k.lower(): v for k, v in headers})
                self.requests.append(seen)
            self._one(client, rfile, seen, line, headers, self._match(seen))
        except (OSError, _Cut):
            pass
        finally:
            try:
                rfile.close()
                client.close()
            except OSError:
                pass

    def _one(self, client, rfile, seen: Seen, line: str, headers, fault: Fault | None) -> None:
        if fault and fault.action == "stall":
            time.sleep(fault.seconds)
        if fault and fault.action == "status":
            _copy_body(rfile, seen.headers, lambda b: None)
            body = fault.body if fault.body is not None else \
                b'{"errors":[{"code":"UNKNOWN","message":"injected fault"}]}'
            extra = "".join(f"{k}: {v}\r\n" for k, v in fault.headers.items())
            client.sendall(f"HTTP/1.1 {fault.status} Injected\r\nContent-Type: application/json\r\n{extra}"
                           f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
            seen.status = fault.status
            return
        up = socket.create_connection(self.upstream)
        try:
            kept = [(k, v) for k, v in headers if k.lower() not in ("connection", "keep-alive")]
            up.sendall((line + "\r\n" + "".join(f"{k}: {v}\r\n" for k, v in kept) +
                        "Connection: close\r\n\r\n").encode())
            limit = fault.after if fault and fault.action == "cut_request" else None
            _copy_body(rfile, seen.headers, up.sendall, limit)
            self._relay(up, client, seen, fault)
        finally:
            up.close()

    def _relay(self, up, client, seen: Seen, fault: Fault | None) -> None:
        ufile = up.makefile("rb")
        head = b""
        while not head.endswith(b"\r\n\r\n"):
            line = ufile.readline()
            if not line:
                raise _Cut()
            head += line
        seen.status = int(head.split(b" ", 2)[1])
        if self.on_response is not None:
            self.on_response(seen, head)
        client.sendall(head)
        sent = 0
        cut = fault.after if fault and fault.action == "cut_response" else None
        stall_at = fault.after if fault and fault.action == "stall_response" else None
        while True:
            want = BLOCK
            for mark in (cut, stall_at):
                if mark is not None and sent < mark:
                    want = min(want, mark - sent)
            data = ufile.read1(want)
            if not data:
                return
            client.sendall(data)
            sent += len(data)
            if cut is not None and sent >= cut:
                client.shutdown(socket.SHUT_RDWR)
                raise _Cut()
            if stall_at is not None and sent == stall_at:
                time.sleep(fault.seconds)
                stall_at = None


def _read_head(rfile) -> tuple[str, list[tuple[str, str]]] | None:
    line = rfile.readline(65536)
    if not line:
        return None
    try:
        request_line = line.decode("latin-1").rstrip("\r\n")
    except UnicodeDecodeError:
        return None
    headers = []
    while True:
        raw = rfile.readline(65536)
        if raw in (b"\r\n", b"\n", b""):
            break
        name, _, value = raw.decode("latin-1").partition(":")
        headers.append((name.strip(), value.strip()))
    return request_line, headers


def _copy_body(rfile, headers: dict[str, str], write, limit: int | None = None) -> None:
    """Forward the request body as framed; with `limit`, only that many bytes, then raise _Cut."""
    budget = [limit]

    def out(data: bytes) -> None:
        if budget[0] is not None:
            if len(data) >= budget[0]:
                write(data[:budget[0]])
                raise _Cut()
            budget[0] -= len(data)
        write(data)

    if "chunked" in headers.get("transfer-encoding", "").lower():
        while True:
            size_line = rfile.readline()
            if not size_line:
                raise _Cut()
            out(size_line)
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while True:
                    trailer = rfile.readline()
                    out(trailer)
                    if trailer in (b"\r\n", b"\n", b""):
                        return
            left = size + 2
            while left:
                data = rfile.read(min(BLOCK, left))
                if not data:
                    raise _Cut()
                out(data)
                left -= len(data)
    length = int(headers.get("content-length") or 0)
    while length:
        data = rfile.read(min(BLOCK, length))
        if not data:
            raise _Cut()
        out(data)
        length -= len(data)
