"""One transfer attempt as a QRunnable, reporting through a signals object made on the GUI thread.

Rules from docs/gui-notes.md §0 that this module follows: the signals QObject is created by the caller on the GUI
thread (never in `run()`), payloads are `Signal(object)` (byte counts do not fit a 32-bit int), and
progress goes through the throttling ProgressAggregator.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, Signal

from engine.errors import Cancelled, EstibaError
from engine.progress import CancelToken, Progress
from gui.jobs.errors import describe
from gui.jobs.progress_state import ProgressAggregator

Work = Callable[[Progress], object]
WORKER_NICE = 10


class JobSignals(QObject):
    """Every payload starts with (job id, attempt) so a slot can drop news of a superseded attempt."""

    started = Signal(object)  # (id, attempt)
    progress = Signal(object)  # (id, attempt, ProgressSnapshot)
    finished = Signal(object)  # (id, attempt, result)
    failed = Signal(object)  # (id, attempt, Failure)
    cancelled = Signal(object)  # (id, attempt)


def lower_thread_priority(nice: int = WORKER_NICE) -> None:
    """Run this worker (and the layer threads the engine starts from it, which inherit the value on Linux)
    below the GUI thread, so hashing and copying on every core never starve the event loop."""
    if not hasattr(os, "setpriority"):
        return
    try:
        tid = threading.get_native_id()
        if os.getpriority(os.PRIO_PROCESS, tid) < nice:
            os.setpriority(os.PRIO_PROCESS, tid, nice)
    except OSError:
        pass


class JobRunnable(QRunnable):
    def __init__(self, job_id: int, attempt: int, work: Work, signals: JobSignals, token: CancelToken,
                 interval: float = 0.05) -> None:
        super().__init__()
        self.job_id = job_id
        self.attempt = attempt
        self.work = work
        self.signals = signals
        self.token = token
        self.interval = interval

    def run(self) -> None:  # on a pool thread
        lower_thread_priority()
        key = (self.job_id, self.attempt)
        signals = self.signals
        if self.token.cancelled:
            signals.cancelled.emit(key)
            return
        signals.started.emit(key)
        aggregator = ProgressAggregator(lambda snap: signals.progress.emit((*key, snap)), self.interval)
        try:
            result = self.work(Progress(aggregator, self.token))
        except BaseException as exc:  # noqa: BLE001 - every failure becomes a row message, never a crash
            aggregator.flush()
            # Cancelled only when somebody cancelled: the engine also stops a job's other layers when one fails
            # (token.stop()), and that failure is what the row must say (issue 10 item 1).
            if self.token.requested and isinstance(exc, Cancelled | EstibaError | OSError):
                signals.cancelled.emit(key)  # an error caused by stopping half-way is still a cancel
            else:
                signals.failed.emit((*key, describe(exc)))
        else:
            aggregator.flush()
            signals.finished.emit((*key, result))
