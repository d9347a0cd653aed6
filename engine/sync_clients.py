"""One registry client per registry (and access) for a whole sync, instead of one per image: the ping, the
connections and the tokens are reused by every image of the sync, and by its plan (`estiba sync` hands the
same pool to engine/sync_plan.py's tag listing and to sync.run, so the source is pinged once). A second sync
with nothing new is then two requests per image (the source's manifest, the destination's HEAD)."""

from __future__ import annotations

import threading

from engine.options import TransferOptions
from engine.registry.client import RegistryClient


class SharedClient(RegistryClient):
    """close() from a source or destination leaves it open; the pool closes it at the end of the sync."""

    def close(self) -> None:
        pass

    def close_for_good(self) -> None:
        super().close()


class ClientPool:
    def __init__(self, cancel=None, pool_size: int = 10) -> None:
        self.cancel = cancel
        self.pool_size = pool_size
        self._lock = threading.Lock()
        self._clients: dict[tuple, SharedClient] = {}
        self._creds: dict[tuple, object] = {}

    def _credentials(self, registry: str, repo: str, options: TransferOptions):
        from engine import remote

        key = (registry, repo, options.credentials, options.authfile)
        with self._lock:
            if key in self._creds:
                return self._creds[key]
        found = remote.credentials_for(registry, repo, options)
        with self._lock:
            self._creds[key] = found
        return found

    def client(self, registry: str, repo: str, options: TransferOptions) -> SharedClient:
        creds = self._credentials(registry, repo, options)
        key = (registry, options.tls_verify, options.retry_times, creds, options.cert_dir)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = SharedClient(registry, tls_verify=options.tls_verify, retry_times=options.retry_times,
                                      credentials=creds, pool_size=self.pool_size, cancel=self.cancel,
                                      cert_dir=options.cert_dir)
                self._clients[key] = client
        client.ping()  # once per client: later calls return at once
        return client

    def open_source(self, reference: str, options: TransferOptions):
        from engine.registry import parse_registry_reference
        from engine.registry.source import RegistrySource

        ref = parse_registry_reference(reference)
        src = RegistrySource(self.client(ref.domain, ref.path, options), ref)
        src.description = f"docker://{reference}"
        return src

    def open_destination(self, reference: str, options: TransferOptions, tmpdir: str | None = None):
        from engine.registry import parse_registry_reference
        from engine.registry.destination import RegistryDestination

        ref = parse_registry_reference(reference)
        return RegistryDestination(self.client(ref.domain, ref.path, options), ref, options, tmpdir=tmpdir)

    def close(self) -> None:
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close_for_good()
