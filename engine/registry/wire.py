"""HTTP/1.1 to registries over the standard library's http.client: kept-alive connections per host, proxies
from the environment, our own TLS contexts, and the socket of every request in flight known to inflight.py.

Why not `requests`: importing it (with urllib3, charset_normalizer, cookies) cost each `estiba` start ~60 ms,
and it re-read the proxy variables of the whole environment on every request (~0.3 ms each); a sync runs
`estiba` once per repository (measured with -X importtime and yappi, tests/benchmarks/sync_bench.py). What
the registry client needs is small: no cookies, no content decoding (we ask for identity), redirects followed
by hand (client.py), bodies that are bytes or re-iterable blocks of known length.
"""

from __future__ import annotations

import base64
import functools
import http.client
import select
import socket
import ssl
import threading
import urllib.request
from collections.abc import Callable, Iterable
from urllib.parse import unquote, urlencode, urlsplit, urlunsplit

from engine.registry import inflight

DRAIN_LIMIT = 64 << 10  # an unread body this small is read off so the connection can be used again
BodyFailure = (http.client.HTTPException, OSError)  # what reading a body can raise


class WireError(Exception):
    """The connection failed: refused, reset, timed out, closed early. The text names the cause."""


class Malformed(WireError):
    """The request itself cannot be sent (a control character in its URL or a header): no retry helps."""


class TLSFailure(WireError):
    """The TLS handshake failed (untrusted certificate, a server that does not speak TLS)."""


class Headers(dict):
    """Response headers, looked up without regard to case; a repeated header is joined with ", "."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        super().__init__()
        for name, value in pairs:
            key = name.lower()
            super().__setitem__(key, f"{super().__getitem__(key)}, {value}" if key in self else value)

    def __getitem__(self, name: str) -> str:
        return super().__getitem__(name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and super().__contains__(name.lower())

    def get(self, name: str, default=None):
        return super().get(name.lower(), default)


def _failure(exc: BaseException, connecting: bool = False) -> WireError:
    """Our error for a connection failure; a TLS error while connecting is the handshake's (TLSFailure)."""
    if isinstance(exc, WireError):
        return exc
    text = f"{exc.__class__.__name__}: {exc}"
    if connecting and isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return TLSFailure(text)
    return WireError(text)


# -- proxies --------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _environment_proxies() -> dict[str, str]:
    return urllib.request.getproxies_environment()


@functools.lru_cache(maxsize=256)
def proxy_for(scheme: str, netloc: str) -> str | None:
    """The proxy URL ($https_proxy, $http_proxy, $all_proxy) a request to scheme://netloc goes through, or None
    ($no_proxy). Read once per process, as requests did on every request."""
    proxies = _environment_proxies()
    url = proxies.get(scheme) or proxies.get("all")
    if not url:
        return None
    host = netloc.rsplit("@", 1)[-1]
    if urllib.request.proxy_bypass_environment(host, proxies):
        return None
    return url if "://" in url else f"http://{url}"


def _proxy_parts(url: str) -> tuple[str, int, dict[str, str]]:
    parts = urlsplit(url)
    headers = {}
    if parts.username is not None:
        secret = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
        headers["Proxy-Authorization"] = "Basic " + base64.b64encode(secret).decode()
    return parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80), headers


# -- connections ----------------------------------------------------------------------------------------------


class _Timeouts:
    """The connect timeout while connecting (and the TLS handshake), the read timeout after."""

    read_timeout: float = 120.0

    def connect_then_read_timeout(self, connect: Callable[[], None]) -> None:
        connect()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # small writes go out at once
        self.sock.settimeout(self.read_timeout)


class _HTTP(_Timeouts, http.client.HTTPConnection):
    def connect(self) -> None:
        self.connect_then_read_timeout(super().connect)


class _HTTPS(_Timeouts, http.client.HTTPSConnection):
    def connect(self) -> None:
        self.connect_then_read_timeout(super().connect)


