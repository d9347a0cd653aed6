"""When a store blob may be trusted without hashing it again.

A blob is verified once (on the way into the store, or by `check`) and its file's stamp is kept in
ROOT/verified.json: size, mtime, ctime, inode and link count. Directory exports hard-link store blobs, so a file
edited outside Estiba may be the store's own blob; a file whose stamp differs from the kept one (or that has none)
is hashed again before it is used, and a mismatch is an error naming the image (issue 10 item 13). Making or
removing a hard link changes a file's ctime too, so a ctime change is forgiven when the link count changed with
it (an export, or its removal; otherwise every save after a directory export would hash the whole image again):
an edit still shows in the size or the mtime, and a chmod or a reset mtime in the ctime. Every use also
checks the size against the descriptor first: a truncated layer is refused before anything is written (item 17).
"""

from __future__ import annotations

import json
import os
import tempfile
import threading

from engine.digest import Digest
from engine.errors import DigestMismatch, Hint, NotFound

FILE_NAME = "verified.json"
HASH_BLOCK = 4 << 20

Stamp = tuple[int, ...]  # (size, mtime_ns, ctime_ns, inode, nlink); records of 4 (no nlink) are still read


def stamp_of(st: os.stat_result) -> Stamp:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_nlink)


def same_file_bytes(kept: Stamp, now: Stamp) -> bool:
    """Whether `now` may be trusted as the file `kept` was stamped from (see the module's docstring)."""
    if kept == now:
        return True
    if len(kept) != 5:
        return kept == now[:4]
    size, mtime, ctime, ino, nlink = kept
    return (size, mtime, ino) == (now[0], now[1], now[3]) and (ctime == now[2] or nlink != now[4])


class VerifiedStamps:
    """ROOT/verified.json: blob hex -> the stamp its file had when its bytes were last found good."""

    def __init__(self, root: str) -> None:
        self.path = os.path.join(root, FILE_NAME)
        self.root = root
        self._lock = threading.Lock()
        self._stamps: dict[str, Stamp] | None = None

    def _load(self) -> dict[str, Stamp]:
        if self._stamps is None:
            try:
                with open(self.path, "rb") as f:
                    doc = json.loads(f.read(64 << 20))
            except (OSError, ValueError):
                doc = {}  # none yet, or damaged: every blob is hashed again at its next use
            self._stamps = {}
            for hexd, value in (doc.items() if isinstance(doc, dict) else ()):
                if isinstance(value, list) and len(value) in (4, 5) and all(type(x) is int for x in value):
                    self._stamps[hexd] = tuple(value)
        return self._stamps

    def matches(self, hexd: str, st: os.stat_result) -> bool:
        with self._lock:
            kept = self._load().get(hexd)
        now = stamp_of(st)
        if kept is None or not same_file_bytes(kept, now):
            return False
        if kept != now:  # forgiven once (a link made or removed): keep the new stamp, so the next change counts
            self._record_quietly({hexd: now})
        return True

    def _record_quietly(self, found: dict[str, Stamp | None]) -> None:
        try:
            self.record(found)
        except OSError:
            pass  # a store we may read but not write: the stamp stays old, the next use forgives again

    def restamp(self, paths: dict[str, str]) -> None:
        """After this process hard-linked trusted blobs (hex -> path): their ctime and link count moved, their
        bytes did not. Keep the new stamps, so that removing the export later is forgiven (module docstring)."""
        fresh: dict[str, Stamp | None] = {}
        for hexd, path in paths.items():
            try:
                now = stamp_of(os.stat(path))
            except OSError:
                continue
            with self._lock:
                kept = self._load().get(hexd)
            if kept is not None and kept != now and (kept[0], kept[1], kept[3]) == (now[0], now[1], now[3]):
                fresh[hexd] = now
        if fresh:
            self._record_quietly(fresh)

    def record(self, found: dict[str, Stamp | None]) -> None:
        """Keep (or, for None, forget) stamps, merged with what other processes wrote meanwhile. The caller holds
        the store's lock, or accepts that a concurrent writer may drop its update (a later use hashes again)."""
        with self._lock:
            self._stamps = None
            stamps = self._load()
            for hexd, st in found.items():
                if st is None:
                    stamps.pop(hexd, None)
                else:
                    stamps[hexd] = st
            fd, tmp = tempfile.mkstemp(prefix=".verified-", suffix=".json", dir=self.root)
            try:
                with os.fdopen(fd, "w") as f:
                    json.dump(stamps, f)
                os.replace(tmp, self.path)
            except BaseException:
                os.unlink(tmp)
                raise


def hash_file(path: str, digest: Digest, cancel=None) -> bool:
    hasher = digest.new_hasher()
    with open(path, "rb") as f:
        while block := f.read(HASH_BLOCK):
            if cancel is not None:
                cancel.check()
            hasher.update(block)
    return hasher.hexdigest() == digest.hex


def ensure_sound(stamps: VerifiedStamps, path: str, digest: Digest, size: int, image: str, cancel=None) -> int:
    """Check a store blob before it is used as trusted; returns its size. Raises DigestMismatch naming `image`
    when it is not the size its descriptor says, or when it changed since it was verified and no longer hashes
    to its digest."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise NotFound(f"{image}: blob {digest[:19]}… is missing from the store", Hint.CHECK_STORE) from None
    if size >= 0 and st.st_size != size:
        raise DigestMismatch(f"{image}: blob {digest[:19]}… in the store is {st.st_size} bytes, but the image's "
                             f"manifest says {size}: the store is damaged", Hint.CHECK_STORE)
    if stamps.matches(digest.hex, st):
        return st.st_size
    if not hash_file(path, digest, cancel):
        stamps.record({digest.hex: None})
        raise DigestMismatch(f"{image}: blob {digest[:19]}… in the store changed since it was verified and no "
                             "longer matches its digest: the store is damaged", Hint.CHECK_STORE)
    after = os.stat(path)
    if stamp_of(after) == stamp_of(st):  # not changed while it was hashed
        stamps.record({digest.hex: stamp_of(after)})
    return st.st_size
