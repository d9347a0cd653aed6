"""What a user chose for a transfer, as one frozen object: the CLI and the GUI build it, the engine validates it
here, once, and hands the same object down (operations -> transports -> formats and registries)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from engine.errors import InvalidInput

if TYPE_CHECKING:
    from engine.platform import Platform  # a type only: `estiba --help` reads the transports table, keep it light

DEFAULT_PARALLEL = 3  # layers at once (the CLI's --jobs, the GUI's settings)
COMPRESSIONS = ("gzip", "zstd", "none")  # engine/compression.py's GZIP, ZSTD, NONE (kept light for start-up)
MANIFEST_FORMATS = ("oci", "v2s2")  # skopeo's names: OCI, or Docker schema 2


@dataclass(frozen=True)
class TransferOptions:
    platform: Platform | None = None  # which image of a multi-platform one; None: the host's
    all_platforms: bool = False  # keep every platform (the index) instead of choosing one
    parallel: int = DEFAULT_PARALLEL  # layers transferred at once
    compress: str | None = None  # gzip | zstd | none, where the destination allows a choice; None: its default
    tag_only_ref: bool = False  # oci: write only the tag in org.opencontainers.image.ref.name
    manifest_format: str | None = None  # "oci" or "v2s2" converts manifests (skopeo --format); None keeps them
    tls_verify: bool | None = None  # registries: None = verify, except loopback and insecure registries
    retry_times: int = 3  # registries: retries of a failed request
    credentials: tuple[str, str] | None = None  # registries: explicit user and secret (else looked up)
    authfile: str | None = None  # registries: read credentials from this podman auth.json only
    cert_dir: str | None = None  # registries: TLS files (*.crt CAs, *.cert/*.key) from here, not certs.d

    def __post_init__(self) -> None:
        if self.compress not in (None, *COMPRESSIONS):
            raise InvalidInput(f"unknown compression {self.compress!r}: use gzip, zstd or none")
        if self.manifest_format not in (None, *MANIFEST_FORMATS):
            raise InvalidInput(f"unknown manifest format {self.manifest_format!r}: use oci or v2s2")
        if self.parallel < 1:
            raise InvalidInput(f"{self.parallel} layers at a time: it takes at least 1")
        if self.retry_times < 0:
            raise InvalidInput(f"{self.retry_times} retries: it takes 0 or more")

    def __repr__(self) -> str:  # never the secret
        shown = "(…)" if self.credentials else "None"
        return (f"TransferOptions(platform={self.platform}, all_platforms={self.all_platforms}, "
                f"parallel={self.parallel}, compress={self.compress}, manifest_format={self.manifest_format}, "
                f"tls_verify={self.tls_verify}, credentials={shown})")
