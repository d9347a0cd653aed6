"""The image table from the keyboard: Tab moves on to the next widget, Shift+F10 and the Menu key open the
context menu on the current row (real key events to the focused table)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.gui.helpers import preload, small_image, write_docker_archive


@pytest.fixture
def two_images(tmp_path, store_root):
    write_docker_archive(tmp_path / "seed.tar", [(small_image("a"), ["a:1"]), (small_image("b"), ["b:1"])])
    preload(store_root, tmp_path / "seed.tar")


def focused_table(qtbot, window):
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 2, timeout=10_000)
    window.activateWindow()
    qtbot.waitActive(window)
    window.table.setFocus()
    qtbot.waitUntil(lambda: window.table.hasFocus())
    window.table.select_view_rows([1])
    return window.table


def test_tab_leaves_the_image_table(qtbot, window, two_images):
    table = focused_table(qtbot, window)
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not table)
    assert table.selected_rows() and len(table.selected_rows()) == 1  # Tab did not walk the cells
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is table)


@pytest.mark.parametrize("keys", [(Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier),
                                  (Qt.Key.Key_Menu, Qt.KeyboardModifier.NoModifier)], ids=["shift-f10", "menu-key"])
def test_the_keyboard_opens_the_context_menu_on_the_current_row(qtbot, window, two_images, keys):
    table = focused_table(qtbot, window)
    selected = table.selected_rows()
    qtbot.keyClick(table, *keys)
    qtbot.waitUntil(lambda: window._context_menu is not None and window._context_menu.isVisible())
    menu = window._context_menu
    assert table.selected_rows() == selected  # the menu is for the row that was current
    row_rect = table.visualRect(table.currentIndex())
    assert table.viewport().mapFromGlobal(menu.pos()).y() >= row_rect.top()  # opens at the row, not the corner
    menu.close()
