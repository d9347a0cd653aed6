"""KNOWN_BLOBS (engine/registry/client.py: where each blob was seen, for cross-repository mounts) kept on disk
between runs, as containers/image keeps its BlobInfoCache: a sync run repository by repository (one process
each) still mounts the base layers a previous run sent to the same registry instead of uploading them again.

A small JSON file, merged with what is on disk and replaced atomically; a stale entry costs one refused mount
(the registry answers 202 and the upload goes on)."""

from __future__ import annotations

import json
import os
import tempfile

from engine.registry.client import KNOWN_BLOBS, BlobLocations

MAX_ENTRIES = 20000
FILE_NAME = "blob-locations.json"


def _read(path: str) -> dict[str, list[list[str]]]:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return {}  # missing or damaged: it is only a cache
    seen = data.get("seen") if isinstance(data, dict) else None
    if not isinstance(seen, dict):
        return {}
    return {d: [w for w in where if isinstance(w, list) and len(w) == 2 and all(isinstance(x, str) for x in w)]
            for d, where in seen.items() if isinstance(d, str) and isinstance(where, list)}


def load(path: str, into: BlobLocations = KNOWN_BLOBS) -> int:
    """Record the file's locations (oldest first, so the newest stay in front). Returns how many."""
    n = 0
    for digest, where in _read(path).items():
        for registry, repo in reversed(where):
            into.record(digest, registry, repo)
            n += 1
    return n


def save(path: str, source: BlobLocations = KNOWN_BLOBS) -> None:
    with source._lock:  # noqa: SLF001 - the same process-wide table, read whole
        current = {d: [list(w) for w in where] for d, where in source._seen.items()}  # noqa: SLF001
    if not current:
        return
    merged = _read(path)
    for digest in current:
        merged.pop(digest, None)
    merged.update(current)
    if len(merged) > MAX_ENTRIES:
        merged = dict(list(merged.items())[-MAX_ENTRIES:])
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".blob-locations-", dir=folder)
    except OSError:
        return  # read-only: only an optimisation
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"seen": merged}, f, separators=(",", ":"))
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
