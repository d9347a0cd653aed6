"""Platforms (os/arch/variant) and choosing one from an index, as containers/image does."""

from __future__ import annotations

import os
from dataclasses import dataclass

from engine.errors import Hint, InvalidInput, Unsupported

_ARCH = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64", "armv7l": "arm",
         "armv6l": "arm", "i686": "386", "i386": "386", "ppc64le": "ppc64le", "s390x": "s390x",
         "riscv64": "riscv64"}
# Lower variants a CPU of each variant can also run (c/image platform_matcher.go).
_COMPATIBLE = {("arm", "v8"): ["v8", "v7", "v6", "v5"], ("arm", "v7"): ["v7", "v6", "v5"],
               ("arm", "v6"): ["v6", "v5"], ("arm64", "v8"): ["v8"]}


@dataclass(frozen=True)
class Platform:
    os: str
    architecture: str
    variant: str | None = None

    def __str__(self) -> str:
        return "/".join(p for p in (self.os, self.architecture, self.variant) if p)

    @classmethod
    def parse(cls, text: str) -> Platform:
        parts = text.strip().split("/")
        if len(parts) not in (2, 3) or not all(parts):
            raise InvalidInput(f"invalid platform {text!r}: use os/arch[/variant], e.g. linux/arm64")
        return cls(parts[0], parts[1], parts[2] if len(parts) == 3 else None)

    @classmethod
    def from_json(cls, doc: dict | None) -> Platform | None:
        if not isinstance(doc, dict) or not isinstance(doc.get("os"), str):
            return None
        arch = doc.get("architecture")
        variant = doc.get("variant")
        return cls(doc["os"], arch if isinstance(arch, str) else "", variant if isinstance(variant, str) else None)


class PlatformNotFound(Unsupported):
    """The platform asked for is not in the image. `want` and `offered` let each front end word the way out."""

    def __init__(self, what: str, want: Platform, offered: list[str], shown: str = "") -> None:
        self.what, self.want, self.offered = what, str(want), offered
        super().__init__(f"{what} has no image for platform {want} (it has: {shown or ', '.join(offered) or 'none'})",
                         Hint.CHOOSE_PLATFORM)


def host() -> Platform:
    machine = os.uname().machine.lower()  # what platform.machine() returns, without importing it
    arch = _ARCH.get(machine, machine)
    variant = {"aarch64": "v8", "arm64": "v8", "armv7l": "v7", "armv6l": "v6"}.get(machine)
    return Platform("linux", arch, variant)


def _wanted_variants(want: Platform) -> list[str | None]:
    if want.variant:
        return [*_COMPATIBLE.get((want.architecture, want.variant), [want.variant]), None]
    return [None, *_COMPATIBLE.get((want.architecture, "v8"), [])] if want.architecture in ("arm", "arm64") \
        else [None]


def choose(candidates: list[Platform | None], want: Platform) -> int | None:
    """Index of the best candidate for `want`, or None. `unknown/unknown` entries never match. An entry without
    a platform (the image-spec makes it optional) is taken when no entry matches, the first of them, as
    skopeo and podman do (containers/image internal/manifest/oci_index.go chooseInstance: such an entry
    matches any platform, after every real match)."""
    for variant in _wanted_variants(want):
        for i, cand in enumerate(candidates):
            if cand is None or cand.os == "unknown":
                continue
            if cand.os == want.os and cand.architecture == want.architecture and cand.variant == variant:
                return i
    for i, cand in enumerate(candidates):
        if cand is None:
            return i
    return None


def offered(platforms: list[Platform | None], entries: int) -> str:
    """What an index offers, for "has no image for platform X (it has: ...)": its platforms, or why there
    are none."""
    shown = [str(p) for p in platforms if p is not None and p.os != "unknown"]
    if shown:
        return ", ".join(dict.fromkeys(shown))
    if platforms:  # only unknown/unknown entries: BuildKit attestations, not images
        return "only attestation manifests (unknown/unknown), no image"
    if entries:
        return f"no image manifests: its {entries} entries are nested indexes or artifacts"
    return "no entries at all"
