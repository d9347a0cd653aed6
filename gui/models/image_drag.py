"""Image rows dragged from one place's table onto another place of the places list (a copy): the drag
carries the place the rows come from and, for each image, what selects it there and how messages name it."""

from __future__ import annotations

import json
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QMimeData

from gui.models.image_rows import ImageRow

MIME_TYPE = "application/x-estiba-images"


@dataclass(frozen=True)
class DraggedImages:
    place: str  # "store", "podman" or "docker"
    images: list[tuple[str, str]]  # (reference in that place, label)


def image_mime(place: str, rows: list[ImageRow]) -> QMimeData:
    images = list(dict.fromkeys((r.reference, r.label) for r in rows))
    mime = QMimeData()
    mime.setData(MIME_TYPE, QByteArray(json.dumps({"place": place, "images": images}).encode()))
    return mime


def dragged_images(mime: QMimeData | None) -> DraggedImages | None:
    """What a drag of image rows carries; None for any other drag (files, text)."""
    if mime is None or not mime.hasFormat(MIME_TYPE):
        return None
    try:
        doc = json.loads(bytes(mime.data(MIME_TYPE).data()).decode())
        images = [(str(ref), str(label)) for ref, label in doc["images"]]
        return DraggedImages(str(doc["place"]), images) if images else None
    except (ValueError, KeyError, TypeError):
        return None
