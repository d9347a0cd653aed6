"""Blob uploads (docs/registry-protocol.md §1.5, pitfalls 3 and 11).

Small blobs: POST, then one PUT ?digest= with the whole body (2 requests). Larger ones: PATCH chunks with
Content-Range (at least OCI-Chunk-Min-Length), the last piece in the closing PUT. Offsets are tracked here, not
read from the registry's Range header (ECR's stops advancing). A failed chunk is resent when the session still
stands at its start (GET <location> tells); distribution 2.8 kills a session whose PATCH was cut mid-body
(observed: the next request gets 404 BLOB_UPLOAD_INVALID), so the fallback is restarting the blob from byte 0,
which needs replayable bytes: a file range (put_blob_file) or the writer's spool.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
import time
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from engine.digest import Digest
from engine.errors import Cancelled
from engine.progress import OnBytes
from engine.registry import inflight
from engine.registry.auth import repo_scope
from engine.registry.client import RETRY_STATUSES, RegistryClient, TransportError, retry_after
from engine.registry.errors import RegistryError, describe, read_error_body

SMALL_BLOB = 4 << 20  # up to this: one monolithic PUT, bytes kept in memory
CHUNK_SIZE = 16 << 20  # PATCH size above that (raised to the registry's OCI-Chunk-Min-Length)
# From a file the bytes are all there: fewer, bigger PATCHes cost the registry less (measured on the bench's
# 337 MB layer to distribution 2.8: 16 MiB chunks 1.99 s, one PATCH 1.83 s; skopeo sends one PATCH). Chunks
# grow to about CHUNK_SECONDS of transfer at the measured rate, up to FILE_CHUNK_SIZE: a cancel still lets
# the chunk in flight finish within ABORT_WAIT (a cut PATCH strands its session in distribution).
FILE_CHUNK_SIZE = 256 << 20
CHUNK_SECONDS = 1.0
SEND_BLOCK = 1 << 20
ABORT_WAIT = inflight.ABORT_WAIT  # seconds a body may go on after a cancel: a PATCH cut mid-body strands its session
_RANGE = re.compile(r"(?:bytes=)?(\d+)-(\d+)")


class BlobData(Protocol):
    size: int

    def pread(self, offset: int, n: int) -> bytes: ...


class FileRange:
    """Bytes [offset, offset+size) of a file. on_bytes hears of each byte once, when the registry has accepted
    it (the answer to its PATCH or PUT), not when it is queued in a socket buffer: a registry that dies stops
    the count (issue 10 item 1). A resent chunk or a restarted blob does not count twice."""

    def __init__(self, path: str, offset: int, size: int, on_bytes: OnBytes = None) -> None:
        self.fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        self.offset = offset
        self.size = size
        self._on_bytes = on_bytes
        self._high = 0
        # told as each block is taken by the socket: a body that moves is not "waiting" (progress.py)
        self.touch = getattr(on_bytes, "touch", None)

    def pread(self, offset: int, n: int) -> bytes:
        return os.pread(self.fd, n, self.offset + offset)

    def accepted(self, end: int) -> None:
        """The registry holds bytes [0, end)."""
        if self._on_bytes is not None and end > self._high:
            self._on_bytes(end - self._high)
            self._high = end

    def close(self) -> None:
        os.close(self.fd)


class Spool:
    """Everything written to a blob writer: in memory up to SMALL_BLOB, then in an unlinked temp file. It makes
    a streamed blob replayable (a broken upload session restarts from byte 0) without holding it in memory.
    Like FileRange, it tells `on_bytes` (count_accepted) of each byte once the registry has accepted it."""

    def __init__(self, tmpdir: str | None = None) -> None:
        self._tmpdir = tmpdir
        self._mem: bytearray | None = bytearray()
        self._file = None
        self.size = 0
        self._on_bytes: OnBytes = None
        self._high = 0
        self.touch = None

    def count_accepted(self, on_bytes: OnBytes) -> None:
        self._on_bytes = on_bytes
        self.touch = getattr(on_bytes, "touch", None)

    def accepted(self, end: int) -> None:
        """The registry holds bytes [0, end) (a resent chunk or a restarted blob does not count twice)."""
        if self._on_bytes is not None and end > self._high:
            self._on_bytes(end - self._high)
            self._high = end

    def write(self, data) -> int:
        n = len(data)
        if self._mem is not None and self.size + n <= SMALL_BLOB:
            self._mem += data
        else:
            if self._file is None:
                # closed by close(); unlinked at once, so nothing is left behind even on a crash
                self._file = tempfile.TemporaryFile(prefix="estiba-upload-", dir=self._tmpdir,  # noqa: SIM115
                                                    buffering=0)
                self._file.write(self._mem)
                self._mem = None
            view = memoryview(data)
            while view:
                view = view[self._file.write(view):]
        self.size += n
        return n

    def pread(self, offset: int, n: int) -> bytes:
        if self._mem is not None:
            return bytes(self._mem[offset:offset + n])
        return os.pread(self._file.fileno(), n, offset)

    def close(self) -> None:
        self._mem = None
        if self._file is not None:
            self._file.close()
            self._file = None


class SessionBroken(Exception):
    """The upload session cannot go on: restart the blob with a new one."""


@dataclass
class UploadSession:
    location: str
    min_chunk: int = 0
    offset: int = 0
    closed: bool = False


class _Body:
    """A request body of known length (requests sends Content-Length) read in 1 MiB blocks. It stops when the
    session is closed (abort), and ABORT_WAIT seconds after a cancel: finishing the request is better, since
    distribution cannot even DELETE a session whose PATCH was cut mid-body."""

    def __init__(self, data: BlobData, start: int, end: int, sess: UploadSession, cancel) -> None:
        self.data, self.start, self.end, self.sess, self.cancel = data, start, end, sess, cancel

    def __len__(self) -> int:
        return self.end - self.start

    def __iter__(self):
        pos, cancelled_at = self.start, None
        while pos < self.end:
            if self.sess.closed:
                raise SessionBroken("the upload was aborted")
            if self.cancel is not None and self.cancel.cancelled:
                cancelled_at = cancelled_at or time.monotonic()
                if time.monotonic() - cancelled_at > ABORT_WAIT:
                    raise Cancelled()
            block = self.data.pread(pos, min(SEND_BLOCK, self.end - pos))
            if not block:
                raise OSError("the data to upload ended early")
            pos += len(block)
            yield block
            inflight.moved()  # sent: a cancel's watcher (inflight.py) lets a moving chunk finish
            touch = getattr(self.data, "touch", None)
            if touch is not None:
                touch()


def with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


class Uploader:
    """Upload sessions of one repository; tracks the open ones so abort() can DELETE them."""

    def __init__(self, client: RegistryClient, repo: str, where: str) -> None:
        self.client = client
        self.repo = repo
        self.where = where
        self.scopes = (repo_scope(repo, "pull", "push"),)
        self._open: dict[int, UploadSession] = {}
        self._spares: list[UploadSession] = []
        self._lock = threading.Lock()
        self.aborted = False

    # -- sessions -----------------------------------------------------------------------------------------

    def open_session(self) -> UploadSession:
        with self._lock:
            if self._spares:
                return self._spares.pop()
        resp = self.client.request("POST", self.client.url(f"/v2/{self.repo}/blobs/uploads/"),
                                   what=f"starting an upload to {self.where}", scopes=self.scopes)
        return self.session_from(resp)

    def session_from(self, resp) -> UploadSession:
        with resp:
            if resp.status_code != 202 or not resp.headers.get("Location"):
                raise RegistryError(f"starting an upload to {self.where}: {describe(resp)}")
            try:
                min_chunk = int(resp.headers.get("OCI-Chunk-Min-Length", "0"))
            except ValueError:
                min_chunk = 0
        sess = UploadSession(urljoin(resp.url, resp.headers["Location"]), max(0, min_chunk))
        with self._lock:
            self._open[id(sess)] = sess
        return sess

    def add_spare(self, sess: UploadSession) -> None:
        """An unused session (from a mount that did not happen) for the next upload."""
        with self._lock:
            if not self._spares:
                self._spares.append(sess)
                return
        self.delete(sess)

    def delete(self, sess: UploadSession) -> None:
        """Abandon a session (DELETE; errors ignored: the registry expires sessions anyway)."""
        sess.closed = True
        with self._lock:
            self._open.pop(id(sess), None)
        try:
            self.client.request("DELETE", sess.location, what=f"cancelling an upload to {self.where}",
                                scopes=self.scopes, retry=False).close()
        except (RegistryError, Cancelled):
            pass

    def close_all(self, aborting: bool = False) -> None:
        self.aborted = self.aborted or aborting
        with self._lock:
            sessions = list(self._open.values())
            self._spares.clear()
        for sess in sessions:
            self.delete(sess)

    def _done(self, sess: UploadSession) -> None:
        sess.closed = True
        with self._lock:
            self._open.pop(id(sess), None)

    # -- blobs --------------------------------------------------------------------------------------------

    def chunk_size(self, sess: UploadSession | None) -> int:
        """PATCH size: ours, or the registry's OCI-Chunk-Min-Length when larger (ECR wants >= 5 MiB)."""
        return max(CHUNK_SIZE, sess.min_chunk if sess is not None else 0)

    def upload(self, data: BlobData, digest: Digest, sess: UploadSession | None = None, start: int = 0) -> None:
        """The whole blob (or its rest from `start` on an open session); restarts from byte 0 with a new session
        when the session breaks."""
        failure: BaseException | None = None
        for attempt in range(self.client.retry_times + 1):
            if attempt:
                if self.exists(digest):
                    return  # the answer to a PUT that worked was lost
                self.client.wait_before_retry(attempt - 1)
            if sess is None:
                sess, start = self.open_session(), 0
            try:
                pos = start
                step = self.chunk_size(sess)
                while data.size - pos > step and data.size > SMALL_BLOB:
                    began = time.monotonic()
                    self.send_range(sess, data, pos, pos + step)
                    pos += step
                    if isinstance(data, FileRange):
                        rate = step / max(time.monotonic() - began, 1e-3)
                        step = int(min(max(rate * CHUNK_SECONDS, self.chunk_size(sess)), FILE_CHUNK_SIZE))
                self.send_range(sess, data, pos, data.size, digest)
                return
            except SessionBroken as exc:
                failure = exc
                if not sess.closed:
                    self.delete(sess)
                sess = None
                if self.aborted:
                    break
        raise RegistryError(f"uploading blob {digest[:19]}… to {self.where} failed after "
                            f"{self.client.retry_times + 1} attempts: {failure}")

    def send_range(self, sess: UploadSession, data: BlobData, start: int, end: int,
                   digest: Digest | None = None) -> None:
        """PATCH bytes [start, end), or with `digest` the closing PUT carrying them. Raises SessionBroken when
        the session cannot continue."""
        final = digest is not None
        what = f"uploading blob {digest[:19]}… to {self.where}" if final else f"uploading to {self.where}"
        headers = {"Content-Type": "application/octet-stream"}
        if end > start:
            headers["Content-Range"] = f"{start}-{end - 1}"
        cancel = self.client.cancel
        for attempt in range(self.client.retry_times + 1):
            if sess.closed:
                raise SessionBroken("the upload was aborted")
            if cancel is not None and cancel.cancelled:
                raise Cancelled()  # between requests: the session stays clean and can be DELETEd
            url = with_query(sess.location, digest=digest) if final else sess.location
            body = (lambda: _Body(data, start, end, sess, cancel)) if end > start else None
            try:
                resp = self.client.request("PUT" if final else "PATCH", url, what=what, scopes=self.scopes,
                                           headers=headers, body=body, retry=False)
            except TransportError as exc:
                reason, wait = str(exc), None
            else:
                ok = resp.status_code == 201 if final else resp.status_code in (201, 202, 204)
                if ok:
                    self._advanced(sess, resp, end, digest)
                    accepted = getattr(data, "accepted", None)
                    if accepted is not None:
                        accepted(end)
                    return
                body_text = read_error_body(resp)
                reason, wait = describe(resp, body_text), retry_after(resp)
                resp.close()
                if resp.status_code not in RETRY_STATUSES:
                    raise SessionBroken(reason)  # DIGEST_INVALID, BLOB_UPLOAD_INVALID/UNKNOWN: session gone
            if sess.closed:
                raise SessionBroken("the upload was aborted")
            if attempt == self.client.retry_times:
                break
            self.client.wait_before_retry(attempt, wait)
            if final and self.exists(digest):
                self._done(sess)
                return
            if self.status(sess) != start:
                raise SessionBroken(f"{reason}; the registry lost part of the upload session")
        raise SessionBroken(reason)

    def _advanced(self, sess: UploadSession, resp, end: int, digest: Digest | None) -> None:
        with resp:
            if digest is not None:
                got = resp.headers.get("Docker-Content-Digest")
                if got and got != digest:
                    raise RegistryError(f"uploading blob {digest[:19]}… to {self.where}: the registry stored "
                                        f"{got[:19]}… instead")
                self._done(sess)
                return
            if resp.headers.get("Location"):
                sess.location = urljoin(resp.url, resp.headers["Location"])
        sess.offset = end  # tracked here: some registries' Range header stops advancing

    def status(self, sess: UploadSession) -> int | None:
        """How many bytes the session holds (GET <location>), or None when it is gone."""
        try:
            resp = self.client.request("GET", sess.location, what=f"checking an upload to {self.where}",
                                       scopes=self.scopes)
        except RegistryError:
            return None
        with resp:
            if resp.status_code not in (200, 204):
                return None
            if resp.headers.get("Location"):
                sess.location = urljoin(resp.url, resp.headers["Location"])
            m = _RANGE.fullmatch(resp.headers.get("Range", "").strip())
        if not m:
            return None
        first, last = int(m.group(1)), int(m.group(2))
        return 0 if (first, last) == (0, 0) else last + 1  # "0-0" also means empty (spec ambiguity)

    def exists(self, digest: Digest) -> bool:
        resp = self.client.request("HEAD", self.client.url(f"/v2/{self.repo}/blobs/{digest}"),
                                   what=f"checking blob {digest[:19]}… in {self.where}", scopes=self.scopes)
        with resp:
            return resp.status_code == 200
