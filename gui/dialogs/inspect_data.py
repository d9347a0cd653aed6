"""Everything the Inspect dialog shows, read from the store on a worker thread."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from engine import image_info
from engine.manifest import Index
from engine.store import Store


@dataclass
class Layer:
    digest: str
    size: int
    media_type: str


@dataclass
class PlatformEntry:
    platform: str
    digest: str
    size: int
    media_type: str


@dataclass
class InspectData:
    id: str
    digest: str
    media_type: str
    names: list[str]
    created: str | None
    size: int
    platforms: list[PlatformEntry] = field(default_factory=list)
    layers: list[Layer] = field(default_factory=list)
    history: list[dict] = field(default_factory=list)
    config: dict = field(default_factory=dict)  # the image config's "config" section (Env, Cmd, ...)
    os_arch: str = ""
    manifest_json: str = ""
    config_json: str = ""
    index_json: str = ""
    repo_digests: list[str] = field(default_factory=list)  # repo@digest for every manifest the image was seen with


def _pretty(raw: bytes) -> str:
    try:
        return json.dumps(json.loads(raw), indent=2, sort_keys=False)
    except ValueError:
        return raw.decode("utf-8", "replace")


def collect(store_root: str, image_id: str) -> InspectData:
    """Built from the engine's one inspect builder (engine/image_info.py), which `estiba inspect` prints: the
    dialog and the command line show the same size (uncompressed, as podman's) and the same history."""
    store = Store(store_root)
    rec = store.lookup(image_id)
    parts = image_info.parts(store, rec)
    document = image_info.inspect_document(store, rec)
    data = InspectData(rec.id, rec.digest, rec.media_type, list(rec.names), rec.created, document["Size"])
    data.repo_digests = list(document["RepoDigests"])
    if isinstance(parts.top, Index):
        data.index_json = _pretty(parts.top.raw)
        for d in parts.top.manifests:
            data.platforms.append(PlatformEntry(str(d.platform) if d.platform else "unknown", str(d.digest), d.size,
                                                d.media_type))
    data.manifest_json = _pretty(parts.manifest.raw)
    data.config_json = _pretty(parts.config.raw)
    data.layers = [Layer(str(d.digest), d.size, d.media_type) for d in parts.manifest.layers]
    data.history = list(document["History"])
    data.config = dict(document["Config"])
    data.os_arch = str(parts.config.platform)
    return data
