"""The transfers dock against the real engine: progress advances, cancel really stops and leaves nothing,
failures stay on their row, retry, the queue, duplicates, clear finished, the window title."""

from __future__ import annotations

import os
import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from gui.models.transfers_model import COL_PROGRESS, COL_STATE, ProgressRole
from tests.gui.helpers import small_image, write_docker_archive


def store_contents(root: str) -> dict[str, list[str]]:
    return {name: sorted(os.listdir(os.path.join(root, *name.split("/")))) for name in ("blobs/sha256", "tmp")}


def test_progress_bars_advance_during_a_load(qtbot, window, big_archives):
    path, image_id, total = big_archives["medium"]
    seen, titles = [], []
    window.manager.job_changed.connect(lambda j: seen.append((j.state, j.progress.done)))
    window.windowTitleChanged.connect(titles.append)
    bar_values = []

    def on_change(job):
        value = window.dock.model.index_of(job, COL_PROGRESS).data(ProgressRole)
        if value is not None and job.state == "running":
            bar_values.append(value[0])

    window.manager.job_changed.connect(on_change)
    with qtbot.waitSignal(window.manager.job_finished, timeout=30_000) as finished:
        [job] = window.load_paths([str(path)])
    assert finished.args[0].state == "done", job.failure
    running = [done for state, done in seen if state == "running"]
    assert len(set(running)) >= 3 and running == sorted(running)  # several distinct, increasing values
    assert len(set(bar_values)) >= 3  # what the painted bar reads, not only the job object
    assert job.progress.done == job.progress.total >= total
    assert any("%" in t for t in titles) and window.windowTitle() == "Estiba"  # overall progress in the title
    # Per-layer bars: one child row per layer, all complete.
    parent = window.dock.model.index_of(job)
    window.dock.view.expand(parent)
    layers = [window.dock.model.index(r, COL_PROGRESS, parent).data(ProgressRole)
              for r in range(window.dock.model.rowCount(parent))]
    assert len(layers) == 4 and all(d == t > 50 << 20 for d, t, _ in layers)
    qtbot.waitUntil(lambda: any(r.hex == image_id for r in window.model.records()), timeout=10_000)


def test_cancel_mid_transfer_stops_within_a_second_and_leaves_the_store_unchanged(qtbot, window, big_archives,
                                                                                 store_root):
    path, _image_id, total = big_archives["large"]
    before = store_contents(store_root)
    [job] = window.load_paths([str(path)])
    qtbot.waitUntil(lambda: job.state == "running" and job.progress.done > 0, timeout=20_000)
    assert job.progress.done < total
    clicked = time.monotonic()
    with qtbot.waitSignal(window.manager.job_finished, timeout=5_000):
        qtbot.mouseClick(window.dock.view.viewport(), Qt.MouseButton.LeftButton,
                         pos=window.dock.action_button_pos(job))
    assert time.monotonic() - clicked < 1.0
    assert job.state == "cancelled"
    assert window.dock.model.index_of(job, COL_STATE).data() == "Cancelled"
    assert store_contents(store_root) == before  # no blob, no staging left
    window.refresh()
    qtbot.waitUntil(lambda: not window._refreshing)
    assert window.model.records() == []


def test_a_failed_load_keeps_its_row_with_the_engine_message_then_retry_succeeds(qtbot, window, tmp_path):
    archive = tmp_path / "later.tar"
    with qtbot.waitSignal(window.manager.job_finished, timeout=10_000):
        [job] = window.load_paths([str(archive)])
    assert job.state == "failed"
    state = window.dock.model.index_of(job, COL_STATE).data()
    assert state == f"Failed: {archive}: no such file or directory"
    assert QApplication.activeModalWidget() is None  # no modal error box
    window.dock.select_job(job)
    window.dock.details_button.click()
    assert "no such file or directory" in window.dock.details.toPlainText()

    write_docker_archive(archive, [(small_image("later"), ["later:1"])])
    with qtbot.waitSignal(window.manager.job_finished, timeout=10_000):
        qtbot.mouseClick(window.dock.view.viewport(), Qt.MouseButton.LeftButton,
                         pos=window.dock.action_button_pos(job))
    assert job.state == "done" and job.attempt == 2
    assert len(window.manager.jobs()) == 1  # the same row, retried


def test_queue_respects_parallel_jobs_and_a_queued_job_cancels_at_once(qtbot, make_window, gui_settings,
                                                                       big_archives, tmp_path):
    gui_settings.parallel_jobs = 1
    window = make_window()
    write_docker_archive(tmp_path / "small.tar", [(small_image("small"), ["small:1"])])
    first, second = window.load_paths([str(big_archives["large"][0]), str(tmp_path / "small.tar")])
    qtbot.waitUntil(lambda: first.state == "running", timeout=10_000)
    assert second.state == "queued"
    window.manager.cancel(second)
    assert second.state == "cancelled"  # withdrawn from the queue: it never started
    with qtbot.waitSignal(window.manager.job_finished, timeout=5_000):
        window.manager.cancel(first)
    assert first.state == "cancelled"


def test_the_same_transfer_cannot_run_twice(qtbot, window, big_archives):
    path = str(big_archives["large"][0])
    [job] = window.load_paths([path])
    assert window.load_paths([path]) == []
    assert "Already in progress" in window.status.text()
    with qtbot.waitSignal(window.manager.job_finished, timeout=5_000):
        window.manager.cancel(job)


def test_clear_finished_removes_finished_rows_only(qtbot, window, tmp_path, big_archives):
    write_docker_archive(tmp_path / "a.tar", [(small_image("a"), ["a:1"])])
    with qtbot.waitSignal(window.manager.job_finished, timeout=10_000):
        window.load_paths([str(tmp_path / "a.tar")])
    [running] = window.load_paths([str(big_archives["large"][0])])
    assert window.dock.model.rowCount() == 2
    window.dock.clear_button.click()
    assert window.dock.model.jobs() == [running]
    with qtbot.waitSignal(window.manager.job_finished, timeout=5_000):
        window.manager.cancel(running)