def _dropped(conn: http.client.HTTPConnection) -> bool:
    """An idle kept-alive connection the server closed (or sent something unasked on) is not reused."""
    sock = conn.sock
    if sock is None:
        return True
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def _replayable(body) -> bool:
    return body is None or isinstance(body, bytes | bytearray) or (hasattr(body, "__len__") and not hasattr(
        body, "__next__"))


class Session:
    """Connections to the hosts one registry client talks to (the registry, its token service, redirect
    targets), reused while they stay open. `context_for(host)` gives the TLS context for an https host."""

    def __init__(self, context_for: Callable[[str], ssl.SSLContext], pool_size: int = 10,
                 connect_timeout: float = 30.0, read_timeout: float = 120.0, user_agent: str = "") -> None:
        self.context_for = context_for
        self.user_agent = user_agent
        self.pool_size = pool_size
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self._idle: dict[tuple[str, str, str | None], list[http.client.HTTPConnection]] = {}
        self._lock = threading.Lock()
        self.closed = False

    def _new(self, scheme: str, netloc: str, proxy: str | None) -> http.client.HTTPConnection:
        parts = urlsplit(f"{scheme}://{netloc}")
        host, port = parts.hostname or "", parts.port or (443 if scheme == "https" else 80)
        if scheme == "https":
            if proxy:
                p_host, p_port, p_headers = _proxy_parts(proxy)
                conn: http.client.HTTPConnection = _HTTPS(p_host, p_port, timeout=self.connect_timeout,
                                                          context=self.context_for(netloc))
                conn.set_tunnel(host, port, headers=p_headers)  # CONNECT, then TLS to the registry itself
            else:
                conn = _HTTPS(host, port, timeout=self.connect_timeout, context=self.context_for(netloc))
        elif proxy:
            p_host, p_port, _ = _proxy_parts(proxy)
            conn = _HTTP(p_host, p_port, timeout=self.connect_timeout)
        else:
            conn = _HTTP(host, port, timeout=self.connect_timeout)
        conn.read_timeout = self.read_timeout
        return conn

    def _take(self, key) -> tuple[http.client.HTTPConnection | None, bool]:
        with self._lock:
            idle = self._idle.get(key, [])
            while idle:
                conn = idle.pop()
                if not _dropped(conn):
                    return conn, True
                conn.close()
        return None, False

    def give_back(self, key, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            idle = self._idle.setdefault(key, [])
            if not self.closed and len(idle) < self.pool_size:
                idle.append(conn)
                return
        conn.close()

    def request(self, method: str, url: str, *, headers: dict[str, str] | None = None, body=None,
                params=None, stream: bool = False) -> Response:
        """Send one request and read the response's headers (and, unless `stream`, its body). Raises
        WireError (TLSFailure for TLS) when the connection fails."""
        if params:
            parts = urlsplit(url)
            query = "&".join(q for q in (parts.query, urlencode(params)) if q)
            url = urlunsplit(parts._replace(query=query))
        parts = urlsplit(url)
        scheme, netloc = parts.scheme, parts.netloc
        if scheme not in ("http", "https"):
            raise WireError(f"unsupported URL scheme {scheme!r}")
        proxy = proxy_for(scheme, netloc)
        key = (scheme, netloc, proxy)
        target = url if proxy and scheme == "http" else urlunsplit(("", "", parts.path or "/", parts.query, ""))
        hdrs = {"Host": netloc, "User-Agent": self.user_agent, "Accept-Encoding": "identity"}
        if proxy and scheme == "http":
            hdrs.update(_proxy_parts(proxy)[2])
        hdrs.update(headers or {})
        if isinstance(body, dict):
            body = urlencode(body).encode()
        if body is not None and "Content-Length" not in hdrs:
            hdrs["Content-Length"] = str(len(body))
        elif body is None and method in ("POST", "PUT", "PATCH"):
            hdrs["Content-Length"] = "0"
        while True:
            conn, reused = self._take(key)
            if conn is None:
                conn = self._new(scheme, netloc, proxy)
            inflight.record(conn)
            if conn.sock is None:
                try:
                    conn.connect()
                except BaseException as exc:
                    conn.close()
                    if isinstance(exc, OSError | http.client.HTTPException):  # ssl.SSLError is an OSError
                        raise _failure(exc, connecting=True) from None
                    raise
            try:
                sock = conn.sock
                try:
                    conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
                    for name, value in hdrs.items():
                        conn.putheader(name, value)
                except ValueError as exc:  # a control character in the URL or a header (a hostile token)
                    raise Malformed(f"refusing to send a malformed request: {str(exc)[:100]}") from None
                conn.endheaders(body if isinstance(body, bytes | bytearray) else None)
                if body is not None and not isinstance(body, bytes | bytearray):
                    for block in body:
                        conn.send(block)
                raw = conn.getresponse()
            except BaseException as exc:
                conn.close()
                if reused and _replayable(body) and isinstance(exc, ConnectionError | http.client.BadStatusLine):
                    continue  # the server closed the kept-alive connection just as it was reused: a new one
                if isinstance(exc, OSError | http.client.HTTPException):
                    raise _failure(exc) from None
                raise
            resp = Response(self, key, conn, sock, raw, url, method)
            if not stream:
                resp.load()
            return resp

    def close(self) -> None:
        """Closes the idle connections at once (nothing waits); ones still in use close when their response
        does."""
        with self._lock:
            self.closed = True
            idle = [c for conns in self._idle.values() for c in conns]
            self._idle.clear()
        for conn in idle:
            conn.close()


class Response:
    """status_code, reason, headers, url; the body through read()/readinto() (streamed) or content."""

    def __init__(self, session: Session, key, conn, sock, raw: http.client.HTTPResponse, url: str,
                 method: str) -> None:
        self._session = session
        self._key = key
        self._conn = conn
        self.sock: socket.socket | None = sock  # kept: http.client forgets it when the server will close
        self._raw = raw
        self.status_code = raw.status
        self.reason = raw.reason
        self.headers = Headers(raw.getheaders())
        self.url = url
        self._content: bytes | None = None
        self._pos = 0
        if method == "HEAD" or raw.length == 0:
            self._finish()

    # -- body ------------------------------------------------------------------------------------------------

    @property
    def length_remaining(self) -> int | None:
        """Bytes of the body not read yet (None: unknown, a chunked body)."""
        return 0 if self._raw.isclosed() else self._raw.length

    def read(self, amt: int | None = None) -> bytes:
        if self._content is not None:  # loaded: read() goes through it once; content stays whole
            end = len(self._content) if amt is None else self._pos + amt
            data = self._content[self._pos:end]
            self._pos += len(data)
            return data
        try:
            data = self._raw.read(amt)
        except BaseException:
            self._drop()
            raise
        if self._raw.isclosed():
            self._finish()
        return data

    def readinto(self, buf) -> int:
        if self._content is not None:
            data = self.read(len(buf))
            buf[:len(data)] = data
            return len(data)
        try:
            n = self._raw.readinto(buf)
        except BaseException:
            self._drop()
            raise
        if self._raw.isclosed():
            self._finish()
        return n

    def load(self) -> None:
        """Read the whole body now (a non-streamed response)."""
        try:
            data = self._raw.read()
        except BaseException as exc:
            self._drop()
            raise _failure(exc) from None
        self._finish()
        self._content = data

    @property
    def loaded(self) -> bool:
        return self._content is not None

    @property
    def content(self) -> bytes:
        if self._content is None:
            self.load()
        return self._content

    # -- connection ------------------------------------------------------------------------------------------

    def _finish(self) -> None:
        """The body is all read: the connection goes back to the session's pool (unless the server closes it)."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        will_close = self._raw.will_close
        self._raw.close()
        if will_close or conn.sock is None:
            conn.close()
        else:
            self._session.give_back(self._key, conn)

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        self._raw.close()
        if conn is not None:
            conn.close()

    def close(self) -> None:
        if self._conn is None:
            return
        remaining = self._raw.length
        if remaining is not None and remaining <= DRAIN_LIMIT and not self._raw.will_close:
            try:
                self._raw.read()
            except BaseException:  # noqa: BLE001 - a connection that breaks while drained is just dropped
                self._drop()
                return
            self._finish()
        else:
            self._drop()

    def __enter__(self) -> Response:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
