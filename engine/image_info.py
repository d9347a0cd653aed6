"""What an image is, in the shapes people read: podman's `inspect` document and the facts `images` and
`history` list. The CLI and the GUI's Inspect dialog both build from here (one builder).

Sizes are of the uncompressed layers, as podman reports them (containers/storage counts a layer's
uncompressed size), so an image shows the same size whatever it was loaded from. A compressed layer's
uncompressed size is learnt once by decompressing it (streamed) and kept in a small cache file beside
the store's records.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import dataclass, replace

from engine import compression
from engine.digest import Digest
from engine.errors import EstibaError
from engine.manifest import Descriptor, ImageConfig, ImageManifest, Index
from engine.store import ImageRecord, Store

SIZES_FILE = "layer-sizes.json"
CHUNK = 1 << 20
_lock = threading.Lock()


def _load_sizes(path: str) -> dict[str, int]:
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in doc.items() if isinstance(k, str) and isinstance(v, int)} if isinstance(doc, dict) \
        else {}


def _save_sizes(path: str, sizes: dict[str, int]) -> None:
    try:
        fd, tmp = tempfile.mkstemp(prefix=".layer-sizes-", dir=os.path.dirname(path))
    except OSError:
        return  # a read-only store: the cache is only an optimisation
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(sizes, f, separators=(",", ":"))
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def uncompressed_size(store: Store, layer: Descriptor, cache: dict[str, int]) -> int:
    """The layer's size as a plain tar. Uncompressed layers are their blob; others are measured once."""
    key = str(layer.digest)
    if key in cache:
        return cache[key]
    try:
        with open(store.blob_path(Digest(layer.digest)), "rb") as raw:
            kind, stream = compression.sniffing(raw)
            if kind == compression.NONE:
                size = layer.size
            else:
                size = 0
                with compression.decompressor(stream, kind) as plain:
                    while chunk := plain.read(CHUNK):
                        size += len(chunk)
    except (OSError, *compression.decompress_errors()):
        return layer.size  # missing or damaged: `estiba check` reports it; show what the manifest says
    cache[key] = size
    return size


class SizeCache:
    """The cache of uncompressed layer sizes of one store, loaded once and saved when it learnt something."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.path = os.path.join(store.root, SIZES_FILE)
        self.sizes = _load_sizes(self.path)
        self._known = len(self.sizes)

    def layer(self, layer: Descriptor) -> int:
        return uncompressed_size(self.store, layer, self.sizes)

    def image(self, manifest: ImageManifest, extra: int = 0) -> int:
        return sum(self.layer(layer) for layer in manifest.layers) + manifest.config.size + extra

    def save(self) -> None:
        if len(self.sizes) != self._known:
            with _lock:
                _save_sizes(self.path, {**_load_sizes(self.path), **self.sizes})
            self._known = len(self.sizes)


def repo_digests(rec: ImageRecord) -> list[str]:
    """`repo@digest` for every repository the image is named in and every manifest it was seen with, sorted
    as podman lists them."""
    digests = [rec.digest, *[d for d in rec.digests if d != rec.digest]]
    repos: list[str] = []
    for name in rec.names:
        repo = name.rpartition(":")[0] if ":" in name.rpartition("/")[2] else name
        if repo not in repos:
            repos.append(repo)
    return sorted({f"{repo}@{d}" for repo in repos for d in digests})


def image_size(store: Store, rec: ImageRecord, sizes: SizeCache) -> int:
    """The uncompressed layers and the config (for an index: the host's image). podman also adds the bytes of
    every manifest it keeps, so its figure grows a little with each manifest seen; ours stays the same."""
    return sizes.image(store.image_manifest(rec))


def with_listed_sizes(store: Store, records: list[ImageRecord]) -> list[ImageRecord]:
    """The records with `size` as `estiba images` lists it (image_size), so the window and the terminal show
    the same figure for an image; a record whose manifest cannot be read keeps the size it was recorded with
    (`estiba check` reports the damage)."""
    sizes = SizeCache(store)
    out = []
    for rec in records:
        try:
            out.append(replace(rec, size=image_size(store, rec, sizes)))
        except (EstibaError, OSError, ValueError):
            out.append(rec)
    sizes.save()
    return out


@dataclass
class Parts:
    rec: ImageRecord
    top: ImageManifest | Index
    manifest: ImageManifest
    config: ImageConfig


def parts(store: Store, rec: ImageRecord) -> Parts:
    top = store.manifest_of(rec)
    manifest = top if isinstance(top, ImageManifest) else store.image_manifest(rec)
    return Parts(rec, top, manifest, store.config_of(rec, manifest))


def inspect_document(store: Store, rec: ImageRecord, sizes: SizeCache | None = None) -> dict:
    """`podman image inspect`'s document for one image (its keys, in its order)."""
    sizes = sizes or SizeCache(store)
    p = parts(store, rec)
    doc = p.config.doc
    section = p.config.section
    size = sizes.image(p.manifest)
    rootfs = doc.get("rootfs") if isinstance(doc.get("rootfs"), dict) else {}
    history = doc.get("history") if isinstance(doc.get("history"), list) else []
    return {
        "Id": rec.hex,
        "Digest": rec.digest,
        "RepoTags": list(rec.names),
        "RepoDigests": repo_digests(rec),
        "Parent": "",
        "Comment": p.config.text("comment") or "",
        "Created": p.config.text("created") or rec.created or "",
        "Config": section,
        "Version": p.config.text("docker_version") or "",
        "Author": p.config.text("author") or "",
        "Architecture": p.config.text("architecture") or "",
        "Os": p.config.text("os") or "",
        **({"Variant": p.config.text("variant")} if p.config.text("variant") else {}),  # mistyped: left out
        "Size": size,
        "VirtualSize": size,
        "GraphDriver": {"Name": "estiba", "Data": None},
        "RootFS": {"Type": rootfs.get("type", "layers"), "Layers": list(rootfs.get("diff_ids") or [])},
        "Labels": p.config.labels or None,
        "Annotations": dict(p.manifest.annotations or {}),
        "ManifestType": rec.media_type,
        "User": section.get("User") if isinstance(section.get("User"), str) else "",
        "History": [h for h in history if isinstance(h, dict)],
        "NamesHistory": list(rec.names),
    }


@dataclass
class HistoryEntry:
    id: str  # the image ID for the top entry, else "<missing>"
    created: str | None
    created_by: str
    size: int  # uncompressed size of the layer the step made (0 for an empty layer)
    comment: str


def history(store: Store, rec: ImageRecord, sizes: SizeCache | None = None) -> list[HistoryEntry]:
    """The build steps, newest first, as `podman history` lists them."""
    sizes = sizes or SizeCache(store)
    p = parts(store, rec)
    layers = iter(p.manifest.layers)
    entries = p.config.history  # objects only, each field of the right type (engine/manifest.py)
    out: list[HistoryEntry] = []
    for i, h in enumerate(entries):
        size = 0
        if not h["empty_layer"]:
            layer = next(layers, None)
            size = sizes.layer(layer) if layer else 0
        out.append(HistoryEntry(rec.hex if i == len(entries) - 1 else "<missing>", h["created"], h["created_by"],
                                size, h["comment"]))
    return list(reversed(out))
