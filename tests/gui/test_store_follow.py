"""The window follows the store on disk: what another window or `estiba` in a terminal loads or removes shows
within a second or two without F5, and an export from a list that went stale says so and reloads it."""

from __future__ import annotations

import time

from PySide6.QtGui import QAction

from gui.dialogs import files
from gui.widgets.image_menu import export_action_name
from tests.cli.cli_helpers import estiba
from tests.gui.helpers import preload, small_image, write_docker_archive

FOLLOW_S = 2.0  # the bound: a change shows "within a second or two"


def names_shown(window) -> list[str]:
    return sorted(n for r in window.model.records() for n in r.names)


def test_a_load_and_a_remove_by_the_cli_show_without_refresh(qtbot, window, tmp_path, store_root):
    write_docker_archive(tmp_path / "a.tar", [(small_image("a"), ["a:1"])])
    assert window.model.records() == []
    refreshes = window.refresh_count
    estiba(store_root, "load", "-i", tmp_path / "a.tar")
    start = time.monotonic()
    qtbot.waitUntil(lambda: names_shown(window) == ["docker.io/library/a:1"], timeout=int(FOLLOW_S * 1000))
    assert time.monotonic() - start < FOLLOW_S
    estiba(store_root, "rmi", "a:1")
    qtbot.waitUntil(lambda: window.model.records() == [], timeout=int(FOLLOW_S * 1000))
    assert window.refresh_count > refreshes


def test_two_windows_on_one_store_see_each_others_changes(qtbot, make_window, tmp_path, monkeypatch):
    first, second = make_window(), make_window()
    write_docker_archive(tmp_path / "b.tar", [(small_image("b"), ["b:2"])])
    with qtbot.waitSignal(first.manager.job_finished, timeout=20_000):
        first.load_paths([str(tmp_path / "b.tar")])
    qtbot.waitUntil(lambda: names_shown(second) == ["docker.io/library/b:2"], timeout=int(FOLLOW_S * 1000))
    qtbot.waitUntil(lambda: second.proxy.rowCount() == 1)
    second.table.select_view_rows([0])
    monkeypatch.setattr("gui.dialogs.confirm.confirm", lambda *a: True)
    second.commands.remove(second.selected_rows())
    qtbot.waitUntil(lambda: first.model.records() == [], timeout=int(FOLLOW_S * 1000) + 2000)


def test_an_unchanged_store_is_not_read_again_and_again(qtbot, window, tmp_path, store_root):
    preload(store_root, _archive(tmp_path))
    qtbot.waitUntil(lambda: len(window.model.records()) == 1, timeout=int(FOLLOW_S * 1000))
    settled = window.refresh_count
    with qtbot.waitSignal(window.watcher._poll.timeout if window.watcher.polling else window.watcher._debounce.timeout,
                          timeout=3_000, raising=False):
        pass
    assert window.refresh_count == settled  # a stat per check, not a reload per second


def _archive(tmp_path):
    write_docker_archive(tmp_path / "c.tar", [(small_image("c"), ["c:3"])])
    return tmp_path / "c.tar"


def test_an_export_from_a_stale_list_reloads_it_and_says_so(qtbot, window, tmp_path, store_root, monkeypatch):
    preload(store_root, _archive(tmp_path))
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 1, timeout=int(FOLLOW_S * 1000))
    window.table.select_view_rows([0])
    rows = window.selected_rows()
    window.watcher.stop()  # freeze the list as a stale window would have it
    estiba(store_root, "rmi", "c:3")
    monkeypatch.setattr(files, "ask_export_path", lambda parent, fmt, default: str(tmp_path / "out.tar"))
    with qtbot.waitSignal(window.manager.job_finished, timeout=20_000) as finished:
        window.image_context_menu(rows).findChild(QAction, export_action_name("docker-archive")).trigger()
    job = finished.args[0]
    assert job.state == "failed"
    qtbot.waitUntil(lambda: window.model.records() == [], timeout=5_000)  # reloaded
    [message] = window.message_bar.messages()
    assert "no longer in the store" in message and "reloaded" in message
    assert "estiba images" not in message  # no command-line hint in the window
    assert not (tmp_path / "out.tar").exists()


def test_a_store_folder_made_later_is_followed_too(qtbot, tmp_path):
    """Before the folder exists nothing can be watched: the watcher checks once a second (on a worker), then
    watches the folder once it appears."""
    from gui.jobs.tasks import TaskRunner
    from gui.store_watch import StoreWatcher

    tasks = TaskRunner()
    root = tmp_path / "later"
    watcher = StoreWatcher(str(root), tasks)
    watcher.seen(str(root), None)  # read: no store there yet
    changes = []
    watcher.changed.connect(lambda: changes.append(time.monotonic()))
    try:
        assert watcher.polling and not watcher.watching
        write_docker_archive(tmp_path / "d.tar", [(small_image("d"), ["d:4"])])
        preload(str(root), tmp_path / "d.tar")  # creates the store, then its images.json
        qtbot.waitUntil(lambda: len(changes) == 1, timeout=int(FOLLOW_S * 1000) + 1000)
        qtbot.waitUntil(lambda: watcher.watching and not watcher.polling, timeout=3_000)
        estiba(root, "rmi", "d:4")
        removed = time.monotonic()
        qtbot.waitUntil(lambda: len(changes) == 2, timeout=int(FOLLOW_S * 1000))
        assert changes[1] - removed < FOLLOW_S
    finally:
        watcher.stop()
        tasks.shutdown()
