"""One registry's HTTP session (over wire.py's http.client connections): ping and cached challenge,
authentication, retries with backoff (connection resets, timeouts, 5xx, 429 with Retry-After), redirects
followed by hand so the registry's Authorization never reaches another host, TLS with system trust plus
containers' certs.d, and plain HTTP only for loopback addresses and insecure registries
(docs/registry-protocol.md §1.2, §1.4, §1.11, §2.10).

Thread-safe: the copy pipeline moves layers in parallel over one client.
"""

from __future__ import annotations

import email.utils
import ssl
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

from engine.errors import Cancelled, Hint
from engine.registry import inflight, wire
from engine.registry.auth import Authenticator
from engine.registry.errors import Denied, RegistryError, Unauthorized, describe, error_codes, read_error_body
from engine.registry.tls import (
    insecure_in_registries_conf,
    is_loopback,
    ssl_context_for,
    system_context,
    unverified_context,
)

CONNECT_TIMEOUT = 30.0
READ_TIMEOUT = 120.0
BACKOFF_BASE = 1.0  # seconds, doubled per attempt (containers/image starts at 2 s)
BACKOFF_MAX = 30.0
RETRY_AFTER_MAX = 60.0
MAX_REDIRECTS = 10
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
DOCKER_HUB = "docker.io"
DOCKER_HUB_API = "registry-1.docker.io"
USER_AGENT = "estiba/0.1"

Body = bytes | Callable[[], object] | None  # a callable makes a fresh body per attempt (replayable)


class TransportError(RegistryError):
    """The connection failed (reset, timeout, refused) and the request was not retried here."""


def api_host(registry: str) -> str:
    """The host[:port] that serves the API: Docker Hub's lives on registry-1.docker.io."""
    return DOCKER_HUB_API if registry in (DOCKER_HUB, "index.docker.io") else registry


class BlobLocations:
    """Where blobs were seen: digest -> {(registry, repository)}, process-wide, like containers/image's
    BlobInfoCache. A push tries a cross-repository mount from these before uploading."""

    def __init__(self, limit: int = 50_000) -> None:
        self._seen: OrderedDict[str, list[tuple[str, str]]] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()

    def record(self, digest: str, registry: str, repo: str) -> None:
        with self._lock:
            where = self._seen.pop(digest, [])
            if (registry, repo) in where:
                where.remove((registry, repo))
            where.insert(0, (registry, repo))
            self._seen[digest] = where[:8]
            while len(self._seen) > self._limit:
                self._seen.popitem(last=False)

    def candidates(self, digest: str, registry: str, repo: str) -> list[str]:
        with self._lock:
            return [r for reg, r in self._seen.get(digest, []) if reg == registry and r != repo]


KNOWN_BLOBS = BlobLocations()
_SCHEMES: dict[tuple[str, bool], str] = {}  # (host, insecure) -> the scheme that answered the ping


def exception_reason(exc: BaseException) -> str:
    """A short reason for a connection-level failure."""
    text = str(exc)
    for needle, reason in (("CERTIFICATE_VERIFY_FAILED", "certificate verify failed"),
                           ("certificate verify failed", "certificate verify failed"),
                           ("WRONG_VERSION_NUMBER", "the server does not speak TLS"),
                           ("Connection refused", "connection refused"),
                           ("Name or service not known", "unknown host"),
                           ("Temporary failure in name resolution", "unknown host"),
                           ("Connection reset", "connection reset"), ("timed out", "timed out"),
                           ("Read timed out", "timed out"), ("RemoteDisconnected", "connection closed"),
                           ("IncompleteRead", "connection cut")):
        if needle in text:
            return reason
    return f"{exc.__class__.__name__}: {text[:150]}"


