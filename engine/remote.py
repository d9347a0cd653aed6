"""Reaching a registry to look into it (browse, inspect, delete, sync): a pinged client with the credentials a
pull would use, found the way engine/transports/docker.py finds them (the explicit pair, else a stored login
for the repository or the registry, else anonymous)."""

from __future__ import annotations

from engine.options import TransferOptions

DEFAULTS = TransferOptions()


def credentials_for(registry: str, repo: str, options: TransferOptions) -> tuple[str, str] | None:
    if options.credentials is not None:
        return options.credentials
    from engine import credentials

    return credentials.lookup(f"{registry}/{repo}" if repo else registry, authfile=options.authfile)


def open_client(registry: str, repo: str = "", options: TransferOptions = DEFAULTS, *, cancel=None):
    from engine.registry import browse

    return browse.open_client(registry, options, credentials=credentials_for(registry, repo, options),
                              cancel=cancel)
