"""Pushing images to a registry. Blobs: a cross-repository mount first where another repository is known to
hold the blob (a 201 also answers "it is here": one request, not a HEAD and then a mount), else a HEAD, then
an upload (see upload.py). Manifests are kept until commit(): children are PUT by digest,
then the top manifest under the reference's tag (or digest). abort() DELETEs every open upload session, so a
cancelled push leaves no tag and no session behind (uploaded blobs stay unreferenced, as with any client)."""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait

from engine import compression, media
from engine.contract import CompressionPolicy, Destination
from engine.digest import Digest, sha256_digest
from engine.errors import Cancelled, InvalidInput
from engine.manifest import ImageConfig, parse
from engine.options import TransferOptions
from engine.progress import OnBytes
from engine.reference import Reference
from engine.registry.auth import repo_scope
from engine.registry.client import KNOWN_BLOBS, RegistryClient
from engine.registry.errors import RegistryError, describe
from engine.registry.upload import ABORT_WAIT, FileRange, SessionBroken, Spool, Uploader, UploadSession

MAX_MOUNT_CANDIDATES = 3


# options.compress -> what happens to layers: by default uncompressed ones get gzip (as skopeo's push)
_POLICIES = {None: CompressionPolicy(compression.GZIP), compression.GZIP: CompressionPolicy(compression.GZIP),
             compression.ZSTD: CompressionPolicy(compression.ZSTD), compression.NONE: CompressionPolicy(None)}
_FAMILIES = {None: (media.OCI, media.DOCKER), "oci": (media.OCI,), "v2s2": (media.DOCKER,)}


