"""Manifests, indexes and configs: parse (raw bytes kept), serialise as containers/image does, convert.

Raw bytes always travel beside the parsed form: a digest is over exact bytes, so a document is
never re-serialised unless it is really changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

from engine import jsondoc, media
from engine.digest import Digest, sha256_digest
from engine.errors import InvalidInput, Unsupported
from engine.platform import Platform

# containers/image internal/iolimits: MaxManifestBodySize and MaxConfigBodySize are both 4 MiB.
MAX_MANIFEST_BYTES = 4 << 20
MAX_CONFIG_BYTES = 4 << 20
MAX_JSON_BYTES = 8 << 20  # index.json, manifest.json of an archive


def load_json(raw: bytes, what: str, limit: int = MAX_JSON_BYTES):
    """Parse an untrusted JSON document: size, depth and value count capped first (engine/jsondoc.py). A
    larger limit (the store's own images.json) allows proportionally more values."""
    values = jsondoc.MAX_VALUES if limit <= MAX_JSON_BYTES else limit // 16
    return jsondoc.load(raw, what, limit, max_values=values)


def dump_json(doc) -> bytes:
    """Compact JSON as Go's encoding/json writes it: no spaces, UTF-8, `<>&` escaped."""
    text = json.dumps(doc, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode()


@dataclass(frozen=True)
class Descriptor:
    media_type: str
    digest: Digest
    size: int
    annotations: dict | None = None
    platform: Platform | None = None
    platform_json: dict | None = None
    urls: list | None = None

    @classmethod
    def from_json(cls, doc, what: str) -> Descriptor:
        if not isinstance(doc, dict):
            raise InvalidInput(f"{what}: a descriptor must be a JSON object")
        size = doc.get("size")
        media_type = doc.get("mediaType", "")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise InvalidInput(f"{what}: descriptor size {size!r} is not a non-negative integer")
        if not isinstance(media_type, str):
            raise InvalidInput(f"{what}: descriptor mediaType is not a string")
        annotations = doc.get("annotations")
        if annotations is not None and not (
            isinstance(annotations, dict) and all(isinstance(v, str) for v in annotations.values())
        ):
            raise InvalidInput(f"{what}: annotations must map strings to strings")
        plat = doc.get("platform")
        return cls(media_type, Digest(doc.get("digest", "")), size, annotations or None,
                   Platform.from_json(plat), plat if isinstance(plat, dict) else None,
                   doc.get("urls") if isinstance(doc.get("urls"), list) else None)

    def to_json(self, fam: str) -> dict:
        # Key order as containers/image writes them: OCI mediaType,digest,size; Docker mediaType,size,digest.
        if fam == media.DOCKER:
            doc: dict = {"mediaType": self.media_type, "size": self.size, "digest": str(self.digest)}
        else:
            doc = {"mediaType": self.media_type, "digest": str(self.digest), "size": self.size}
            if self.urls:
                doc["urls"] = self.urls
            if self.annotations:
                doc["annotations"] = self.annotations
        if self.platform_json is not None:
            doc["platform"] = self.platform_json
        return doc


@dataclass(frozen=True)
class ImageManifest:
    raw: bytes
    media_type: str
    config: Descriptor
    layers: list[Descriptor]
    annotations: dict | None = None

    @property
    def digest(self) -> Digest:
        return sha256_digest(self.raw)

    @property
    def family(self) -> str:
        return media.family(self.media_type)


@dataclass(frozen=True)
class Index:
    raw: bytes
    media_type: str
    manifests: list[Descriptor]
    annotations: dict | None = None
    extra: dict = field(default_factory=dict)

    @property
    def digest(self) -> Digest:
        return sha256_digest(self.raw)

    @property
    def family(self) -> str:
        return media.family(self.media_type)


def parse(raw: bytes, what: str = "manifest") -> ImageManifest | Index:
    doc = load_json(raw, what, MAX_MANIFEST_BYTES)
    if not isinstance(doc, dict):
        raise InvalidInput(f"{what} is not a JSON object")
    mt = doc.get("mediaType")
    if doc.get("schemaVersion") == 1 or mt in (media.DOCKER_SCHEMA1, media.DOCKER_SCHEMA1_SIGNED):
        raise Unsupported(f"{what} is Docker schema 1, which is deprecated; re-push the image with a current tool")
    if mt is None:  # OCI allows omitting it
        mt = media.OCI_INDEX if "manifests" in doc else media.OCI_MANIFEST
    if mt in media.INDEX_TYPES:
        entries = doc.get("manifests")
        if entries is None:  # Docker 25.0 wrote null (moby#47210)
            entries = []
        if not isinstance(entries, list):
            raise InvalidInput(f"{what}: 'manifests' is not a list")
        descs = [Descriptor.from_json(d, f"{what} entry {i}") for i, d in enumerate(entries)]
        extra = {k: v for k, v in doc.items() if k not in ("schemaVersion", "mediaType", "manifests", "annotations")}
        return Index(raw, mt, descs, doc.get("annotations") or None, extra)
    if mt in media.MANIFEST_TYPES:
        if "config" not in doc:
            raise InvalidInput(f"{what} has no config descriptor")
        layers = doc.get("layers")
        if layers is None:
            layers = []
        if not isinstance(layers, list):
            raise InvalidInput(f"{what}: 'layers' is not a list")
        config = Descriptor.from_json(doc["config"], f"{what} config")
        return ImageManifest(raw, mt, config, [Descriptor.from_json(d, f"{what} layer {i}")
                                               for i, d in enumerate(layers)], doc.get("annotations") or None)
    raise Unsupported(f"{what} has media type {mt!r}, which is not an image manifest or index")


def build_manifest(fam: str, config: Descriptor, layers: list[Descriptor],
                   annotations: dict | None = None) -> ImageManifest:
    doc: dict = {"schemaVersion": 2, "mediaType": media.manifest_type(fam), "config": config.to_json(fam),
                 "layers": [layer.to_json(fam) for layer in layers]}
    if annotations and fam == media.OCI:
        doc["annotations"] = annotations
    raw = dump_json(doc)
    return ImageManifest(raw, doc["mediaType"], config, layers, annotations if fam == media.OCI else None)


def build_index(fam: str, manifests: list[Descriptor], annotations: dict | None = None,
                with_media_type: bool = True) -> Index:
    doc: dict = {"schemaVersion": 2}
    if with_media_type or fam == media.DOCKER:
        doc["mediaType"] = media.index_type(fam)
    doc["manifests"] = [m.to_json(fam) for m in manifests]
    if annotations and fam == media.OCI:
        doc["annotations"] = annotations
    return Index(dump_json(doc), media.index_type(fam), manifests, annotations)


@dataclass(frozen=True)
class ImageConfig:
    """A config: raw bytes (their digest is the image ID) and the fields we read."""

    raw: bytes
    doc: dict

    @classmethod
    def parse(cls, raw: bytes, what: str = "image config") -> ImageConfig:
        doc = load_json(raw, what, MAX_CONFIG_BYTES)
        if not isinstance(doc, dict):
            raise InvalidInput(f"{what} is not a JSON object")
        rootfs = doc.get("rootfs")
        if not isinstance(rootfs, dict) or not isinstance(rootfs.get("diff_ids", []), list):
            raise InvalidInput(f"{what} has no rootfs.diff_ids list, so it is not a container image's config "
                               "(an OCI artifact?)")
        if not all(isinstance(d, str) for d in rootfs.get("diff_ids") or []):
            raise InvalidInput(f"{what}: rootfs.diff_ids holds a value that is not a digest string")
        return cls(raw, doc)

    @property
    def digest(self) -> Digest:
        return sha256_digest(self.raw)

    @property
    def diff_ids(self) -> list[Digest]:
        return [Digest(d) for d in (self.doc["rootfs"].get("diff_ids") or [])]

    # The accessors below never trust a field's type: the bytes are the image's identity and cannot be
    # fixed, so a field of the wrong type (a string where an object belongs) reads as absent.

    def text(self, key: str) -> str | None:
        value = self.doc.get(key)
        return value if isinstance(value, str) else None

    @property
    def platform(self) -> Platform:
        return Platform(self.text("os") or "linux", self.text("architecture") or "", self.text("variant") or None)

    @property
    def created(self) -> str | None:
        return self.text("created")

    @property
    def section(self) -> dict:
        """The `config` object (Env, Cmd, Labels...), or {}."""
        value = self.doc.get("config")
        return value if isinstance(value, dict) else {}

    @property
    def labels(self) -> dict[str, str] | None:
        value = self.section.get("Labels")
        if not isinstance(value, dict):
            return None
        return {str(k): v for k, v in value.items() if isinstance(v, str)}

    @property
    def rootfs(self) -> dict:
        return self.doc["rootfs"]

    @property
    def history(self) -> list[dict]:
        """History entries, each with created (str or None), created_by, comment (str), empty_layer (bool);
        entries that are not objects are skipped."""
        entries = self.doc.get("history")
        if not isinstance(entries, list):
            return []
        out = []
        for h in entries:
            if not isinstance(h, dict):
                continue
            out.append({"created": h["created"] if isinstance(h.get("created"), str) else None,
                        "created_by": h["created_by"] if isinstance(h.get("created_by"), str) else "",
                        "comment": h["comment"] if isinstance(h.get("comment"), str) else "",
                        "empty_layer": h.get("empty_layer") is True})
        return out


def converted_config(desc: Descriptor, fam: str) -> Descriptor:
    """The config descriptor for `fam`: same bytes (the image ID survives), other label."""
    return replace(desc, media_type=media.config_type(fam), annotations=None if fam == media.DOCKER else
                   desc.annotations, urls=None)
