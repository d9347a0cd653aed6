"""Progress of one transfer, gathered on worker threads and handed out as immutable snapshots: the one
aggregation that both the terminal (cli/progress.py) and the GUI (gui/jobs/progress_state.py) read.

The engine calls the aggregator from several layer threads at once. It keeps the latest state per blob
and emits at most one snapshot per `interval` (20 a second), so a GUI thread is never flooded
(docs/gui-notes.md §0.4). The last state is always delivered by `flush()`.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from engine import progress as ev

RUNNING, DONE, SKIPPED = "running", "done", "skipped"
SPEED_WINDOW = 3.0  # seconds of history behind the speed figure


@dataclass(frozen=True)
class BlobProgress:
    blob: str
    done: int
    total: int  # -1 when unknown
    state: str
    phase: str = ""  # a phase that is not a blob's copy (engine/progress.py DECOMPRESSING, READING)


@dataclass(frozen=True)
class ProgressSnapshot:
    done: int
    total: int
    speed: float  # bytes per second moved recently (blobs already present do not count)
    eta: float | None  # seconds left, when it can be told
    blobs: tuple[BlobProgress, ...]
    message: str = ""
    sequence: int = 0
    waiting: str = ""  # the peer a stalled blob waits for (engine WAITING events): shown instead of a speed

    @property
    def fraction(self) -> float | None:
        return min(1.0, self.done / self.total) if self.total > 0 else None


EMPTY = ProgressSnapshot(0, 0, 0.0, None, ())


class ProgressAggregator:
    """The engine's progress listener: `Progress(ProgressAggregator(emit), token)`."""

    def __init__(self, emit: Callable[[ProgressSnapshot], None], interval: float = 0.05,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._emit = emit
        self._interval = interval
        self._clock = clock
        self._lock = threading.Lock()
        self._blobs: dict[str, list] = {}  # blob -> [done, total, state, phase]
        self._moved = 0
        self._samples: deque[tuple[float, int]] = deque()
        self._last_emit = float("-inf")
        self._message = ""
        self._waiting: dict[str, str] = {}  # blob -> what it waits for, until it moves again
        self._sequence = 0
        self._dirty = False

    def __call__(self, event: ev.Event) -> None:
        with self._lock:
            self._apply(event)
            self._dirty = True
            now = self._clock()
            if now - self._last_emit >= self._interval:
                self._send(now)

    def flush(self) -> None:
        """Deliver the latest state now (at the end of a job), if anything changed since the last one."""
        with self._lock:
            if self._dirty:
                self._send(self._clock())

    def snapshot(self) -> ProgressSnapshot:
        with self._lock:
            return self._snapshot(self._clock())

    # -- under the lock ---------------------------------------------------------------------------------------

    def _apply(self, event: ev.Event) -> None:
        if event.kind == ev.MESSAGE:
            self._message = event.text
            return
        if event.kind == ev.WAITING:
            self._waiting[event.blob] = event.text
            return
        state = self._blobs.get(event.blob)
        if event.kind != ev.READ or state is None or event.offset > state[0]:
            self._waiting.pop(event.blob, None)
        if state is None:
            state = self._blobs[event.blob] = [0, event.total, RUNNING, ""]
        if event.kind == ev.NEW and event.text:
            state[3] = event.text
        if event.total >= 0:
            state[1] = event.total
        if event.kind == ev.SKIPPED:
            state[0], state[2] = max(state[1], 0), SKIPPED
            return
        offset = event.offset if event.kind != ev.DONE else max(event.total, event.offset, state[0])
        if offset > state[0]:
            self._moved += offset - state[0]
        state[0] = offset  # may go back when the engine re-reads a blob from its start
        if event.kind == ev.DONE:
            state[2] = DONE
            if state[1] < 0:
                state[1] = offset
        elif event.kind == ev.NEW:
            state[2] = RUNNING

    def _send(self, now: float) -> None:
        self._last_emit = now
        self._dirty = False
        self._emit(self._snapshot(now))  # under the lock: snapshots arrive in order

    def _snapshot(self, now: float) -> ProgressSnapshot:
        self._samples.append((now, self._moved))
        while len(self._samples) > 2 and now - self._samples[0][0] > SPEED_WINDOW:
            self._samples.popleft()
        t0, moved0 = self._samples[0]
        speed = (self._moved - moved0) / (now - t0) if now - t0 >= 0.2 else 0.0
        done = sum(min(d, t) if t >= 0 else d for d, t, _, _ in self._blobs.values())
        total = sum(max(t, d) for d, t, _, _ in self._blobs.values())
        waiting = next(iter(self._waiting.values()), "")
        if waiting:
            speed = 0.0  # no made-up speed while nothing moves
        eta = (total - done) / speed if speed > 0 and total >= done else None
        blobs = tuple(BlobProgress(b, d, t, s, p) for b, (d, t, s, p) in self._blobs.items())
        self._sequence += 1
        return ProgressSnapshot(done, total, speed, eta, blobs, self._message, self._sequence, waiting)