def retry_after(resp) -> float | None:
    value = resp.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class RegistryClient:
    def __init__(self, registry: str, *, tls_verify: bool | None = None, retry_times: int = 3,
                 credentials: tuple[str, str] | None = None, pool_size: int = 10, cancel=None,
                 cert_dir: str | None = None) -> None:
        self.registry = registry  # as the user names it (docker.io), for messages and credentials
        self.host = api_host(registry)
        self.insecure = tls_verify is False or (tls_verify is None and (
            is_loopback(self.host) or insecure_in_registries_conf(self.host)))
        self.retry_times = max(0, retry_times)
        self.cancel = cancel
        self.cert_dir = cert_dir
        self._contexts: dict[str, ssl.SSLContext] = {}
        self.session = wire.Session(self._context_for, pool_size=pool_size, connect_timeout=CONNECT_TIMEOUT,
                                    read_timeout=READ_TIMEOUT, user_agent=USER_AGENT)
        self.base = ""  # scheme://host, known after ping()
        self.auth = Authenticator(registry, credentials, self._send_plain)
        self._ping_lock = threading.Lock()

    def _context_for(self, netloc: str) -> ssl.SSLContext:
        """TLS for an https host: unverified where the user allows it; the registry's own certs.d (or the
        cert dir) for the registry; system trust for other hosts (token services, redirect targets)."""
        ctx = self._contexts.get(netloc)
        if ctx is None:
            if self.insecure:
                ctx = unverified_context()
            elif netloc == self.host:
                ctx = ssl_context_for(self.host, self.cert_dir)
            else:
                ctx = system_context()
            self._contexts[netloc] = ctx
        return ctx

    # -- ping ---------------------------------------------------------------------------------------------

    def ping(self) -> None:
        """GET /v2/ once: picks https (or http where allowed) and caches the auth challenge."""
        with self._ping_lock:
            if self.base:
                return
            schemes = ["https", "http"] if self.insecure else ["https"]
            cached = _SCHEMES.get((self.host, self.insecure))
            if cached:
                schemes.sort(key=lambda s: s != cached)
            failure: BaseException | None = None
            for scheme in schemes:
                try:
                    resp = self._send_plain("GET", f"{scheme}://{self.host}/v2/", retry_connection=False)
                except RegistryError as exc:
                    # A server that answered https with plain HTTP is reached over http: that failure says more.
                    if failure is None or failure.hint is Hint.TLS_VERIFY_OFF:
                        failure = exc
                    continue
                with resp:
                    self._check_ping(resp, scheme)
                _SCHEMES[(self.host, self.insecure)] = scheme
                self.base = f"{scheme}://{self.host}"
                self.auth.registry_scheme = scheme
                return
            assert failure is not None
            raise failure

    def _check_ping(self, resp, scheme: str) -> None:
        if resp.status_code == 401:
            from engine.registry.auth import parse_challenges

            challenges = parse_challenges(resp.headers.get("WWW-Authenticate", ""))
            usable = [c for c in challenges if c.scheme in ("bearer", "basic")]
            self.auth.challenge = usable[0] if usable else (challenges[0] if challenges else None)
        elif resp.status_code != 200:
            raise RegistryError(f"{self.registry} does not answer like a container registry: GET "
                                f"{scheme}://{self.host}/v2/ gave {describe(resp)}")

    # -- requests -----------------------------------------------------------------------------------------

    def url(self, path: str) -> str:
        if not self.base:
            self.ping()
        return self.base + path

    def same_origin(self, url: str) -> bool:
        a, b = urlsplit(url), urlsplit(self.base)
        return (a.scheme, a.netloc.lower()) == (b.scheme, b.netloc.lower())

    def request(self, method: str, url: str, *, what: str, scopes: tuple[str, ...] = (), headers=None,
                body: Body = None, stream: bool = False, retry: bool = True):
        """Send with auth, redirects and retries; return the final response (any status but 401/403, which
        raise Unauthorized/Denied). retry=False: no retries for connection errors or 5xx/429 (the caller
        recovers, e.g. an upload chunk); auth retries still happen."""
        auth_tries = 0
        attempt = 0
        while True:
            hdrs = dict(headers or {})
            if self.same_origin(url):
                value = self.auth.header(scopes)
                if value:
                    hdrs["Authorization"] = value
            try:
                resp = self._follow(method, url, hdrs, body, stream)
            except wire.TLSFailure as exc:
                raise self._tls_error(exc) from None
            except wire.Malformed as exc:
                raise RegistryError(f"{what}: {exc}") from None
            except wire.WireError as exc:
                if self.cancel is not None:
                    self.cancel.check()  # the cancel's watcher cut it (inflight.py)
                if retry and attempt < self.retry_times:
                    self.wait_before_retry(attempt)
                    attempt += 1
                    continue
                tries = f" after {attempt + 1} attempts" if attempt else ""
                raise TransportError(f"{what}: {exception_reason(exc)}{tries}") from None
            if resp.status_code == 401 and auth_tries < 2 and self.same_origin(resp.url or url):
                new_scopes = self.auth.on_unauthorized(resp, scopes, sent="Authorization" in hdrs)
                if new_scopes is not None:
                    resp.close()
                    scopes = new_scopes
                    auth_tries += 1
                    continue
            if resp.status_code in (401, 403):
                raise self._auth_error(resp, what, scopes)
            if resp.status_code in RETRY_STATUSES and retry:
                if attempt < self.retry_times:
                    wait = retry_after(resp) if resp.status_code in (429, 503) else None
                    resp.close()
                    self.wait_before_retry(attempt, wait)
                    attempt += 1
                    continue
                tries = f" after {attempt + 1} attempts" if attempt else ""
                raise RegistryError(f"{what}: {describe(resp)}{tries}")
            return resp

    def _follow(self, method: str, url: str, headers: dict, body: Body, stream: bool):
        for _ in range(MAX_REDIRECTS + 1):
            hdrs = dict(headers)
            if not self.same_origin(url):
                hdrs.pop("Authorization", None)  # never to another host (presigned URLs, CDNs)
            data = body() if callable(body) else body
            with inflight.cancellable(self.cancel):
                resp = self.session.request(method, url, headers=hdrs, body=data, stream=stream)
            location = resp.headers.get("Location")
            if resp.status_code not in REDIRECTS or not location:
                return resp
            resp.close()
            url = urljoin(resp.url or url, location)
            if resp.status_code == 303 or (resp.status_code in (301, 302) and method not in ("GET", "HEAD")):
                method, body = "GET", None
        raise RegistryError(f"{self.registry}: more than {MAX_REDIRECTS} redirects for {method} {url[:100]}")

    def _send_plain(self, method: str, url: str, *, params=None, data=None, headers=None,
                    retry_connection: bool = True):
        """One request without registry auth (ping, token service), retried on transient failures."""
        for attempt in range(self.retry_times + 1):
            try:
                with inflight.cancellable(self.cancel):
                    resp = self.session.request(method, url, params=params, body=data, headers=headers,
                                                stream=True)
            except wire.TLSFailure as exc:
                raise self._tls_error(exc, url) from None
            except wire.Malformed as exc:
                raise RegistryError(f"{urlsplit(url).netloc}: {exc}") from None
            except wire.WireError as exc:
                if self.cancel is not None:
                    self.cancel.check()
                if retry_connection and attempt < self.retry_times:
                    self.wait_before_retry(attempt)
                    continue
                host = urlsplit(url).netloc
                raise TransportError(f"cannot reach {'registry ' + self.registry if host == self.host else host}"
                                     f": {exception_reason(exc)}") from None
            if resp.status_code in RETRY_STATUSES and attempt < self.retry_times:
                wait = retry_after(resp)
                resp.close()
                self.wait_before_retry(attempt, wait)
                continue
            return resp
        raise AssertionError("unreachable")

    # -- errors and waiting -------------------------------------------------------------------------------

    def _tls_error(self, exc: BaseException, url: str = "") -> RegistryError:
        host = urlsplit(url).netloc if url else self.host
        reason = exception_reason(exc)
        hint = Hint.TLS_TRUST_CA if "verify failed" in reason else \
            Hint.TLS_VERIFY_OFF if "does not speak TLS" in reason else None
        return RegistryError(f"TLS connection to {host} failed: {reason}", hint, host=host)

    def _auth_error(self, resp, what: str, scopes: tuple[str, ...]) -> RegistryError:
        body = read_error_body(resp)
        codes = {code for code, _ in error_codes(body)}
        resp.close()
        www = resp.headers.get("WWW-Authenticate", "")
        if resp.status_code == 403 or "DENIED" in codes or (
                "insufficient_scope" in www and self.auth.credentials):
            return Denied(f"denied: {what}: requested access to the resource is denied")
        if self.auth.credentials:
            return Unauthorized(f"unauthorized: {what}: wrong user name or password for {self.registry}")
        return Unauthorized(f"unauthorized: {what}: authentication required", Hint.LOGIN_NEEDED,
                            registry=self.registry)

    def wait_before_retry(self, attempt: int, retry_after: float | None = None) -> None:
        """Wait before retry number attempt+1: the registry's Retry-After (capped) when it sent one, else the
        back-off, doubled per attempt. Raises Cancelled as soon as the transfer is cancelled."""
        self._sleep(min(retry_after, RETRY_AFTER_MAX) if retry_after is not None else
                    min(BACKOFF_MAX, BACKOFF_BASE * (2 ** attempt)))

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while True:
            if self.cancel is not None and self.cancel.cancelled:
                raise Cancelled()
            left = deadline - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(left, 0.1))

    def close(self) -> None:
        self.session.close()


def check_login(registry: str, username: str, password: str, *, tls_verify: bool | None = None) -> None:
    """Validate credentials like `podman login`: ping, follow the challenge, get a token (Bearer) or make a
    Basic-authenticated request. Raises Unauthorized on bad credentials, RegistryError when unreachable."""
    client = RegistryClient(registry, tls_verify=tls_verify, retry_times=1, credentials=(username, password))
    try:
        client.ping()
        ch = client.auth.challenge
        if ch is None:
            return  # the registry needs no credentials: nothing to check (podman reports success too)
        if ch.scheme == "bearer":
            client.auth.token(())  # no scope, as containers/image's CheckAuth
        resp = client.request("GET", client.url("/v2/"), what=f"logging in to {registry}")
        with resp:
            if resp.status_code != 200:
                raise RegistryError(f"logging in to {registry}: GET /v2/ gave {describe(resp)}")
    except Unauthorized:
        raise Unauthorized(f"unauthorized: wrong user name or password for {registry}") from None
    finally:
        client.close()
