"""TLS and plain-HTTP policy for registries (docs/registry-protocol.md §2.10): system trust plus containers' certs.d
(`*.crt` CAs, `*.cert`/`*.key` client pairs), registries.conf `insecure` entries, loopback detection."""

from __future__ import annotations

import functools
import ipaddress
import os
import ssl
import tomllib

from engine.registry.errors import RegistryError

CERT_DIRS = ["/etc/containers/certs.d", "~/.config/containers/certs.d", "/etc/docker/certs.d"]


def is_loopback(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    if host.startswith("["):
        name = host[1:host.find("]")]  # [v6] or [v6]:port
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@functools.lru_cache(maxsize=64)
def insecure_in_registries_conf(host: str) -> bool:
    """`[[registry]] location="host:port" insecure=true` (v2) or `[registries.insecure]` (v1) in
    registries.conf: the user's file replaces the system one; drop-ins in registries.conf.d add to it."""
    home = os.path.expanduser("~/.config/containers")
    main = [p for p in (f"{home}/registries.conf", "/etc/containers/registries.conf") if os.path.isfile(p)][:1]
    dropins = []
    for d in ("/etc/containers/registries.conf.d", f"{home}/registries.conf.d"):
        if os.path.isdir(d):
            dropins += sorted(os.path.join(d, n) for n in os.listdir(d) if n.endswith(".conf"))
    for path in main + dropins:
        try:
            with open(path, "rb") as f:
                doc = tomllib.load(f)
        except (OSError, tomllib.TOMLDecodeError):
            continue
        for entry in doc.get("registry", []) if isinstance(doc.get("registry"), list) else []:
            if isinstance(entry, dict) and entry.get("insecure") is True and \
                    host in (entry.get("location"), entry.get("prefix")):
                return True
        v1 = doc.get("registries", {}).get("insecure", {}) if isinstance(doc.get("registries"), dict) else {}
        if isinstance(v1, dict) and host in (v1.get("registries") or []):
            return True
    return False


def ssl_context_for(host: str, cert_dir: str | None = None) -> ssl.SSLContext:
    """System trust, plus `*.crt` CAs and `*.cert`/`*.key` client pairs from certs.d/HOST[:PORT]/, or from
    `cert_dir` alone when given (skopeo's --cert-dir and sync's cert-dir: that folder replaces certs.d)."""
    ctx = system_context(fresh=True)
    folders = [os.path.expanduser(cert_dir)] if cert_dir else \
        [os.path.join(os.path.expanduser(root), host) for root in CERT_DIRS]
    for folder in folders:
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            try:
                if name.endswith(".crt"):
                    ctx.load_verify_locations(cafile=path)
                elif name.endswith(".cert") and os.path.exists(path[:-5] + ".key"):
                    ctx.load_cert_chain(path, path[:-5] + ".key")
            except (OSError, ssl.SSLError) as exc:
                raise RegistryError(f"{host}: cannot load {path}: {exc}") from None
    return ctx


def system_context(fresh: bool = False) -> ssl.SSLContext:
    """The system's trust store ($SSL_CERT_FILE and $SSL_CERT_DIR apply), or certifi's bundle where the system
    has none. One per process unless `fresh` (a context that gets certs.d files added)."""
    if not fresh and _SYSTEM:
        return _SYSTEM[0]
    ctx = ssl.create_default_context()
    if not ctx.cert_store_stats().get("x509_ca"):
        try:
            import certifi

            ctx.load_verify_locations(cafile=certifi.where())
        except ImportError:
            pass
    if not fresh:
        _SYSTEM.append(ctx)
    return ctx


_SYSTEM: list[ssl.SSLContext] = []


def unverified_context() -> ssl.SSLContext:
    """For registries the user marked insecure (--tls-verify=false, loopback): TLS without verification."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx
