"""Registry authentication: WWW-Authenticate parsing, Basic, Bearer tokens (GET, or OAuth2 POST for identity
tokens with a GET fallback), a token cache per scope set, and renewal on expiry or `invalid_token`.

Facts: docs/registry-protocol.md §2.1-2.5. The challenge of the ping is cached (gcr.io answers some 401s without
one), but a per-request challenge wins, since it carries the exact scope the registry wants.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from engine.errors import Hint
from engine.manifest import load_json
from engine.registry.errors import RegistryError, Unauthorized, describe

IDENTITY_TOKEN_USER = "<token>"  # docker-credential-helpers: the secret is an OAuth2 refresh token
CLIENT_ID = "estiba"
DEFAULT_EXPIRES_IN = 60  # distribution/distribution docs/spec/auth/token.md: when the server omits expires_in
MAX_TOKEN_RESPONSE = 1 << 20

_TCHAR = set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


@dataclass(frozen=True)
class Challenge:
    scheme: str  # lower case: "bearer", "basic", ...
    params: dict[str, str] = field(default_factory=dict)  # lower-case keys

    @property
    def realm(self) -> str:
        return self.params.get("realm", "")

    @property
    def scopes(self) -> tuple[str, ...]:
        return tuple(s for s in self.params.get("scope", "").split(" ") if s)

    @property
    def error(self) -> str:
        return self.params.get("error", "")


def parse_challenges(header: str) -> list[Challenge]:
    """Every challenge in a WWW-Authenticate value (several may be joined by commas). Case-insensitive scheme
    and keys; quoted values may hold commas and spaces; unquoted values (gcr.io) are accepted."""
    out: list[Challenge] = []
    pos, n = 0, len(header)

    def token(i: int) -> tuple[str, int]:
        j = i
        while j < n and header[j] in _TCHAR:
            j += 1
        return header[i:j], j

    def skip(i: int, chars: str) -> int:
        while i < n and header[i] in chars:
            i += 1
        return i

    while pos < n:
        pos = skip(pos, " \t,")
        word, end = token(pos)
        if not word:
            pos += 1  # junk: skip a character
            continue
        after = skip(end, " \t")
        if after < n and header[after] == "=" and out and not header.startswith("=", after + 1):
            value_start = skip(after + 1, " \t")
            if value_start < n and header[value_start] == '"':
                chars, i = [], value_start + 1
                while i < n and header[i] != '"':
                    if header[i] == "\\" and i + 1 < n:
                        i += 1
                    chars.append(header[i])
                    i += 1
                value, pos = "".join(chars), i + 1
            else:
                i = value_start
                while i < n and header[i] not in ", \t":
                    i += 1
                value, pos = header[value_start:i], i
            out[-1].params[word.lower()] = value
        elif after < n and header[after] == "=":
            pos = skip(after, "=")  # token68 (e.g. `Negotiate abc==`) or a stray parameter: ignored
        else:
            out.append(Challenge(word.lower(), {}))
            pos = end
    return out


def split_scope(scope: str) -> tuple[str, set[str]]:
    """`repository:host:5000/a/b:pull,push` -> ("repository:host:5000/a/b", {"pull", "push"}): the name may hold
    a colon, so the actions start after the last one (distribution/distribution docs/spec/auth/scope.md)."""
    resource, _, actions = scope.rpartition(":")
    if not resource:
        return scope, set()
    return resource, {a for a in actions.split(",") if a}


def merge_scopes(*groups) -> tuple[str, ...]:
    """One canonical, sorted scope per resource with the union of its actions."""
    merged: dict[str, set[str]] = {}
    for group in groups:
        for scope in group:
            resource, actions = split_scope(scope)
            merged.setdefault(resource, set()).update(actions)
    return tuple(sorted(f"{r}:{','.join(sorted(a))}" if a else r for r, a in merged.items()))


def repo_scope(repo: str, *actions: str) -> str:
    return f"repository:{repo}:{','.join(actions)}"


@dataclass
class _Token:
    value: str
    expires: float  # time.monotonic() deadline, with a safety margin taken off


Send = Callable[..., object]  # (method, url, *, params=, data=, headers=) -> requests.Response


class Authenticator:
    """The Authorization header for a set of scopes, and what to do when the registry answers 401.

    `send` performs one unauthenticated HTTP request with the client's TLS settings and retries.
    """

    def __init__(self, registry: str, credentials: tuple[str, str] | None, send: Send,
                 registry_scheme: str = "https") -> None:
        self.registry = registry
        self.credentials = credentials
        self.send = send
        self.registry_scheme = registry_scheme
        self.challenge: Challenge | None = None
        self._tokens: dict[tuple[str, ...], _Token] = {}
        self._lock = threading.Lock()
        self.tokens_fetched = 0  # for tests and diagnostics

    # -- headers ------------------------------------------------------------------------------------------

    def header(self, scopes: tuple[str, ...]) -> str | None:
        ch = self.challenge
        if ch is None:
            return None
        if ch.scheme == "basic":
            return self._basic() if self.credentials else None
        if ch.scheme == "bearer":
            return "Bearer " + self.token(scopes)
        return None  # an unknown scheme: try without (containers/image does)

    def _basic(self) -> str:
        user, secret = self.credentials or ("", "")
        return "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()

    def token(self, scopes: tuple[str, ...]) -> str:
        key = merge_scopes(scopes)
        with self._lock:  # one fetch at a time: parallel layer threads share the token
            tok = self._tokens.get(key)
            if tok is not None and time.monotonic() < tok.expires:
                return tok.value
            tok = self._fetch_token(key)
            self._tokens[key] = tok
            return tok.value

    def drop(self, scopes: tuple[str, ...]) -> None:
        with self._lock:
            self._tokens.pop(merge_scopes(scopes), None)

    # -- 401 handling -------------------------------------------------------------------------------------

    def on_unauthorized(self, resp, scopes: tuple[str, ...], sent: bool = True) -> tuple[str, ...] | None:
        """After a 401: the scopes to retry the request with, or None when a retry cannot help. `sent`: the
        refused request carried an Authorization header (parallel requests race: the challenge may have been
        learnt from another thread's 401 after this one went out without credentials)."""
        challenges = parse_challenges(resp.headers.get("WWW-Authenticate", ""))
        bearer = next((c for c in challenges if c.scheme == "bearer" and c.realm), None)
        basic = next((c for c in challenges if c.scheme == "basic"), None)
        if bearer is not None:
            had_token = self.challenge is not None and self.challenge.scheme == "bearer"
            self.challenge = Challenge("bearer", {k: v for k, v in bearer.params.items()
                                                  if k in ("realm", "service")})
            wanted = merge_scopes(scopes, bearer.scopes)
            if bearer.error == "invalid_token" or not had_token or not sent:
                self.drop(wanted)  # expired or revoked: fetch a new one
                return wanted
            if wanted != merge_scopes(scopes):
                return wanted  # insufficient_scope: ask for what the registry named
            return None
        if basic is not None:
            if self.challenge is None or self.challenge.scheme != "basic":
                self.challenge = basic
                return scopes if self.credentials else None
            return scopes if self.credentials and not sent else None
        return None

    # -- token endpoint -----------------------------------------------------------------------------------

    def _fetch_token(self, scopes: tuple[str, ...]) -> _Token:
        ch = self.challenge
        assert ch is not None
        realm = ch.realm
        parts = urlsplit(realm)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise RegistryError(f"{self.registry}: the token realm {realm[:100]!r} is not an http(s) URL")
        if self.credentials and parts.scheme == "http" and self.registry_scheme == "https":
            raise RegistryError(f"{self.registry}: refusing to send credentials to the plain-HTTP token "
                                f"service {parts.netloc}; the registry itself uses HTTPS")
        user = self.credentials[0] if self.credentials else None
        if user == IDENTITY_TOKEN_USER:
            resp = self._post_oauth(realm, ch.params.get("service"), scopes)
            # not every token server implements POST (distribution/distribution docs/spec/auth/oauth.md)
            if resp.status_code in (404, 405):
                resp.close()
                resp = self._get_token(realm, ch.params.get("service"), scopes)
        else:
            resp = self._get_token(realm, ch.params.get("service"), scopes)
        with resp:
            if resp.status_code in (401, 403):
                if self.credentials:
                    raise Unauthorized(f"unauthorized: wrong user name or password for {self.registry}")
                raise Unauthorized(f"unauthorized: {self.registry} refused an anonymous token", Hint.LOGIN_NEEDED,
                                   registry=self.registry)
            if resp.status_code != 200:
                raise RegistryError(f"{self.registry}: the token service {parts.netloc} answered {describe(resp)}")
            body = resp.read(MAX_TOKEN_RESPONSE + 1)
        doc = load_json(body, f"token response from {parts.netloc}", MAX_TOKEN_RESPONSE)
        value = (doc.get("token") or doc.get("access_token")) if isinstance(doc, dict) else None
        if not isinstance(value, str) or not value:
            raise RegistryError(f"{self.registry}: the token service {parts.netloc} sent no token")
        expires_in = doc.get("expires_in")
        if not isinstance(expires_in, int | float) or isinstance(expires_in, bool) or expires_in <= 0:
            expires_in = DEFAULT_EXPIRES_IN
        margin = min(30.0, expires_in / 10)  # renew a little early: the next request may be a long upload
        self.tokens_fetched += 1
        return _Token(value, time.monotonic() + expires_in - margin)

    def _get_token(self, realm: str, service: str | None, scopes: tuple[str, ...]):
        params: list[tuple[str, str]] = []
        if service:  # Artifact Registry sends none: omit it (docs/registry-protocol.md pitfall 8)
            params.append(("service", service))
        params += [("scope", s) for s in scopes]  # empty scopes are omitted (GCR rejects `scope=`)
        headers = {}
        if self.credentials:
            params.append(("account", self.credentials[0]))
            headers["Authorization"] = self._basic()
        return self.send("GET", realm, params=params, headers=headers)

    def _post_oauth(self, realm: str, service: str | None, scopes: tuple[str, ...]):
        form = {"grant_type": "refresh_token", "refresh_token": self.credentials[1], "client_id": CLIENT_ID}
        if service:
            form["service"] = service
        if scopes:
            form["scope"] = " ".join(scopes)
        return self.send("POST", realm, data=form,
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
