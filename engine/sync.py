"""Mirroring many images at once (skopeo sync's meanings, containers/skopeo cmd/skopeo/sync.go): a plan of
(source, destination) pairs from a registry repository, a YAML file or a directory tree (engine/sync_plan.py),
then the copies, several images at once.

One run() is one sync, whoever drives it (the CLI's `estiba sync`, the window's mirror job): its hooks tell the
caller when an image starts (on_start), how its own blobs move (listener_for: a listener per image, so a front
end can show a row per image) and how it ended (on_result).

What makes a rerun cheap and an interrupted sync resumable: before copying, the destination's manifest for
the tag is compared with the source's (one HEAD, or one small file read for dir:); equal means skipped.
Blobs the destination registry holds are never sent again (HEAD), and a blob another image of the same sync
is sending at that moment is waited for and then mounted (cross-repository mount), not uploaded twice.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from engine import platform as platforms
from engine.contract import Destination, ForwardingDestination, Source, SourceImage
from engine.copy import CopyOptions, copy
from engine.digest import Digest, sha256_digest
from engine.errors import Cancelled, EstibaError, NotFound
from engine.manifest import Index, parse
from engine.options import TransferOptions
from engine.platform import Platform
from engine.progress import Listener, Progress
from engine.sync_clients import ClientPool

COPIED, SKIPPED, FAILED = "copied", "skipped", "failed"


@dataclass(frozen=True)
class Access:
    """How to reach one side's registry."""

    tls_verify: bool | None = None
    credentials: tuple[str, str] | None = None
    authfile: str | None = None
    retry_times: int = 3
    cert_dir: str | None = None  # skopeo's cert-dir: this folder's *.crt, *.cert/*.key instead of certs.d


@dataclass(frozen=True)
class SyncItem:
    source: str  # transport text: docker://HOST/REPO:TAG or dir:PATH
    dest: str  # docker://HOST/REPO:TAG or dir:PATH
    src_access: Access = Access()


@dataclass
class ItemResult:
    item: SyncItem
    status: str  # COPIED, SKIPPED or FAILED
    error: str = ""
    digest: str = ""
    seconds: float = 0.0


@dataclass
class SyncOptions:
    dest_access: Access = Access()
    all_platforms: bool = False
    platform: Platform | None = None
    jobs: int = 4  # images at once
    layers: int = 3  # layers at once, per image
    compress: str | None = None
    manifest_format: str | None = None
    tmpdir: str | None = None
    keep_going: bool = True  # one image failing does not stop the others
    locations_file: str | None = None  # blob locations kept between runs (engine/registry/blob_locations.py)


@dataclass
class SyncSummary:
    results: list[ItemResult] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> list[ItemResult]:
        return [r for r in self.results if r.status == FAILED]

    def line(self) -> str:
        return (f"{len(self.results)} image(s): {self.count(COPIED)} copied, {self.count(SKIPPED)} already there, "
                f"{self.count(FAILED)} failed, in {self.seconds:.1f} s")


