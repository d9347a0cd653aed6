"""Small background tasks (refresh the image list, tag, remove, log in, read the keyring...).

`runner.run(func, on_done, on_error)` calls `func()` on a worker thread. The result comes back through
one signals object made on the GUI thread and connected to a slot of the runner (a GUI-thread QObject),
so the callbacks always run on the GUI thread, whatever they are (docs/gui-notes.md §0.3).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from gui.jobs.errors import Failure, describe


class _TaskSignals(QObject):
    done = Signal(object)  # (task id, ok, value or Failure)


class _Task(QRunnable):
    def __init__(self, task_id: int, func: Callable[[], object], signals: _TaskSignals) -> None:
        super().__init__()
        self.task_id = task_id
        self.func = func
        self.signals = signals

    def run(self) -> None:
        try:
            value = self.func()
        except BaseException as exc:  # noqa: BLE001 - reported to the caller as a Failure
            self.signals.done.emit((self.task_id, False, describe(exc)))
        else:
            self.signals.done.emit((self.task_id, True, value))


class TaskRunner(QObject):
    finished_all = Signal()

    def __init__(self, parent: QObject | None = None, threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._signals = _TaskSignals(self)
        self._signals.done.connect(self._on_done)
        self._ids = itertools.count(1)
        self._pending: dict[int, tuple[Callable | None, Callable | None]] = {}

    def run(self, func: Callable[[], object], on_done: Callable[[object], None] | None = None,
            on_error: Callable[[Failure], None] | None = None) -> int:
        task_id = next(self._ids)
        self._pending[task_id] = (on_done, on_error)
        self._pool.start(_Task(task_id, func, self._signals))
        return task_id

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    @Slot(object)
    def _on_done(self, payload: tuple[int, bool, object]) -> None:
        task_id, ok, value = payload
        on_done, on_error = self._pending.pop(task_id, (None, None))
        if ok and on_done is not None:
            on_done(value)
        elif not ok and on_error is not None:
            on_error(value)  # type: ignore[arg-type]
        if not self._pending:
            self.finished_all.emit()

    def shutdown(self, timeout_ms: int = 5000) -> None:
        self._pool.clear()
        self._pool.waitForDone(timeout_ms)
        self._pending.clear()
