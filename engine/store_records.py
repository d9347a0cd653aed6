"""The store's image records (ROOT/images.json): one per image, keyed by image ID (engine/store.py).

The file is ours, but a hand edit, a bad disk or another program can damage it: every record is checked field
by field before it becomes an ImageRecord, so a damaged record is named (its position and what is wrong) and
never turns into a Python TypeError in some later verb; `check` repairs the list (repaired_records).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from engine import media
from engine.errors import EstibaError, Hint

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
    moving = set(names)  # sets: an archive may carry 70,000 RepoTags (lists made this quadratic: 80 s)
    for rec in records:
        if rec.id == image_id:
            have = set(rec.names)
            rec.names += [n for n in dict.fromkeys(names) if n not in have]
        else:
            rec.names = [n for n in rec.names if n not in moving]


_DIGEST = re.compile(r"sha256:[a-f0-9]{64}")
# field -> (check, what it must be); the order is ImageRecord's
FIELDS: dict[str, tuple] = {
    "id": (lambda v: isinstance(v, str) and bool(_DIGEST.fullmatch(v)), "a sha256 digest"),
    "digest": (lambda v: isinstance(v, str) and bool(_DIGEST.fullmatch(v)), "a sha256 digest"),
    "media_type": (lambda v: isinstance(v, str) and bool(v), "a media type"),
    "names": (lambda v: isinstance(v, list) and all(isinstance(n, str) for n in v), "a list of names"),
    "created": (lambda v: v is None or isinstance(v, str), "a date or null"),
    "size": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0, "a byte count"),
    "platforms": (lambda v: isinstance(v, list) and all(isinstance(p, str) for p in v), "a list of platforms"),
    "added": (lambda v: isinstance(v, int | float) and not isinstance(v, bool), "a time"),
    "digests": (lambda v: isinstance(v, list) and all(isinstance(d, str) and _DIGEST.fullmatch(d) for d in v),
                "a list of sha256 digests"),
}
REQUIRED = ("id", "digest", "media_type")
DEFAULTS = {"names": [], "created": None, "size": 0, "platforms": [], "added": 0.0, "digests": []}


class StoreDamaged(EstibaError):
    """The store's own files are damaged; the store check (Hint.CHECK_STORE) repairs them."""

    def __init__(self, message: str) -> None:
        super().__init__(message, Hint.CHECK_STORE)


def _kind(value) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    return "an object"


def check_record(obj) -> tuple[dict | None, str | None]:
    """(the fields of a usable record, what is wrong with it or None). A record whose identity fields are
    missing or wrong is unusable (None); unknown fields and wrong optional ones are dropped or defaulted."""
    if not isinstance(obj, dict):
        return None, f"is {_kind(obj)}, not an image record"
    if not obj:
        return None, "has no fields"
    for name in REQUIRED:
        if name not in obj:
            return None, f"has no {name!r} field"
        check, what = FIELDS[name]
        if not check(obj[name]):
            return None, f"has a {name!r} that is not {what}"
    fields = {}
    wrong = []
    for name, value in obj.items():
        if name not in FIELDS:
            wrong.append(f"an unknown field {name[:40]!r}")
        elif not FIELDS[name][0](value):
            wrong.append(f"a {name!r} that is not {FIELDS[name][1]}")
        else:
            fields[name] = value
    for name, value in DEFAULTS.items():
        fields.setdefault(name, list(value) if isinstance(value, list) else value)
    return fields, ("has " + " and ".join(wrong)) if wrong else None


def records_list(doc, path: str) -> list:
    if not isinstance(doc, dict) or not isinstance(doc.get("images"), list):
        raise StoreDamaged(f"the store's image list {path} is damaged (it holds no list of images)")
    return doc["images"]


def strict_records(doc, path: str) -> list[dict]:
    """The fields of every record, or StoreDamaged naming the first bad one."""
    out = []
    for i, obj in enumerate(records_list(doc, path), 1):
        fields, problem = check_record(obj)
        if problem is not None:
            raise StoreDamaged(f"the store's image list {path} is damaged: record {i} {problem}")
        assert fields is not None
        out.append(fields)
    return out


def repaired_records(doc, path: str) -> tuple[list[dict], list[str]]:
    """(the usable records, one line per repair done) for `check`: bad records removed, bad fields dropped."""
    try:
        items = records_list(doc, path)
    except StoreDamaged:
        return [], [f"{path} holds no list of images: started an empty one"]
    out, said = [], []
    for i, obj in enumerate(items, 1):
        fields, problem = check_record(obj)
        if fields is None:
            said.append(f"image list record {i} {problem}: removed it")
            continue
        if problem is not None:
            said.append(f"image list record {i} ({fields['id'][7:19]}) {problem}: dropped them")
        out.append(fields)
    return out, said