class _Uploads:
    """Blobs some image of this sync is checking, mounting or sending to a registry right now: (host, digest)
    -> (Event, owner thread). A second image needing the same blob waits for the first, then asks the registry
    again (HEAD) and finds or mounts it.

    The check itself is held too, not only the upload: docker-registry writes a repository's blob link in
    place, so a HEAD that meets a mount or an upload's commit half way reads a truncated link and answers 500
    ("invalid checksum digest format"), which cost a one-second retry (measured with the sync benchmark)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._busy: dict[tuple[str, str], tuple[threading.Event, int]] = {}
        # (host, repository, digest) -> size: blobs this sync found or put in a repository. The next image
        # going to the same repository takes them as there without asking again (one HEAD less per shared
        # blob and image; over a WAN each is a round trip on that image's critical path).
        self._present: dict[tuple[str, str, str], int] = {}

    def placed(self, host: str, repo: str, digest: str, size: int) -> None:
        with self._lock:
            self._present[(host, repo, str(digest))] = size

    def present(self, host: str, repo: str, digest: str) -> int | None:
        with self._lock:
            return self._present.get((host, repo, str(digest)))

    def claim(self, key: tuple[str, str], cancel) -> threading.Event:
        """Wait until nobody else holds the blob, then hold it; returns the token to release it with."""
        me = threading.get_ident()
        while True:
            with self._lock:
                entry = self._busy.get(key)
                if entry is None:
                    event = threading.Event()
                    self._busy[key] = (event, me)
                    return event
                if entry[1] == me:
                    return entry[0]
                event = entry[0]
            while not event.wait(0.1):
                cancel.check()

    def release_thread(self, host: str) -> None:
        me = threading.get_ident()
        with self._lock:
            for key in [k for k, (_, owner) in self._busy.items() if owner == me and k[0] == host]:
                self._busy.pop(key)[0].set()

    def release(self, held: dict[tuple[str, str], threading.Event]) -> None:
        """Release what these tokens still hold; a blob another image holds by now stays held."""
        with self._lock:
            for key, token in held.items():
                entry = self._busy.get(key)
                if entry is not None and entry[0] is token:
                    del self._busy[key]
                    token.set()


class _SharedDestination(ForwardingDestination):
    """A registry destination that coordinates its blob checks and uploads with the other images of the sync:
    one image at a time asks about, mounts or sends a given blob on a registry."""

    def __init__(self, inner: Destination, coord: _Uploads, cancel) -> None:
        super().__init__(inner)
        self.coord = coord
        self.cancel = cancel
        self.host = inner.client.host
        self.repo = inner.repo
        self.claimed: dict[tuple[str, str], threading.Event] = {}

    def has_blob(self, digest: Digest) -> bool:
        if self.coord.present(self.host, self.repo, digest) is not None:
            return True
        key = (self.host, str(digest))
        token = self.coord.claim(key, self.cancel)
        try:
            found = self.coord.present(self.host, self.repo, digest) is not None  # placed while we waited
            if not found:
                found = self.inner.has_blob(digest)  # HEAD, or a mount from where another image sent it
                if found:
                    self.coord.placed(self.host, self.repo, digest, self.inner.size_seen(digest))
        except BaseException:
            self.coord.release({key: token})
            raise
        if found:
            self.coord.release({key: token})
            return True
        self.claimed[key] = token  # this image sends it; released once it is committed (or the image ends)
        return False

    def blob_size(self, digest: Digest) -> int:
        size = self.coord.present(self.host, self.repo, digest)
        return size if size is not None and size >= 0 else self.inner.blob_size(digest)

    def put_blob_file(self, path, offset, size, digest, on_bytes=None) -> bool:
        try:
            done = self.inner.put_blob_file(path, offset, size, digest, on_bytes)
            if done:
                self.coord.placed(self.host, self.repo, digest, size)
            return done
        finally:
            self.coord.release_thread(self.host)

    def blob_writer(self):
        return _ReleasingWriter(self.inner.blob_writer(), self)

    def layer_writer(self, diff_id):
        return _ReleasingWriter(self.inner.layer_writer(diff_id), self)

    def commit(self) -> None:
        try:
            self.inner.commit()
        finally:
            self.coord.release(self.claimed)

    def abort(self) -> None:
        try:
            self.inner.abort()
        finally:
            self.coord.release(self.claimed)


class _ReleasingWriter:
    def __init__(self, inner, dest: _SharedDestination) -> None:
        self.inner = inner
        self.dest = dest

    def write(self, data) -> int:
        return self.inner.write(data)

    def count_accepted(self, on_bytes) -> None:  # progress counts what the registry accepted (contract.py)
        self.inner.count_accepted(on_bytes)

    def commit(self, digest, size) -> None:
        try:
            self.inner.commit(digest, size)
            self.dest.coord.placed(self.dest.host, self.dest.repo, digest, size)
        finally:
            self.dest.coord.release_thread(self.dest.host)

    def abort(self) -> None:
        try:
            self.inner.abort()
        finally:
            self.dest.coord.release_thread(self.dest.host)


class _ReadOnce(Source):
    """A source whose top manifest was already read (for the skip check): copy() does not read it again."""

    def __init__(self, inner: Source, images: list[SourceImage]) -> None:
        self.inner = inner
        self._images = images
        self.description = inner.description
        self.trusted = inner.trusted

    def images(self):
        return self._images

    def get_manifest(self, digest, size):
        return self.inner.get_manifest(digest, size)

    def open_blob(self, desc):
        return self.inner.open_blob(desc)

    def blob_file(self, desc):
        return self.inner.blob_file(desc)

    def close(self) -> None:
        self.inner.close()


def expected_digest(top: bytes, all_platforms: bool, platform: Platform | None) -> str | None:
    """The manifest digest the destination will hold when nothing is converted: the top's, or for an index
    copied for one platform, that platform's child. None when no child fits (copy() says why)."""
    doc = parse(top, "manifest")
    if not isinstance(doc, Index) or all_platforms:
        return sha256_digest(top)
    chosen = platforms.choose([d.platform for d in doc.manifests], platform or platforms.host())
    return None if chosen is None else str(doc.manifests[chosen].digest)


def _dest_digest(dest: Destination, dest_text: str) -> str | None:
    """What the destination holds under the tag now, or None."""
    if dest_text.startswith("dir:"):
        try:
            with open(os.path.join(dest_text[4:], "manifest.json"), "rb") as f:
                return sha256_digest(f.read(4 << 20))
        except OSError:
            return None
    from engine.registry import browse

    client = getattr(dest, "client", None)
    if client is None:
        return None
    ref = dest.ref
    try:
        return browse.head_manifest(client, ref.path, ref.tag or ref.digest or "latest").digest
    except NotFound:
        return None


