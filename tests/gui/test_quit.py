"""Quitting with a transfer running (Ctrl+Q, or closing the window): the window asks first; yes cancels the
transfers cleanly and closes once they have ended, no keeps everything running. A real 1 GB load."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest

from gui.dialogs import confirm
from tests.gui.test_transfers import store_contents


def press_quit(qtbot, window) -> None:
    window.activateWindow()
    qtbot.waitActive(window)
    window.table.setFocus()
    QTest.keySequence(window, QKeySequence("Ctrl+Q"))


def start_big_load(qtbot, window, big_archives):
    path, _image_id, total = big_archives["large"]
    [job] = window.load_paths([str(path)])
    qtbot.waitUntil(lambda: job.state == "running" and job.progress.done > 0, timeout=20_000)
    assert job.progress.done < total
    return job


def test_ctrl_q_during_a_transfer_asks_then_cancels_it_and_waits_for_it_to_end(qtbot, window, big_archives,
                                                                               store_root, monkeypatch):
    assert window.actions.quit.shortcut() == QKeySequence("Ctrl+Q")
    before = store_contents(store_root)
    job = start_big_load(qtbot, window, big_archives)
    asked = []
    monkeypatch.setattr(confirm, "confirm", lambda parent, title, text, ok: asked.append(text) or True)
    press_quit(qtbot, window)
    assert len(asked) == 1 and "still running" in asked[0] and job.title in asked[0]
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5_000)
    assert job.state == "cancelled"  # cancelled, not abandoned: its worker ended before the window closed
    assert window.manager.wait(0)
    assert store_contents(store_root) == before  # nothing half-loaded left in the store


def test_answering_no_keeps_the_window_and_the_transfer(qtbot, window, big_archives, monkeypatch):
    job = start_big_load(qtbot, window, big_archives)
    monkeypatch.setattr(confirm, "confirm", lambda *a: False)
    press_quit(qtbot, window)
    assert window.isVisible()
    assert job.state == "running" and not job.cancel_requested
    done = job.progress.done
    qtbot.waitUntil(lambda: job.progress.done > done, timeout=10_000)  # it goes on
    assert job.state == "running"


def test_closing_the_window_asks_as_well(qtbot, window, big_archives, monkeypatch):
    job = start_big_load(qtbot, window, big_archives)
    asked = []
    monkeypatch.setattr(confirm, "confirm", lambda *a: asked.append(a) or True)
    window.close()
    assert asked and window.isVisible()  # it closes once the transfer has ended
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5_000)
    assert job.state == "cancelled"


def test_quitting_with_nothing_running_asks_nothing(qtbot, window, monkeypatch):
    asked = []
    monkeypatch.setattr(confirm, "confirm", lambda *a: asked.append(a) or True)
    press_quit(qtbot, window)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5_000)
    assert asked == []
