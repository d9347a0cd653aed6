"""The UI thread never blocks: a 10 ms QTimer's worst lateness stays under 100 ms while a 200 MB load runs
(docs/gui-notes.md §6.7), with the transfers dock painting its bars and the table refreshing at the end."""

from __future__ import annotations

import threading

from PySide6.QtCore import QElapsedTimer, QTimer

INTERVAL_MS = 10


def runqueue_wait_ms() -> float:
    """How long this thread has waited for a CPU so far (Linux schedstat), to explain a failure."""
    try:
        with open(f"/proc/self/task/{threading.get_native_id()}/schedstat") as f:
            return int(f.read().split()[1]) / 1e6
    except (OSError, IndexError, ValueError):
        return 0.0


class LatenessProbe:
    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.timer = QTimer()
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.tick)
        self.samples: list[tuple[int, float]] = []  # (lateness ms, CPU wait during that interval ms)
        self.last = 0
        self.last_wait = 0.0

    def start(self) -> None:
        self.clock.start()
        self.last, self.last_wait = 0, runqueue_wait_ms()
        self.timer.start()

    def tick(self) -> None:
        now, wait = self.clock.elapsed(), runqueue_wait_ms()
        self.samples.append((now - self.last - INTERVAL_MS, wait - self.last_wait))
        self.last, self.last_wait = now, wait

    def stop(self) -> None:
        self.timer.stop()


def test_ui_timer_stays_under_100ms_late_while_a_200mb_load_runs(qtbot, window, big_archives):
    path, image_id, total = big_archives["medium"]
    assert total >= 200 << 20
    window.dock.view.expandAll()
    probe = LatenessProbe()
    probe.start()
    with qtbot.waitSignal(window.images_refreshed, timeout=60_000,
                          check_params_cb=lambda records: any(r.hex == image_id for r in records)):
        [job] = window.load_paths([str(path)])
    probe.stop()
    assert job.state == "done"
    assert len(probe.samples) >= 10  # the probe really ran during the load
    # Time the UI thread spent runnable but without a CPU (another process had it: a loaded machine, as when
    # tests run beside other work) is not the app's doing; time it spent blocked (on the GIL, on I/O, in a slot)
    # is. So the bound is on lateness minus that wait.
    blocked, worst, cpu_wait = max((late - wait, late, wait) for late, wait in probe.samples)
    assert blocked < 100, (f"the UI thread was late by {worst + INTERVAL_MS} ms, of which only {cpu_wait:.0f} ms "
                           "were spent waiting for a CPU: it was blocked")
