"""Everything the Inspect dialog shows, read from the store on a worker thread."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

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


def _pretty(raw: bytes) -> str:
    try:
        return json.dumps(json.loads(raw), indent=2, sort_keys=False)
    except ValueError:
        return raw.decode("utf-8", "replace")


def collect(store_root: str, image_id: str) -> InspectData:
    store = Store(store_root)
    rec = store.lookup(image_id)
    data = InspectData(rec.id, rec.digest, rec.media_type, list(rec.names), rec.created, rec.size)
    top = store.manifest_of(rec)
    if isinstance(top, Index):
        data.index_json = _pretty(top.raw)
        for d in top.manifests:
            data.platforms.append(PlatformEntry(str(d.platform) if d.platform else "unknown", str(d.digest), d.size,
                                                d.media_type))
    manifest = store.image_manifest(rec)
    config = store.config_of(rec, manifest)
    data.manifest_json = _pretty(manifest.raw)
    data.config_json = _pretty(config.raw)
    data.layers = [Layer(str(d.digest), d.size, d.media_type) for d in manifest.layers]
    history = config.doc.get("history")
    data.history = [h for h in history if isinstance(h, dict)] if isinstance(history, list) else []
    section = config.doc.get("config")
    data.config = section if isinstance(section, dict) else {}
    data.os_arch = str(config.platform)
    return data
