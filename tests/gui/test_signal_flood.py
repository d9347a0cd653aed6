"""Regression guard for PySide6 bugs measured in docs/gui-notes.md §0: 10,000+ cross-thread signal emits must not crash
the interpreter (6.12 on Python 3.11 did), and byte counts above 2 GiB must arrive intact."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal, Slot

from gui.jobs.runnable import JobSignals

COUNT = 12_000
BASE = 5 << 30  # 5 GiB: a 32-bit Signal(int) would deliver 1073741824


class Receiver(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.values: list[int] = []
        self.wide: list[int] = []

    @Slot(object)
    def on_progress(self, payload) -> None:
        self.values.append(payload[2])

    @Slot("qint64")
    def on_wide(self, value: int) -> None:
        self.wide.append(value)


class Wide(QObject):
    value = Signal("qint64")


def test_twelve_thousand_cross_thread_signals_arrive_intact(qtbot):
    receiver = Receiver()
    signals = JobSignals()  # the production signals class, made on the GUI thread
    wide = Wide()
    signals.progress.connect(receiver.on_progress)
    wide.value.connect(receiver.on_wide)

    def worker() -> None:
        for i in range(COUNT):
            signals.progress.emit((1, 1, BASE + i))
            wide.value.emit(BASE + i)

    thread = threading.Thread(target=worker)
    thread.start()
    qtbot.waitUntil(lambda: len(receiver.values) == COUNT and len(receiver.wide) == COUNT, timeout=60_000)
    thread.join()
    assert receiver.values == [BASE + i for i in range(COUNT)]
    assert receiver.wide == [BASE + i for i in range(COUNT)]


def test_a_flood_of_engine_events_reaches_the_gui_throttled(qtbot, window):
    """200,000 engine progress events from a worker become a few dozen GUI updates, all in order."""
    from engine.progress import Event
    from gui.jobs.specs import TransferSpec

    def work(progress):
        for i in range(200_000):
            progress.listener(Event("read", "sha256:" + "a" * 64, i + 1, 200_000))
        return []

    updates = []
    window.manager.job_changed.connect(lambda job: updates.append(job.progress.done))
    with qtbot.waitSignal(window.manager.job_finished, timeout=60_000):
        window.submit(TransferSpec("load", "Flood", "flood", work))
    assert updates[-1] == 200_000 and updates == sorted(updates)
    assert len(updates) < 200
