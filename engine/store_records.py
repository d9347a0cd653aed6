"""The store's image records (ROOT/images.json): one per image, keyed by image ID (engine/store.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine import media

RECORDS_VERSION = 1


@dataclass
class ImageRecord:
    id: str  # "sha256:<hex>": config digest, or index digest for a multi-platform image
    digest: str  # top manifest or index digest
    media_type: str
    names: list[str] = field(default_factory=list)
    created: str | None = None
    size: int = 0
    platforms: list[str] = field(default_factory=list)
    added: float = 0.0
    # every top manifest (or index) digest the image was seen with, oldest first: podman's RepoDigests keep them all
    digests: list[str] = field(default_factory=list)

    @property
    def hex(self) -> str:
        return self.id.split(":", 1)[1]

    @property
    def is_index(self) -> bool:
        return self.media_type in media.INDEX_TYPES



def assign_names(records: list[ImageRecord], image_id: str, names: list[str]) -> None:
    """Give `names` to image_id; a name already on another image moves (as podman does)."""
    for rec in records:
        if rec.id == image_id:
            rec.names += [n for n in names if n not in rec.names]
        else:
            rec.names = [n for n in rec.names if n not in names]
