"""The `docker://` transport's engine: push to and pull from registries speaking the distribution API.

open_source / open_destination take `HOST/REPO[:TAG|@DIGEST]` (Docker normalisation: `alpine` is
docker.io/library/alpine:latest, served by registry-1.docker.io), the transfer's options and the credentials
to use (None: anonymous). Finding stored credentials is the caller's (engine/transports/docker.py).
"""

from __future__ import annotations

from engine.contract import Destination, Source
from engine.errors import InvalidInput
from engine.options import TransferOptions
from engine.reference import Reference, parse_reference
from engine.registry.client import KNOWN_BLOBS, RegistryClient, api_host, check_login
from engine.registry.destination import RegistryDestination
from engine.registry.errors import Denied, RegistryError, Unauthorized
from engine.registry.source import RegistrySource

__all__ = ["Denied", "KNOWN_BLOBS", "RegistryError", "Unauthorized", "api_host", "check_login",
           "open_destination", "open_source", "parse_registry_reference"]

DEFAULTS = TransferOptions()


def parse_registry_reference(reference: str) -> Reference:
    ref = parse_reference(reference.removeprefix("docker://"))
    if ref.tag and ref.digest:
        raise InvalidInput(f"docker://{reference}: a reference with both a tag and a digest is not supported; "
                           "give one of them")
    return ref


def _pinged(ref: Reference, options: TransferOptions, credentials, pool_size: int, cancel) -> RegistryClient:
    client = RegistryClient(ref.domain, tls_verify=options.tls_verify, retry_times=options.retry_times,
                            cert_dir=options.cert_dir, credentials=credentials, pool_size=pool_size, cancel=cancel)
    try:
        client.ping()
    except BaseException:
        client.close()
        raise
    return client


def open_source(reference: str, options: TransferOptions = DEFAULTS, *,
                credentials: tuple[str, str] | None = None, cancel=None) -> Source:
    ref = parse_registry_reference(reference)
    return RegistrySource(_pinged(ref, options, credentials, 10, cancel), ref)


def open_destination(reference: str, options: TransferOptions = DEFAULTS, *,
                     credentials: tuple[str, str] | None = None, tmpdir: str | None = None,
                     cancel=None) -> Destination:
    """options.compress: None/"gzip" (uncompressed layers get gzip), "zstd", or "none" (layers kept as they
    are); options.manifest_format "oci" or "v2s2" converts every manifest to that family."""
    ref = parse_registry_reference(reference)
    client = _pinged(ref, options, credentials, max(10, options.parallel * 3), cancel)
    return RegistryDestination(client, ref, options, tmpdir=tmpdir)
