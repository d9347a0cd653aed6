"""What the pipeline learnt about layers: which compressed blob holds which uncompressed layer (diffID).

containers/image keeps the same knowledge in its BlobInfoCache. With it, pushing a layer that the store holds
uncompressed (loaded from a docker-archive) asks the registry for the gzip blob made last time (HEAD) instead
of compressing the layer again. Only pairs the pipeline verified itself are recorded: a compression it did,
or a decompression whose diffID it checked. An image's config alone never teaches it anything.

The file is a small JSON map, merged with what is on disk and replaced atomically on save, so concurrent
estiba processes lose at most an entry, never the file.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading

from engine.digest import Digest

MAX_ENTRIES = 20000  # about 3 MB of JSON; the oldest entries go first
FILE_NAME = "blob-info.json"


class BlobInfoCache:
    def __init__(self, path: str | None = None) -> None:
        self.path = path  # None: memory only
        self._lock = threading.Lock()
        self._pairs: dict[str, list] = {}  # "kind diffID" -> [digest, size]
        self._new: dict[str, list] = {}
        self._loaded = False

    def _load(self) -> dict[str, list]:
        if self.path is None:
            return {}
        try:
            with open(self.path, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError):
            return {}  # missing or damaged: it is only a cache
        pairs = data.get("compressed") if isinstance(data, dict) else None
        if not isinstance(pairs, dict):
            return {}
        return {k: v for k, v in pairs.items()
                if isinstance(k, str) and isinstance(v, list) and len(v) == 2 and isinstance(v[1], int)}

    def compressed(self, diff_id: Digest, kind: str) -> tuple[Digest, int] | None:
        """The blob (digest, size) that `kind`-compresses the layer `diff_id`, when one was made or seen."""
        with self._lock:
            if not self._loaded:
                self._pairs = {**self._load(), **self._pairs}
                self._loaded = True
            hit = self._pairs.get(f"{kind} {diff_id}")
        if hit is None:
            return None
        try:
            return Digest(hit[0]), hit[1]
        except ValueError:
            return None

    def record(self, diff_id: Digest, kind: str, digest: Digest, size: int) -> None:
        if digest == diff_id:
            return
        with self._lock:
            self._pairs[f"{kind} {diff_id}"] = self._new[f"{kind} {diff_id}"] = [str(digest), size]

    def save(self) -> None:
        with self._lock:
            new, self._new = self._new, {}
        if not new or self.path is None:
            return
        pairs = self._load()
        for key in new:
            pairs.pop(key, None)  # re-inserted last: the newest survive the trim
        pairs.update(new)
        if len(pairs) > MAX_ENTRIES:
            pairs = dict(list(pairs.items())[-MAX_ENTRIES:])
        try:
            fd, tmp = tempfile.mkstemp(prefix=".blob-info-", dir=os.path.dirname(self.path))
        except OSError:
            return  # a read-only store: the cache is only an optimisation
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump({"compressed": pairs}, f, separators=(",", ":"))
            os.replace(tmp, self.path)
        except OSError:
            try:
                os.unlink(tmp)
            except OSError:
                pass
