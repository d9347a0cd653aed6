"""One table row per image name; an image with no name is one `<none>` row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engine.dates import format_created
from engine.errors import InvalidInput
from engine.reference import parse_reference, short_id
from engine.store import ImageRecord
from gui.names import familiar

NONE = "<none>"


@dataclass(frozen=True)
class ImageRow:
    record: ImageRecord
    name: str | None  # the fully qualified name this row shows; None for an unnamed image
    repository: str
    tag: str
    created: dt.datetime | None

    @property
    def short_id(self) -> str:
        return short_id(self.record.id)

    @property
    def platform(self) -> str:
        plats = self.record.platforms
        if len(plats) > 2:
            return f"{plats[0]}, {plats[1]} +{len(plats) - 2}"
        return ", ".join(plats) or "unknown"

    @property
    def label(self) -> str:
        """How messages name this row: `alpine:latest`, or the short ID."""
        return familiar(self.name) if self.name else self.short_id

    @property
    def reference(self) -> str:
        """What selects this row's image in the engine: its name, or its full ID."""
        return self.name or self.record.hex


def rows_from_records(records: list[ImageRecord]) -> list[ImageRow]:
    rows = []
    for rec in records:
        created = format_created(rec.created)
        if not rec.names:
            rows.append(ImageRow(rec, None, NONE, NONE, created))
        for name in rec.names:
            try:
                ref = parse_reference(name)
                repository, tag = ref.name, ref.tag or "latest"
            except InvalidInput:
                repository, _, tag = name.rpartition(":")
            rows.append(ImageRow(rec, name, repository, tag, created))
    return rows
