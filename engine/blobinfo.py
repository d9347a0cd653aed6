"""What the pipeline learnt about layers: which compressed blob holds which uncompressed layer (diffID).

containers/image keeps the same knowledge in its BlobInfoCache. With it, pushing a layer that the store holds
uncompressed (loaded from a docker-archive) asks the registry for the gzip blob made last time (HEAD) instead
of compressing the layer again. Only pairs the pipeline verified itself are recorded: a compression it did,
or a decompression whose diffID it checked. An image's config alone never teaches it anything.

It also keeps how many bytes each verified layer blob unpacks to, learnt the first time the pipeline unpacks
(or checks) it: with these sizes a docker-archive's layout is known before any layer is written, so every
layer goes straight to its offset in the archive (engine/formats/docker_archive/placement.py).

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
        self._sizes: dict[str, int] = {}  # blob digest -> bytes it unpacks to
        self._new_sizes: dict[str, int] = {}
        self._loaded = False

    def _load(self) -> tuple[dict[str, list], dict[str, int]]:
        if self.path is None:
            return {}, {}
        try:
            with open(self.path, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError, RecursionError):
            return {}, {}  # missing or damaged: it is only a cache
        if not isinstance(data, dict):
            return {}, {}
        pairs, sizes = data.get("compressed"), data.get("uncompressed_sizes")
        pairs = pairs if isinstance(pairs, dict) else {}
        sizes = sizes if isinstance(sizes, dict) else {}
        return ({k: v for k, v in pairs.items()
                 if isinstance(k, str) and isinstance(v, list) and len(v) == 2 and isinstance(v[1], int)},
                {k: v for k, v in sizes.items() if isinstance(k, str) and type(v) is int and v >= 0})

    def _ensure_loaded(self) -> None:
        if not self._loaded:  # under the lock
            pairs, sizes = self._load()
            self._pairs = {**pairs, **self._pairs}
            self._sizes = {**sizes, **self._sizes}
            self._loaded = True

    def uncompressed_size(self, digest: Digest) -> int | None:
        """How many bytes the layer blob `digest` unpacks to, when the pipeline learnt it."""
        with self._lock:
            self._ensure_loaded()
            return self._sizes.get(str(digest))

    def record_size(self, digest: Digest, size: int) -> None:
        """Learnt: the verified layer blob `digest` unpacks to `size` bytes."""
        with self._lock:
            self._sizes[str(digest)] = self._new_sizes[str(digest)] = size

    def compressed(self, diff_id: Digest, kind: str) -> tuple[Digest, int] | None:
        """The blob (digest, size) that `kind`-compresses the layer `diff_id`, when one was made or seen."""
        with self._lock:
            self._ensure_loaded()
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
            new_sizes, self._new_sizes = self._new_sizes, {}
        if not (new or new_sizes) or self.path is None:
            return
        pairs, sizes = self._load()
        for key in new:
            pairs.pop(key, None)  # re-inserted last: the newest survive the trim
        pairs.update(new)
        for key in new_sizes:
            sizes.pop(key, None)
        sizes.update(new_sizes)
        if len(pairs) > MAX_ENTRIES:
            pairs = dict(list(pairs.items())[-MAX_ENTRIES:])
        if len(sizes) > MAX_ENTRIES:
            sizes = dict(list(sizes.items())[-MAX_ENTRIES:])
        try:
            fd, tmp = tempfile.mkstemp(prefix=".blob-info-", dir=os.path.dirname(self.path))
        except OSError:
            return  # a read-only store: the cache is only an optimisation
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump({"compressed": pairs, "uncompressed_sizes": sizes}, f, separators=(",", ":"))
            os.replace(tmp, self.path)
        except OSError:
            try:
                os.unlink(tmp)
            except OSError:
                pass
