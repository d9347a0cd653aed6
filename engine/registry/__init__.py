"""The `docker://` transport: push to and pull from registries speaking the distribution API.

open_source / open_destination take `HOST/REPO[:TAG|@DIGEST]` (Docker normalisation: `alpine` is
docker.io/library/alpine:latest, served by registry-1.docker.io). Credentials: the explicit pair, else
engine.credentials.lookup(registry), else anonymous.
"""

from __future__ import annotations

from engine import compression, media
from engine.contract import CompressionPolicy, Destination, Source
from engine.errors import InvalidInput
from engine.reference import Reference, parse_reference
from engine.registry.client import KNOWN_BLOBS, RegistryClient, api_host, check_login, lookup_credentials
from engine.registry.destination import RegistryDestination
from engine.registry.errors import Denied, RegistryError, Unauthorized
from engine.registry.source import RegistrySource

__all__ = ["Denied", "KNOWN_BLOBS", "RegistryError", "Unauthorized", "api_host", "check_login",
           "open_destination", "open_source", "parse_registry_reference"]


def parse_registry_reference(reference: str) -> Reference:
    ref = parse_reference(reference.removeprefix("docker://"))
    if ref.tag and ref.digest:
        raise InvalidInput(f"docker://{reference}: a reference with both a tag and a digest is not supported; "
                           "give one of them")
    return ref


def _client(ref: Reference, tls_verify, retry_times, credentials, pool_size, cancel, authfile) -> RegistryClient:
    # The repository path too: podman's auth.json may hold namespaced keys (host/ns), looked up parent by parent.
    creds = credentials if credentials is not None else lookup_credentials(f"{ref.domain}/{ref.path}", authfile)
    return RegistryClient(ref.domain, tls_verify=tls_verify, retry_times=retry_times, credentials=creds,
                          pool_size=pool_size, cancel=cancel)


def open_source(reference: str, *, tls_verify: bool | None = None, retry_times: int = 3,
                credentials: tuple[str, str] | None = None, authfile: str | None = None, cancel=None) -> Source:
    """credentials: (user, secret) to use; None looks them up (engine.credentials, `authfile` only if given)."""
    ref = parse_registry_reference(reference)
    client = _client(ref, tls_verify, retry_times, credentials, 10, cancel, authfile)
    try:
        client.ping()
    except BaseException:
        client.close()
        raise
    return RegistrySource(client, ref)


def open_destination(reference: str, *, tls_verify: bool | None = None, retry_times: int = 3,
                     credentials: tuple[str, str] | None = None, authfile: str | None = None,
                     parallel_hint: int = 3, compress: str | None = None, manifest_format: str | None = None,
                     tmpdir: str | None = None, cancel=None) -> Destination:
    """compress: None/"gzip" (uncompressed layers get gzip), "zstd", or "none" (layers kept as they are).
    manifest_format: "oci" or "v2s2" converts every manifest to that family (skopeo --format); None keeps
    the image's."""
    if compress not in (None, compression.GZIP, compression.ZSTD, compression.NONE):
        raise InvalidInput(f"unknown compression {compress!r}: use gzip, zstd or none")
    if manifest_format not in (None, "oci", "v2s2"):
        raise InvalidInput(f"unknown manifest format {manifest_format!r}: use oci or v2s2")
    ref = parse_registry_reference(reference)
    client = _client(ref, tls_verify, retry_times, credentials, max(10, parallel_hint * 3), cancel, authfile)
    try:
        client.ping()
    except BaseException:
        client.close()
        raise
    dest = RegistryDestination(client, ref, parallel_hint=parallel_hint, tmpdir=tmpdir)
    if compress == compression.NONE:
        dest.compression = CompressionPolicy(None)
    elif compress == compression.ZSTD:
        dest.compression = CompressionPolicy(compression.ZSTD, force=False)
    if manifest_format is not None:
        dest.families = (media.DOCKER,) if manifest_format == "v2s2" else (media.OCI,)
    return dest
