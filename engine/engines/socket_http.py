"""HTTP/1.1 over a unix socket, just what the engine APIs need: a request with a body given whole or sent
in chunks as it is produced (Transfer-Encoding: chunked, so a load never needs the whole archive first), and
a response read as a stream (Content-Length, chunked, or until the engine closes).

Every wait is bounded: connecting takes CONNECT_TIMEOUT at most, a response that stops flowing for
STALL_TIMEOUT is an error, and a cancel shuts the socket down, which wakes any thread blocked on it."""

from __future__ import annotations

import json
import os
import queue
import select
import socket
import threading
from collections.abc import Callable

from engine.errors import Cancelled, EstibaError, Hint
from engine.progress import CancelToken

CONNECT_TIMEOUT = 3.0  # an absent or wedged engine is found out well under 10 s
ANSWER_TIMEOUT = 5.0  # a list, an inspection, a version: a wedged engine is found out quickly
STALL_TIMEOUT = 300.0  # podman writes a whole export to its own temp file before the first byte comes
MAX_HEADER_BYTES = 64 << 10
MAX_JSON_BYTES = 64 << 20  # an image list of many thousand images


class EngineError(EstibaError):
    """The engine cannot be reached or refused a request (its own words in the message)."""


class Connection:
    """One request on its own connection (the engines close after streaming bodies anyway)."""

    def __init__(self, path: str, engine: str, cancel: CancelToken | None = None,
                 connect_timeout: float = CONNECT_TIMEOUT, stall: float = STALL_TIMEOUT) -> None:
        self.path = path
        self.engine = engine
        self.cancel = cancel
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(connect_timeout)
        try:
            self.sock.connect(path)
        except BaseException as exc:
            self.sock.close()
            raise unreachable(engine, path, exc) from None
        self.stall = stall
        self.sock.settimeout(stall)
        self._forget: Callable[[], None] | None = cancel.on_cancel(self.shutdown) if cancel else None
        self._reader = self.sock.makefile("rb", buffering=1 << 20)
        self.closed = False

    # -- sending
    def send_headers(self, method: str, target: str, headers: dict[str, str] | None = None) -> None:
        lines = [f"{method} {target} HTTP/1.1", "Host: d", "User-Agent: estiba"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self._send(("\r\n".join(lines) + "\r\n\r\n").encode())

    def _send(self, data) -> None:
        try:
            self.sock.sendall(data)
        except OSError as exc:
            self._failed(exc, "while sending")

    def send_chunk(self, data) -> None:
        if len(data):
            self._send(b"%x\r\n" % len(data))
            self._send(data)
            self._send(b"\r\n")

    def send_file_chunk(self, fd: int, offset: int, count: int, on_bytes: Callable[[int], None] | None) -> None:
        """One chunk whose bytes the kernel copies from a file (sendfile)."""
        if count <= 0:
            return
        self._send(b"%x\r\n" % count)
        sent = 0
        while sent < count:
            try:
                n = os.sendfile(self.sock.fileno(), fd, offset + sent, min(count - sent, 8 << 20))
            except BlockingIOError:  # a socket with a timeout is non-blocking underneath: wait for room
                _, ready, _ = select.select([], [self.sock], [], self.stall)
                if not ready:
                    self._failed(TimeoutError(), "while sending")
                continue
            except OSError as exc:
                self._failed(exc, "while sending")
            if n == 0:
                self._failed(EOFError(), "while sending")
            sent += n
            if on_bytes is not None:
                on_bytes(n)
        self._send(b"\r\n")

    def end_chunks(self) -> None:
        self._send(b"0\r\n\r\n")

    def request(self, method: str, target: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Response:
        h = dict(headers or {})
        if body is not None or method in ("POST", "PUT"):
            h["Content-Length"] = str(len(body or b""))
        self.send_headers(method, target, h)
        if body:
            self._send(body)
        return self.response()

    # -- receiving
    def response(self) -> Response:
        try:
            status_line = self._reader.readline(MAX_HEADER_BYTES)
            parts = status_line.decode("latin-1").split(" ", 2)
            if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
                raise EOFError
            headers: dict[str, str] = {}
            total = len(status_line)
            while True:
                line = self._reader.readline(MAX_HEADER_BYTES)
                total += len(line)
                if not line or total > MAX_HEADER_BYTES:
                    raise EOFError
                if line in (b"\r\n", b"\n"):
                    break
                key, _, value = line.decode("latin-1").partition(":")
                headers[key.strip().lower()] = value.strip()
        except (OSError, EOFError, ValueError) as exc:
            self._failed(exc, "before it answered")
        return Response(self, int(parts[1]), headers)

    def _failed(self, exc: BaseException, when: str):
        if self.cancel is not None and self.cancel.cancelled:
            self.close()
            raise Cancelled() from None
        self.close()
        if isinstance(exc, TimeoutError | socket.timeout):
            what = f"stopped answering for {int(self.stall)} s"
        elif isinstance(exc, EOFError):
            what = "closed the connection"
        else:
            what = f"failed ({getattr(exc, 'strerror', None) or exc.__class__.__name__})"
        raise EngineError(f"{self.engine} at {self.path} {what} {when}", Hint.ENGINE_RETRY,
                          engine=self.engine, socket=self.path) from None

    def shutdown(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self._forget is not None:
            self._forget()
        try:
            self._reader.close()
        finally:
            self.sock.close()


class Response:
    """A response body as a readable stream."""

    def __init__(self, conn: Connection, status: int, headers: dict[str, str]) -> None:
        self.conn = conn
        self.status = status
        self.headers = headers
        self._chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        length = headers.get("content-length")
        self._left: int | None = int(length) if length and length.isdigit() and not self._chunked else None
        self._chunk_left = 0
        self._eof = False
        # read(n) returns n bytes unless the body ends first, across the engine's chunks (podman sends an export
        # in 32 KiB chunks: read one by one, a 400 MB export cost its reader 12,000 writes and hash updates). Off
        # for streams whose reader must see each piece as it comes (/events).
        self.fill = False

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            parts = []
            while True:
                part = self.read(1 << 20)
                if not part:
                    return b"".join(parts)
                parts.append(part)
        if not self.fill:
            return self._read_some(n)
        parts, got = [], 0
        while got < n:
            data = self._read_some(n - got)
            if not data:
                break
            parts.append(data)
            got += len(data)
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def _read_some(self, n: int) -> bytes:
        if self._eof or n == 0:
            return b""
        try:
            if self._chunked:
                if self._chunk_left == 0:
                    size_line = self.conn._reader.readline(1024)
                    if size_line in (b"\r\n", b"\n"):
                        size_line = self.conn._reader.readline(1024)
                    size = int(size_line.split(b";")[0].strip() or b"x", 16)
                    if size == 0:
                        self._eof = True
                        return b""
                    self._chunk_left = size
                data = self.conn._reader.read(min(n, self._chunk_left))
                if not data:
                    raise EOFError
                self._chunk_left -= len(data)
                if self._chunk_left == 0:
                    self.conn._reader.readline(16)
                return data
            want = n if self._left is None else min(n, self._left)
            if want == 0:
                self._eof = True
                return b""
            data = self.conn._reader.read1(want)
            if not data:
                if self._left is not None:
                    raise EOFError
                self._eof = True
                return b""
            if self._left is not None:
                self._left -= len(data)
            return data
        except (OSError, EOFError, ValueError) as exc:
            self.conn._failed(exc, "in the middle of its answer")
            raise  # unreachable: _failed raises

    def readinto(self, buf) -> int:
        data = self.read(len(buf))
        buf[:len(data)] = data
        return len(data)

    def json(self, limit: int = MAX_JSON_BYTES):
        self.fill = True  # the whole answer: a chunked one read a chunk at a time ended at its first chunk
        data = self.read(limit + 1)
        if len(data) > limit:
            raise EngineError(f"{self.conn.engine} at {self.conn.path} sent an answer over {limit >> 20} MiB")
        try:
            return json.loads(data or b"null")
        except ValueError:
            raise EngineError(f"{self.conn.engine} at {self.conn.path} sent an answer that is not JSON") from None

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Response:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class ReadAhead:
    """A response body read by a thread of its own, up to `depth` blocks ahead of the reader (32 MiB at most
    in memory). An engine that sends into a full socket waits until its reader drains it: a reader that hashes
    and writes each block in between halves the engine's rate. Read ahead, the engine sends at full speed while
    the blocks already here are hashed and written."""

    def __init__(self, resp: Response, block: int = 1 << 20, depth: int = 32) -> None:
        self.resp = resp
        self.status, self.headers = resp.status, resp.headers
        self._queue: queue.Queue = queue.Queue(depth)
        self._block = block
        self._stop = threading.Event()
        self._current = memoryview(b"")
        self._ended = False
        self._thread = threading.Thread(target=self._fill, name="estiba-read-ahead", daemon=True)
        self._thread.start()

    def _fill(self) -> None:
        try:
            while not self._stop.is_set():
                data = self.resp.read(self._block)
                self._put(data)
                if not data:
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the reader, which raises it as its own
            self._put(exc)

    def _put(self, item) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        whole = n is None or n < 0
        if whole:
            n = 1 << 62
        parts = []
        while n > 0:
            if not self._current:
                if self._ended:
                    break
                item = self._queue.get()
                if isinstance(item, BaseException):
                    self._ended = True
                    raise item
                if not item:
                    self._ended = True
                    break
                self._current = memoryview(item)
            take = self._current[:n]
            self._current = self._current[len(take):]
            parts.append(take)
            n -= len(take)
            if n > 0 and not whole and self._queue.empty():
                break  # what is here now; a fuller read would wait for the engine
        if len(parts) == 1 and len(parts[0]) == len(parts[0].obj):
            return parts[0].obj
        return b"".join(parts)

    def close(self) -> None:
        self._stop.set()
        self.resp.conn.shutdown()  # wakes the thread if it waits for the engine
        self._thread.join(10)
        self.resp.close()

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def unreachable(engine: str, path: str, exc: BaseException) -> EngineError:
    """The one-line error for a socket that cannot be used, with what to do as a Hint."""
    params = {"engine": engine, "socket": path}
    if isinstance(exc, PermissionError):
        return EngineError(f"{engine}'s socket {path} is not readable by this user (permission denied)",
                           Hint.ENGINE_PERMISSION, **params)
    if isinstance(exc, FileNotFoundError | ConnectionRefusedError):
        return EngineError(f"{engine} is not running: nothing answers at {path}", Hint.ENGINE_START, **params)
    if isinstance(exc, TimeoutError | socket.timeout):
        return EngineError(f"{engine} at {path} does not answer (no reply in {int(CONNECT_TIMEOUT)} s)",
                           Hint.ENGINE_START, **params)
    reason = getattr(exc, "strerror", None) or exc.__class__.__name__
    return EngineError(f"cannot connect to {engine} at {path} ({reason})", Hint.ENGINE_START, **params)
