"""The transfer queue: a private QThreadPool runs up to N jobs at once; each job is one row in the dock.

Job states: queued -> running -> done | failed | cancelled. A row says Cancelled only when the worker
reports it (a queued job that never started is withdrawn from the pool at once, which is also true).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

from engine.errors import InvalidInput, NotFound
from engine.progress import CancelToken
from gui.jobs.errors import Failure
from gui.jobs.progress_state import EMPTY, ProgressSnapshot
from gui.jobs.runnable import JobRunnable, JobSignals
from gui.jobs.specs import TransferSpec

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
ACTIVE = (QUEUED, RUNNING)


@dataclass(eq=False)
class TransferJob:
    id: int
    spec: TransferSpec
    state: str = QUEUED
    progress: ProgressSnapshot = EMPTY
    failure: Failure | None = None
    result: object = None
    attempt: int = 0
    cancel_requested: bool = False
    queued_at: float = field(default_factory=time.monotonic)
    started_at: float | None = None
    finished_at: float | None = None
    token: CancelToken = field(default_factory=CancelToken)
    signals: JobSignals | None = None
    runnable: JobRunnable | None = None

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    @property
    def title(self) -> str:
        return self.spec.title


class TransferManager(QObject):
    job_added = Signal(object)  # TransferJob
    job_changed = Signal(object)  # TransferJob: state or progress
    job_finished = Signal(object)  # TransferJob in a final state
    job_rejected = Signal(object)  # (TransferJob, Failure): a dropped path that is not an image
    jobs_removed = Signal(object)  # list[TransferJob]
    overall_changed = Signal(object)  # (fraction or None, active count)
    duplicate = Signal(object)  # TransferJob already doing the same thing

    def __init__(self, parallel_jobs: int = 2, parent: QObject | None = None, progress_interval: float = 0.05) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max(1, parallel_jobs))
        self._ids = itertools.count(1)
        self._jobs: dict[int, TransferJob] = {}
        self._interval = progress_interval

    # -- queries ------------------------------------------------------------------------------------------------

    def jobs(self) -> list[TransferJob]:
        return list(self._jobs.values())

    def job(self, job_id: int) -> TransferJob | None:
        return self._jobs.get(job_id)

    def active_jobs(self) -> list[TransferJob]:
        return [j for j in self._jobs.values() if j.active]

    def set_parallel_jobs(self, count: int) -> None:
        self._pool.setMaxThreadCount(max(1, count))

    @property
    def parallel_jobs(self) -> int:
        return self._pool.maxThreadCount()

    # -- commands -----------------------------------------------------------------------------------------------

    def submit(self, spec: TransferSpec) -> TransferJob | None:
        """Queue a transfer; None (and `duplicate`) when the same transfer is already queued or running."""
        same = next((j for j in self._jobs.values() if j.active and j.spec.key == spec.key), None)
        if same is not None:
            self.duplicate.emit(same)
            return None
        job = TransferJob(next(self._ids), spec)
        self._jobs[job.id] = job
        self.job_added.emit(job)
        self._start(job)
        return job

    def cancel(self, job: TransferJob) -> None:
        if not job.active:
            return
        job.token.cancel()
        job.cancel_requested = True
        if job.state == QUEUED and job.runnable is not None and self._try_take(job.runnable):
            job.runnable = None
            self._finish(job, CANCELLED)  # it never started: nothing to undo
            return
        self.job_changed.emit(job)

    def cancel_all(self) -> None:
        for job in self.active_jobs():
            self.cancel(job)

    def retry(self, job: TransferJob) -> None:
        if job.state not in (FAILED, CANCELLED) or job.id not in self._jobs:
            return
        same = next((j for j in self._jobs.values() if j.active and j.spec.key == job.spec.key), None)
        if same is not None:
            self.duplicate.emit(same)
            return
        job.token = CancelToken()
        job.state, job.failure, job.result = QUEUED, None, None
        job.progress, job.cancel_requested = EMPTY, False
        job.queued_at, job.started_at, job.finished_at = time.monotonic(), None, None
        self.job_changed.emit(job)
        self._start(job)

    def clear_finished(self) -> list[TransferJob]:
        gone = [j for j in self._jobs.values() if not j.active]
        for job in gone:
            self._forget(job)
        if gone:
            self.jobs_removed.emit(gone)
        return gone

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Cancel everything and wait for the workers (on quit)."""
        self.cancel_all()
        self._pool.clear()
        return self._pool.waitForDone(timeout_ms)

    def wait(self, timeout_ms: int = -1) -> bool:
        return self._pool.waitForDone(timeout_ms)

    # -- internals ----------------------------------------------------------------------------------------------

    def _start(self, job: TransferJob) -> None:
        job.attempt += 1
        old = job.signals
        signals = JobSignals(self)  # made here, on the GUI thread (style.md §0.3)
        signals.started.connect(self._on_started)
        signals.progress.connect(self._on_progress)
        signals.finished.connect(self._on_finished)
        signals.failed.connect(self._on_failed)
        signals.cancelled.connect(self._on_cancelled)
        job.signals = signals
        if old is not None:
            old.deleteLater()
        job.runnable = JobRunnable(job.id, job.attempt, job.spec.work, signals, job.token, self._interval)
        self._pool.start(job.runnable)
        self._overall()

    def _try_take(self, runnable: JobRunnable) -> bool:
        try:
            return self._pool.tryTake(runnable)
        except RuntimeError:  # already run and deleted by the pool
            return False

    def _current(self, payload: tuple) -> TransferJob | None:
        job = self._jobs.get(payload[0])
        return job if job is not None and job.attempt == payload[1] else None

    def _forget(self, job: TransferJob) -> None:
        self._jobs.pop(job.id, None)
        if job.signals is not None:
            job.signals.deleteLater()
            job.signals = None

    def _finish(self, job: TransferJob, state: str) -> None:
        job.state = state
        job.finished_at = time.monotonic()
        job.runnable = None
        self.job_changed.emit(job)
        self.job_finished.emit(job)
        self._overall()

    def _overall(self) -> None:
        active = self.active_jobs()
        total = sum(j.progress.total for j in active)
        done = sum(j.progress.done for j in active)
        fraction = done / total if active and total > 0 else None
        self.overall_changed.emit((fraction, len(active)))

    @Slot(object)
    def _on_started(self, payload: tuple) -> None:
        job = self._current(payload)
        if job is None or not job.active:
            return
        job.state = RUNNING
        job.started_at = time.monotonic()
        self.job_changed.emit(job)
        self._overall()

    @Slot(object)
    def _on_progress(self, payload: tuple) -> None:
        job = self._current(payload)
        if job is None or not job.active:
            return
        snap: ProgressSnapshot = payload[2]
        if snap.sequence < job.progress.sequence:
            return
        job.progress = snap
        self.job_changed.emit(job)
        self._overall()

    @Slot(object)
    def _on_finished(self, payload: tuple) -> None:
        job = self._current(payload)
        if job is None or not job.active:
            return
        job.result = payload[2]
        self._finish(job, DONE)

    @Slot(object)
    def _on_failed(self, payload: tuple) -> None:
        job = self._current(payload)
        if job is None or not job.active:
            return
        failure: Failure = payload[2]
        job.failure = failure
        if job.spec.from_drop and job.attempt == 1 and job.progress.total == 0 and \
                failure.is_a(InvalidInput, NotFound):
            # A dropped file or folder that is not an image: say so, and leave no trace in the list.
            job.state = FAILED
            job.runnable = None
            self._forget(job)
            self.jobs_removed.emit([job])
            self.job_rejected.emit((job, failure))
            self._overall()
            return
        self._finish(job, FAILED)

    @Slot(object)
    def _on_cancelled(self, payload: tuple) -> None:
        job = self._current(payload)
        if job is None or not job.active:
            return
        self._finish(job, CANCELLED)
