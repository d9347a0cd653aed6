"""Engine TransferOptions from what the user chose in a dialog and in Settings."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from engine.operations import TransferOptions
from engine.platform import Platform

TLS_TIP = QT_TRANSLATE_NOOP("TransferOptions", "Turn off only for a registry of your own with a self-signed "
                            "certificate or plain HTTP; loopback addresses may use plain HTTP anyway.")
TLS_FIXED_TIP = QT_TRANSLATE_NOOP("TransferOptions", "This version of the engine always verifies TLS for transfers "
                                  "(loopback registries may use plain HTTP); list the registry as insecure in "
                                  "registries.conf to change that.")

# Fields a newer engine may add for registries; set only when TransferOptions has them.
_TLS_FIELDS = ("tls_verify",)


def transfer_options(*, parallel: int, platform: str | None = None, all_platforms: bool = False,
                     compress: str | None = None, tls_verify: bool | None = None) -> TransferOptions:
    opts = TransferOptions(
        platform=Platform.parse(platform) if platform else None,
        all_platforms=all_platforms,
        parallel=parallel,
        compress=compress or None,
    )
    names = {f.name for f in dataclasses.fields(TransferOptions)}
    for field in _TLS_FIELDS:
        if field in names and tls_verify is not None:
            setattr(opts, field, tls_verify)
    return opts


def tls_tip() -> str:
    """The TLS check box's tooltip, in the user's language."""
    text = TLS_TIP if supports_tls_choice() else TLS_FIXED_TIP
    return QCoreApplication.translate("TransferOptions", text)


def supports_tls_choice() -> bool:
    """Whether this engine lets a transfer turn TLS verification off."""
    return any(f.name in _TLS_FIELDS for f in dataclasses.fields(TransferOptions))
