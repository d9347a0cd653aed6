"""A Docker-style token service for the registry tests, run in-process (docs/registry-protocol.md §2.2-2.6).

GET  /token?service=&scope=...&account=   with optional Basic credentials (user:password, or `<token>`:refresh)
POST /token  OAuth2 form: grant_type=password (username, password) or refresh_token (refresh_token)
Tokens are RS256 JWTs whose header carries `x5c` (the self-signed certificate that the registry trusts as its
rootcertbundle) and `kid` (libtrust key id). Switches (plain attributes, change them any time):
  users            name -> (password, push prefix); users pull everywhere, push/delete only under their prefix
  anonymous_pull   anonymous callers get `pull` (else an empty grant: the registry then answers 401)
  ttl              token lifetime in seconds; negative issues tokens already past `exp` (distribution accepts
                   `exp` with 60 s leeway, so ttl=-58 gives a token the registry accepts for ~2 s)
  reported_ttl     the `expires_in` told to the client (None: ttl) - lie to test reactive renewal
  oauth            False: POST answers 404 (clients must fall back to GET)
`issued` records every token handed out: (how, user, scopes, granted access).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

_KEY_CACHE: list = []  # RSA key generation takes ~0.1 s: one key per test session is enough


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def libtrust_kid(public_key) -> str:
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    h = hashes.Hash(hashes.SHA256())
    h.update(der)
    b32 = base64.b32encode(h.finalize()[:30]).decode().rstrip("=")
    return ":".join(b32[i:i + 4] for i in range(0, len(b32), 4))


def signing_material():
    """(private key, self-signed CA certificate), shared by every token server of the session."""
    if not _KEY_CACHE:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "estiba test token signer")])
        now = dt.datetime.now(dt.UTC)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=3650))
                .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                .sign(key, hashes.SHA256()))
        _KEY_CACHE.append((key, cert))
    return _KEY_CACHE[0]


class TokenServer:
    def __init__(self, key_dir: Path, *, issuer: str = "test-issuer", service: str = "test-registry",
                 users: dict[str, tuple[str, str]] | None = None, anonymous_pull: bool = True, ttl: float = 300,
                 oauth: bool = True) -> None:
        self.issuer, self.service = issuer, service
        self.users = dict(users or {})
        self.anonymous_pull = anonymous_pull
        self.ttl = ttl
        self.reported_ttl: float | None = None
        self.oauth = oauth
        self.refresh_tokens = {name: "refresh-" + secrets.token_hex(8) for name in self.users}
        self.issued: list[tuple[str, str | None, list[str], list[dict]]] = []
        self.key, self.cert = signing_material()
        key_dir.mkdir(parents=True, exist_ok=True)
        self.cert_path = key_dir / "cert.pem"
        self.cert_path.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))
        self._header = {"typ": "JWT", "alg": "RS256", "kid": libtrust_kid(self.key.public_key()),
                        "x5c": [base64.b64encode(self.cert.public_bytes(serialization.Encoding.DER)).decode()]}
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.realm = f"http://127.0.0.1:{self.port}/token"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="token-server", daemon=True)

    def start(self) -> TokenServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    # -- policy -------------------------------------------------------------------------------------------

    def user_for(self, name: str | None, secret: str | None) -> tuple[bool, str | None]:
        """(credentials ok, user); no credentials is ok and anonymous."""
        if name is None:
            return True, None
        if name == "<token>":
            owner = next((u for u, tok in self.refresh_tokens.items() if tok == secret), None)
            return owner is not None, owner
        entry = self.users.get(name)
        return entry is not None and entry[0] == secret, name

    def grant(self, user: str | None, scope: str) -> dict | None:
        rtype, _, rest = scope.partition(":")
        name, _, actions = rest.rpartition(":")
        wanted = {a for a in actions.split(",") if a}
        if rtype == "registry" and name == "catalog" and user:
            allowed = wanted
        elif rtype == "repository":
            if user is None:
                allowed = {"pull"} if self.anonymous_pull else set()
            else:
                allowed = {"pull"}
                if name.startswith(self.users[user][1]):
                    allowed |= {"push", "delete", "*"}
        else:
            return None
        got = sorted(wanted & allowed)
        return {"type": rtype, "name": name, "actions": got} if got else None

    def issue(self, how: str, user: str | None, scopes: list[str], offline: bool) -> dict:
        now = int(time.time())
        exp = now + int(self.ttl)
        access = [g for g in (self.grant(user, s) for s in scopes) if g]
        claims = {"iss": self.issuer, "sub": user or "", "aud": self.service, "exp": exp,
                  "nbf": min(now, exp) - 1, "iat": min(now, exp) - 1, "jti": secrets.token_hex(8), "access": access}
        signing_input = (_b64url(json.dumps(self._header, separators=(",", ":")).encode()) + "." +
                         _b64url(json.dumps(claims, separators=(",", ":")).encode()))
        sig = self.key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        token = signing_input + "." + _b64url(sig)
        self.issued.append((how, user, scopes, access))
        reported = self.reported_ttl if self.reported_ttl is not None else self.ttl
        doc = {"token": token, "access_token": token, "expires_in": int(reported),
               "issued_at": dt.datetime.fromtimestamp(now, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
        if offline and user:
            doc["refresh_token"] = self.refresh_tokens[user]
        return doc


def _handler(server: TokenServer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def _json(self, code: int, doc: dict, extra: dict | None = None) -> None:
            body = json.dumps(doc).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def _basic(self) -> tuple[str | None, str | None]:
            value = self.headers.get("Authorization", "")
            if not value.lower().startswith("basic "):
                return None, None
            user, _, secret = base64.b64decode(value[6:]).decode().partition(":")
            return user, secret

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            if url.path == "/healthz":
                self._json(200, {})
                return
            if url.path != "/token":
                self._json(404, {"error": "not found"})
                return
            query = parse_qs(url.query)
            ok, user = server.user_for(*self._basic())
            if not ok:
                self._json(401, {"details": "incorrect username or password"},
                           {"WWW-Authenticate": 'Basic realm="token"'})
                return
            offline = query.get("offline_token", ["false"])[0] == "true"
            self._json(200, server.issue("GET", user, query.get("scope", []), offline))

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if not server.oauth or urlsplit(self.path).path != "/token":
                self._json(404, {"error": "not found"})
                return
            grant = form.get("grant_type")
            if grant == "password":
                ok, user = server.user_for(form.get("username", ""), form.get("password"))
            elif grant == "refresh_token":
                ok, user = server.user_for("<token>", form.get("refresh_token"))
            else:
                self._json(400, {"error": "unsupported_grant_type"})
                return
            if not ok:
                self._json(401, {"error": "invalid_grant", "error_description": "bad credentials"})
                return
            doc = server.issue("POST", user, form.get("scope", "").split(), form.get("access_type") == "offline")
            doc["scope"] = form.get("scope", "")
            self._json(200, doc)

    return Handler
