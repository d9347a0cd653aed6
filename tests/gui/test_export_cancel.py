"""Cancel during a Docker-archive export, through the real window and job machinery (issue 10 item 2): the bar
counts the whole image's bytes as they are written, Cancel ends the job within a second as Cancelled, and
nothing is left where the archive was to go."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from gui.dialogs import files
from gui.models.transfers_model import COL_STATE
from gui.widgets.image_menu import export_action_name
from tests.gui.helpers import preload

MID = 64 << 20  # bytes into the export: the layers are being written


def test_cancel_during_a_docker_archive_export_stops_within_a_second_and_leaves_nothing(
        qtbot, make_window, monkeypatch, tmp_path, store_root, big_archives):
    path, _image_id, total = big_archives["large"]
    preload(store_root, path)
    window = make_window()
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 1, timeout=10_000)
    window.table.select_view_rows([0])
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(files, "ask_export_path", lambda parent, fmt, default: str(out / "large.tar"))
    window.image_context_menu(window.selected_rows()).findChild(
        QAction, export_action_name("docker-archive")).trigger()
    [job] = window.manager.jobs()
    qtbot.waitUntil(lambda: job.state == "running" and MID <= job.progress.done < total, timeout=30_000)
    assert job.progress.total >= total  # the whole image, not one layer
    clicked = time.monotonic()
    with qtbot.waitSignal(window.manager.job_finished, timeout=5_000):
        qtbot.mouseClick(window.dock.view.viewport(), Qt.MouseButton.LeftButton,
                         pos=window.dock.action_button_pos(job))
    assert time.monotonic() - clicked < 1.0
    assert job.state == "cancelled"
    assert window.dock.model.index_of(job, COL_STATE).data() == "Cancelled"
    assert list(out.iterdir()) == []
