"""Layers of an engine's export compressed while the export is still streaming in.

podman sends nothing until it has written its whole export to a file of its own (docs/engines.md), so an
export to an oci-archive costs: the engine's wait, then the stream, then compressing every layer. Done in
turn, the last two add up; here they overlap. As each layer-like member of the export (`*.tar`) starts to
arrive in the spool (export_tee.py), a worker compresses it, following the spool's write position, into a
temporary file of its own next to the spool. When the copy pipeline later asks for that layer in that
compression (ExportedSource.compressed_file), the finished file is handed to the destination as is.

The bytes compressed are the spool's, the same ones the tee hashed as they arrived, so a compressed file is
offered only for a member whose digest the tee computed (the layer's diffID). The compressor is the
pipeline's own (compression.compressor, one thread, fed the pipeline's 1 MiB chunks), and the pipeline takes
the file only where it would compress with one thread itself: the output is the one it would write. Where a
machine has more cores than layers, the pipeline compresses each layer on several threads afterwards and
this guess was spent on cores that were idle. Guessing wrong (a destination that keeps the layers
uncompressed, a layer it already has) costs CPU time, never a wrong byte."""

from __future__ import annotations

import os
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from engine import compression
from engine.chunks import CHUNK
from engine.digest import Digest, HashingWriter
from engine.leftovers import hold, owner_tag
from engine.progress import CancelToken

MIN_SIZE = 1 << 20  # smaller layers compress in a moment anyway: not worth a temporary file


class _Stopped(Exception):
    """The export failed or the source closed before this layer was complete."""


class _FdWriter:
    def __init__(self, fd: int) -> None:
        self.fd = fd

    def write(self, data) -> int:
        view = memoryview(data)
        while view:
            n = os.write(self.fd, view)
            view = view[n:]
        return len(data)

    def flush(self) -> None:
        pass


class LayerCompressor:
    """Compresses members of the spool at `spool` (written by one ExportTee) to `kind`, in worker threads."""

    def __init__(self, spool: str, kind: str, tmpdir: str | None, cancel: CancelToken | None = None,
                 workers: int | None = None) -> None:
        self.kind = kind
        self._fd = os.open(spool, os.O_RDONLY | os.O_CLOEXEC)  # its own: the spool's writer closes its fd early
        self._tmpdir = tmpdir
        self._cancel = cancel
        self._cond = threading.Condition()
        self._written = 0  # where the tee's next byte goes: everything before it is in the spool
        self._stopped = False
        self._pool = ThreadPoolExecutor(workers or os.cpu_count() or 1, thread_name_prefix="estiba-precompress")
        self._jobs: dict[Digest, Future] = {}  # diffID -> its compression
        self._temps: set[str] = set()

    # -- the tee's side
    @staticmethod
    def wants(name: str, size: int) -> bool:
        return size >= MIN_SIZE and name.endswith(".tar")

    def start(self, offset: int, size: int) -> Future:
        return self._pool.submit(self._compress, offset, size)

    def advanced(self, end: int) -> None:
        with self._cond:
            self._written = end
            self._cond.notify_all()

    def finished(self, job: Future, digest: Digest) -> None:
        """The member of `job` hashed to `digest`: offer its compression under that digest (the first of it)."""
        with self._cond:
            if digest in self._jobs:
                job.cancel()
                job.add_done_callback(self._discard)
            else:
                self._jobs[digest] = job

    # -- the pipeline's side
    def compressed(self, diff_id: Digest, kind: str) -> tuple[str, Digest, int] | None:
        """(path, digest, size) of the layer `diff_id` compressed to `kind`, once done; None when there is none
        (not compressed here, another kind, or its compression failed: the pipeline then compresses it)."""
        with self._cond:
            job = self._jobs.get(diff_id) if kind == self.kind else None
        if job is None:
            return None
        try:
            return job.result()
        except Exception:  # noqa: BLE001 - a failed guess (no space for the temporary...): the normal path
            return None    # compresses the layer and reports its own errors

    def close(self) -> None:
        """Stop every compression and remove every temporary file (ones a destination linked stay linked)."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        for path in list(self._temps):
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
        self._temps.clear()

    # -- the workers
    def _discard(self, job: Future) -> None:
        if not job.cancelled() and job.exception() is None:
            path = job.result()[0]
            self._temps.discard(path)
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass

    def _wait_for(self, end: int) -> None:
        """Return once the spool holds every byte before `end`."""
        with self._cond:
            while self._written < end and not self._stopped:
                self._cond.wait(0.5)
                if self._cancel is not None and self._cancel.cancelled:
                    raise _Stopped
            if self._stopped:
                raise _Stopped

    def _create(self) -> tuple[int, str]:
        return tempfile.mkstemp(prefix=owner_tag() + "layer-", suffix=".gz", dir=self._tmpdir)

    def _compress(self, offset: int, size: int) -> tuple[str, Digest, int]:
        fd, path = self._create()
        self._temps.add(path)
        try:
            hold(fd)  # a sweep by another process leaves it alone while it is written (engine/leftovers.py)
            hashed = HashingWriter(_FdWriter(fd))
            comp = compression.compressor(hashed, self.kind, threads=1)
            pos, end = offset, offset + size
            while pos < end:
                # Whole CHUNKs, as the pipeline's copy_stream writes them: isal's output depends on how its
                # input is cut, and this must be the pipeline's output byte for byte.
                want = min(CHUNK, end - pos)
                self._wait_for(pos + want)
                data = os.pread(self._fd, want, pos)
                if len(data) != want:
                    raise _Stopped
                comp.write(data)
                pos += want
            comp.close()
            return path, hashed.digest(), hashed.count
        except BaseException:
            self._temps.discard(path)
            os.unlink(path)
            raise
        finally:
            os.close(fd)
