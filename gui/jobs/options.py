"""The engine's TransferOptions from what the user chose in a dialog and in Settings."""

from __future__ import annotations

from engine.options import TransferOptions
from engine.platform import Platform

TLS_TIP = ("Turn off only for a registry of your own with a self-signed certificate or plain HTTP; loopback "
           "addresses may use plain HTTP anyway.")


def transfer_options(*, parallel: int, platform: str | None = None, all_platforms: bool = False,
                     compress: str | None = None, tls_verify: bool | None = None) -> TransferOptions:
    return TransferOptions(platform=Platform.parse(platform) if platform else None, all_platforms=all_platforms,
                           parallel=parallel, compress=compress or None, tls_verify=tls_verify)