def _copy_one(item: SyncItem, opts: SyncOptions, progress: Progress, uploads: _Uploads,
              pool: ClientPool) -> ItemResult:
    from engine import transports

    started = time.monotonic()
    src_loc = transports.parse_location(item.source)
    dst_loc = transports.parse_location(item.dest)
    a, d = item.src_access, opts.dest_access
    src_opts = TransferOptions(platform=opts.platform, all_platforms=opts.all_platforms, parallel=opts.layers,
                               tls_verify=a.tls_verify, retry_times=a.retry_times, credentials=a.credentials,
                               authfile=a.authfile, cert_dir=a.cert_dir)
    dest_opts = replace(src_opts, compress=opts.compress, manifest_format=opts.manifest_format,
                        tls_verify=d.tls_verify, retry_times=d.retry_times, credentials=d.credentials,
                        authfile=d.authfile, cert_dir=d.cert_dir)
    if src_loc.transport == transports.DOCKER:
        source = pool.open_source(src_loc.path, src_opts)
    else:
        source = transports.open_source(src_loc, transports.Opening(src_opts, opts.tmpdir, progress.cancel))
    with source:
        images = source.images()
        if dst_loc.transport == transports.DIR:
            os.makedirs(os.path.dirname(os.path.abspath(dst_loc.path)), exist_ok=True)
        if dst_loc.transport == transports.DOCKER:
            dest = pool.open_destination(dst_loc.path, dest_opts, opts.tmpdir)
        else:
            dest = transports.open_destination(dst_loc, transports.Opening(dest_opts, opts.tmpdir, progress.cancel))
        try:
            want = expected_digest(images[0].manifest, opts.all_platforms, opts.platform) if len(images) == 1 \
                else None
            convert = opts.manifest_format is not None or opts.compress is not None
            if want is not None and not convert and _dest_digest(dest, item.dest) == want:
                dest.abort()
                return ItemResult(item, SKIPPED, digest=want, seconds=time.monotonic() - started)
        except BaseException:
            dest.abort()
            raise
        if getattr(dest, "client", None) is not None:
            dest = _SharedDestination(dest, uploads, progress.cancel)
        results = copy(_ReadOnce(source, images), dest, CopyOptions(
            opts.platform, opts.all_platforms, opts.layers, None, progress))
    return ItemResult(item, COPIED, digest=str(results[0].manifest_digest), seconds=time.monotonic() - started)


def pool_size(opts: SyncOptions) -> int:
    """Connections per registry client: every layer of every image at once, with room for HEADs."""
    return max(10, opts.jobs * opts.layers * 3)


def run(items: list[SyncItem], opts: SyncOptions | None = None, progress: Progress | None = None,
        on_result: Callable[[ItemResult], None] | None = None, *,
        on_start: Callable[[SyncItem], None] | None = None,
        listener_for: Callable[[SyncItem], Listener | None] | None = None,
        pool: ClientPool | None = None) -> SyncSummary:
    """Copy every item, `opts.jobs` images at once. A failure is recorded and the others go on (unless
    keep_going is False); a cancel stops everything and raises Cancelled.

    Hooks, called on the sync's worker threads: on_start(item) as an image's copy begins; listener_for(item)
    gives the listener of that image's own progress events (blobs of that image only; without it every image
    reports to `progress`'s listener); on_result(result) as it ends (copied, skipped or failed).

    `pool`: registry clients already opened for this sync (the plan's, engine/sync_plan.py), kept open for the
    caller to close; without it the run opens its own."""
    opts = opts or SyncOptions()
    progress = progress or Progress()
    if opts.locations_file:
        from engine.registry import blob_locations

        blob_locations.load(opts.locations_file)
    uploads = _Uploads()
    own_pool = pool is None
    pool = pool if pool is not None else ClientPool(progress.cancel, pool_size=pool_size(opts))
    summary = SyncSummary()
    started = time.monotonic()
    lock = threading.Lock()
    stop = threading.Event()

    def one(item: SyncItem) -> None:
        if stop.is_set():
            return
        t0 = time.monotonic()
        if on_start is not None:
            on_start(item)
        mine = progress if listener_for is None else Progress(listener_for(item), progress.cancel,
                                                               progress.interval)
        try:
            res = _copy_one(item, opts, mine, uploads, pool)
        except Cancelled:
            stop.set()
            raise
        except (EstibaError, OSError) as exc:
            text = str(exc) if isinstance(exc, EstibaError) else f"{exc.strerror or exc}: {exc.filename or ''}"
            res = ItemResult(item, FAILED, error=" ".join(text.split()), seconds=time.monotonic() - t0)
            if not opts.keep_going:
                stop.set()
        with lock:
            summary.results.append(res)
        if on_result is not None:
            on_result(res)

    cancelled = False
    try:
        with ThreadPoolExecutor(max(1, opts.jobs), thread_name_prefix="estiba-sync") as workers:
            futures = [workers.submit(one, item) for item in items]
            for fut in futures:
                while True:
                    try:
                        fut.result()
                    except Cancelled:
                        cancelled = True
                    except KeyboardInterrupt:  # Ctrl-C: stop the copies in flight too, then say so
                        progress.cancel.cancel()
                        stop.set()
                        continue
                    break
    finally:
        if own_pool:
            pool.close()
    summary.seconds = time.monotonic() - started
    if opts.locations_file:
        blob_locations.save(opts.locations_file)
    if cancelled or progress.cancel.cancelled:
        raise Cancelled(f"sync cancelled after {summary.count(COPIED)} copied image(s); a rerun copies only what "
                        "is missing")
    return summary
