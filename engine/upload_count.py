"""Progress of a layer streamed to a destination that uploads (a registry) through its blob writer.

The pipeline reads the source and hands the bytes (compressed on the way, perhaps) to the writer, which keeps up
to a chunk (16 MiB, engine/registry/upload.py) before it sends it and waits for the registry's answer. Counting
the reads would run that far ahead of the registry, and on when it dies (issue 10: "progress counts bytes the
other side has taken, never bytes queued in a buffer"). So the writer reports what the registry acknowledged
(`count_accepted`, its 202/201 answers) and that is the count; reads only check for a cancel. When the layer is
converted on the way its final size is not known until the end: the total is estimated from the compression
so far (bytes handed to the writer per byte read), and becomes the real size when the layer is done.
"""

from __future__ import annotations

from engine.contract import BlobWriter
from engine.progress import Progress


class AcceptedBytes:
    def __init__(self, progress: Progress, label: str, size: int) -> None:
        self._progress, self._label, self._size = progress, label, size
        self._reads = None  # counting the reads: a writer that cannot tell what was accepted
        self._attached = False
        self.read = 0
        self.written = 0

    def on_read(self, n: int) -> None:
        """The reader's callback: checks for a cancel; counts only when the writer cannot. Reading moves the
        layer on (it is not "waiting" for the registry while the next chunk is being compressed)."""
        self.read += n
        if self._reads is not None:
            self._reads(n)
            return
        self._progress.cancel.check()
        if self._attached:
            self._progress.touch(self._label)

    def attach(self, writer: BlobWriter) -> BlobWriter:
        """The writer to use: counts what goes in; told to report what its registry accepted."""
        count = getattr(writer, "count_accepted", None)
        if count is None:  # count the reads, as for any other destination
            self._reads = self._progress.counter(self._label, self._size)
            if self.read:
                self._reads(self.read)
            return writer
        self._attached = True
        count(self._progress.counter(self._label, self._size, check_cancel=False, total_of=self._total))
        return _Counting(writer, self)

    def done_size(self, out_size: int) -> int:
        """The total to report when the layer is done: what was sent, when that is what was counted."""
        return out_size if self._attached else self._size

    def _total(self) -> int:
        if not self.read or not self.written or self._size < 0:
            return self._size
        return max(self.written, round(self._size * self.written / self.read))


class _Counting:
    def __init__(self, inner: BlobWriter, counted: AcceptedBytes) -> None:
        self._inner, self._counted = inner, counted

    def write(self, data) -> int:
        n = self._inner.write(data)
        self._counted.written += n
        return n

    def commit(self, digest, size: int) -> None:
        self._inner.commit(digest, size)

    def abort(self) -> None:
        self._inner.abort()