class RegistryDestination(Destination):
    accepts_index = True
    multi_image = False
    uploads = True
    config_any_time = True

    def __init__(self, client: RegistryClient, ref: Reference, options: TransferOptions, *,
                 tmpdir: str | None = None) -> None:
        self.compression = _POLICIES[options.compress]
        self.families = _FAMILIES[options.manifest_format]
        self.client = client
        self.ref = ref
        self.repo = ref.path
        self.where = f"{client.registry}/{self.repo}"
        self.description = f"docker://{ref}"
        self.peer = f"registry {client.registry}"  # what a stalled transfer waits for
        self.scopes = (repo_scope(self.repo, "pull", "push"),)
        self.uploader = Uploader(client, self.repo, self.where)
        self.tmpdir = tmpdir
        self._workers = max(2, options.parallel * 2)
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._sizes: dict[str, int] = {}
        self._manifests: dict[Digest, bytes] = {}
        self._top: bytes | None = None

    # -- blobs --------------------------------------------------------------------------------------------

    def has_blob(self, digest: Digest) -> bool:
        digest = Digest(digest)
        sources = KNOWN_BLOBS.candidates(digest, self.client.host, self.repo)[:MAX_MOUNT_CANDIDATES]
        if sources and self._mount(digest, sources[0]):
            return True
        if self._head(digest):
            return True
        return any(self._mount(digest, src) for src in sources[1:])

    def _head(self, digest: Digest) -> bool:
        resp = self.client.request("HEAD", self.client.url(f"/v2/{self.repo}/blobs/{digest}"),
                                   what=f"checking blob {digest[:19]}… in {self.where}", scopes=self.scopes)
        with resp:
            if resp.status_code == 200:
                try:
                    self._sizes[digest] = int(resp.headers.get("Content-Length", "-1"))
                except ValueError:
                    pass
                KNOWN_BLOBS.record(digest, self.client.host, self.repo)
                return True
            if resp.status_code != 404:
                raise RegistryError(f"checking blob {digest[:19]}… in {self.where}: {describe(resp)}")
        return False

    def _mount(self, digest: Digest, src: str) -> bool:
        """POST ?mount=&from=: 201 mounted; 202 not mounted (keep the session it opened for the next upload);
        anything else (Harbor answers 401 for an unknown source project) means upload normally."""
        url = self.client.url(f"/v2/{self.repo}/blobs/uploads/?mount={digest}&from={src}")
        try:
            resp = self.client.request("POST", url, what=f"mounting blob {digest[:19]}… from {src}",
                                       scopes=(*self.scopes, repo_scope(src, "pull")))
        except RegistryError:
            return False
        if resp.status_code == 201:
            resp.close()
            KNOWN_BLOBS.record(digest, self.client.host, self.repo)
            return True
        if resp.status_code == 202:
            try:
                self.uploader.add_spare(self.uploader.session_from(resp))
            except RegistryError:
                pass
            return False
        resp.close()
        return False

    def size_seen(self, digest: Digest) -> int:
        """The blob's size if a HEAD told it, -1 otherwise (no request)."""
        return self._sizes.get(digest, -1)

    def blob_size(self, digest: Digest) -> int:
        size = self._sizes.get(digest, -1)
        if size < 0 and self._head(Digest(digest)):  # found by a mount (its 201 has no size) or by the sync
            size = self._sizes.get(digest, -1)
        return size

    def put_blob_file(self, path: str, offset: int, size: int, digest: Digest, on_bytes: OnBytes = None) -> bool:
        data = FileRange(path, offset, size, on_bytes)
        try:
            self.uploader.upload(data, Digest(digest))
        finally:
            data.close()
        KNOWN_BLOBS.record(digest, self.client.host, self.repo)
        return True

    def blob_writer(self) -> StreamWriter:
        return StreamWriter(self)

    def _submit(self, fn, *args) -> Future:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(self._workers, thread_name_prefix="estiba-upload")
            return self._executor.submit(fn, *args)

    def _shutdown(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    # -- manifests ----------------------------------------------------------------------------------------

    def put_manifest(self, raw: bytes) -> None:
        self._manifests[sha256_digest(raw)] = raw

    def add_image(self, top: bytes, names: list[str], config: ImageConfig | None) -> None:
        self._top = top  # the tag comes from the reference, as with skopeo

    def commit(self) -> None:
        if self._top is None:
            raise InvalidInput(f"nothing to push to {self.where}")
        top_digest = sha256_digest(self._top)
        if self.ref.digest and self.ref.digest != top_digest:
            raise InvalidInput(f"cannot push to {self.ref}: the image's manifest digest is {top_digest[:19]}…, "
                               "not the one in the reference; push to a tag instead")
        for digest, raw in self._manifests.items():
            if digest != top_digest:
                self._put_manifest(raw, digest)
        self._put_manifest(self._top, self.ref.digest or self.ref.tag or "latest")
        self.uploader.close_all()
        self._shutdown()
        self.client.close()

    def _put_manifest(self, raw: bytes, target: str) -> None:
        media_type = parse(raw, "manifest to push").media_type
        what = f"pushing manifest {target[:19]} to {self.where}"
        resp = self.client.request("PUT", self.client.url(f"/v2/{self.repo}/manifests/{target}"), what=what,
                                   scopes=self.scopes, headers={"Content-Type": media_type}, body=raw)
        with resp:
            if resp.status_code not in (200, 201, 202):
                raise RegistryError(f"{what}: {describe(resp)}")
            got = resp.headers.get("Docker-Content-Digest")
            if got and got != sha256_digest(raw):
                raise RegistryError(f"{what}: the registry stored it as {got[:19]}…, not "
                                    f"{sha256_digest(raw)[:19]}…")

    def abort(self) -> None:
        self.uploader.close_all(aborting=True)
        self._shutdown()
        self.uploader.close_all(aborting=True)  # sessions a finishing chunk upload may have left
        self.client.close()


class StreamWriter:
    """A blob streamed by the pipeline. Bytes go to a spool (memory, then a temp file); every full chunk is
    PATCHed by a worker thread while the pipeline produces the next one. commit() sends the rest in the
    closing PUT, or restarts the blob from the spool if the session broke."""

    def __init__(self, dest: RegistryDestination) -> None:
        self._dest = dest
        self._up = dest.uploader
        self._spool = Spool(dest.tmpdir)
        self._sess: UploadSession | None = None
        self._sent = 0
        self._pending: Future | None = None
        self._broken: BaseException | None = None
        # The session is opened (POST) while the pipeline still reads the blob: one round trip less at commit.
        self._opening: Future | None = dest._submit(self._up.open_session)

    def _opened(self) -> UploadSession | None:
        """The session opened early, or None when opening it failed (upload() then opens one itself and reports
        what goes wrong)."""
        opening, self._opening = self._opening, None
        if opening is None:
            return None
        try:
            return opening.result()
        except (RegistryError, Cancelled):
            return None

    def write(self, data) -> int:
        n = self._spool.write(data)
        if self._broken is None and self._spool.size - self._sent > self._chunk():
            self._ship()
        return n

    def count_accepted(self, on_bytes: OnBytes) -> None:
        """Report through `on_bytes` each byte the registry has accepted (its answers to the PATCHes and the
        closing PUT), never a byte still waiting in the spool (engine/upload_count.py)."""
        self._spool.count_accepted(on_bytes)

    def _chunk(self) -> int:
        return self._up.chunk_size(self._sess)

    def _ship(self) -> None:
        self._wait()
        if self._broken is not None:
            return
        if self._sess is None:
            self._sess = self._opened() or self._up.open_session()
            if self._spool.size - self._sent <= self._chunk():
                return  # the registry wants bigger chunks (OCI-Chunk-Min-Length): wait for more bytes
        start, end = self._sent, self._sent + self._chunk()
        self._pending = self._dest._submit(self._up.send_range, self._sess, self._spool, start, end)
        self._sent = end

    def _wait(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            try:
                pending.result()
            except SessionBroken as exc:
                self._broken = exc

    def commit(self, digest: Digest, size: int) -> None:
        try:
            self._wait()
            if self._spool.size != size:
                raise InvalidInput(f"blob {digest[:19]}… is {self._spool.size} bytes, not {size}")
            if self._broken is not None and self._sess is not None:
                self._up.delete(self._sess)
                self._sess, self._sent = None, 0
            if self._sess is None and self._broken is None:
                self._sess = self._opened()
            self._up.upload(self._spool, Digest(digest), self._sess, self._sent)
            KNOWN_BLOBS.record(digest, self._dest.client.host, self._dest.repo)
        except BaseException:
            self.abort()
            raise
        self._spool.close()

    def abort(self) -> None:
        early = self._opened()
        if early is not None:
            self._up.delete(early)
        sess, self._sess = self._sess, None
        pending = self._pending
        if pending is not None and sess is not None:
            # Let an in-flight chunk finish (for a while): distribution 2.8 cannot even DELETE a session whose
            # PATCH was cut mid-body (404 "upload resumed at wrong offset", observed), leaving its data behind.
            done, _ = wait([pending], timeout=ABORT_WAIT)
            if not done:
                sess.closed = True  # cut it at its next block
        try:
            self._wait()
        except Exception:  # noqa: BLE001 - aborting: the chunk's own failure does not matter
            pass
        if sess is not None:
            self._up.delete(sess)
        self._spool.close()
