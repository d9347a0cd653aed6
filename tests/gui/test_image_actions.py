"""Tag, remove, inspect and copy through the context menu; the shortcuts; filtering and sorting the table."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog

from gui.dialogs import confirm, files
from gui.models.image_table_model import COL_REPOSITORY, COL_SIZE, COL_TAG
from tests.gui.helpers import build_image, make_layer_tar, preload, small_image, write_dir, write_docker_archive


def rows_shown(window) -> list[tuple[str, str]]:
    m = window.proxy
    return [(m.index(r, COL_REPOSITORY).data(), m.index(r, COL_TAG).data()) for r in range(m.rowCount())]


def trigger(window, rows, name: str) -> None:
    window.image_context_menu(rows).findChild(QAction, name).trigger()


@pytest.fixture
def unnamed(tmp_path, store_root):
    img = small_image("unnamed")
    write_dir(tmp_path / "dir-image", img)
    preload(store_root, tmp_path / "dir-image")
    return img


def test_an_unnamed_image_can_be_tagged_from_the_context_menu(qtbot, make_window, unnamed):
    window = make_window()
    qtbot.waitUntil(lambda: rows_shown(window) == [("<none>", "<none>")])
    window.table.select_view_rows([0])
    trigger(window, window.selected_rows(), "tag")
    dialog = window.findChild(QDialog, "tagDialog")
    assert dialog is not None and dialog.name_edit.text() == ""

    dialog.name_edit.setText("Not A Valid Name")
    qtbot.mouseClick(dialog.tag_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error_label.isVisible())
    assert "lowercase" in dialog.error_label.text() or "invalid" in dialog.error_label.text()
    assert dialog.isVisible()  # the error is inline; the dialog stays

    dialog.name_edit.setText("registry.example.com/team/app:1.0")
    with qtbot.waitSignal(window.images_refreshed, timeout=10_000):
        qtbot.mouseClick(dialog.tag_button, Qt.MouseButton.LeftButton)
    assert rows_shown(window) == [("registry.example.com/team/app", "1.0")]
    assert window.model.records()[0].hex == unnamed.id


def test_remove_asks_then_removes_the_selected_images(qtbot, make_window, monkeypatch, tmp_path, store_root):
    write_docker_archive(tmp_path / "seed.tar", [(small_image("a"), ["a:1"]), (small_image("b"), ["b:1"])])
    preload(store_root, tmp_path / "seed.tar")
    window = make_window()
    qtbot.waitUntil(lambda: len(rows_shown(window)) == 2)
    asked = []
    monkeypatch.setattr(confirm, "confirm", lambda *a: asked.append(a[2]) or False)
    window.table.select_view_rows([0])
    trigger(window, window.selected_rows(), "remove")
    assert asked and len(window.model.records()) == 2  # said no: nothing removed

    monkeypatch.setattr(confirm, "confirm", lambda *a: True)
    target = window.selected_rows()[0]
    with qtbot.waitSignal(window.images_refreshed, timeout=10_000):
        trigger(window, window.selected_rows(), "remove")
    remaining = [r.id for r in window.model.records()]
    assert len(remaining) == 1 and target.record.id not in remaining


def test_removing_one_name_of_a_two_named_image_keeps_the_image(qtbot, make_window, monkeypatch, tmp_path,
                                                                store_root):
    img = small_image("twice")
    write_docker_archive(tmp_path / "seed.tar", [(img, ["twice:1", "twice:2"])])
    preload(store_root, tmp_path / "seed.tar")
    window = make_window()
    qtbot.waitUntil(lambda: len(rows_shown(window)) == 2)
    monkeypatch.setattr(confirm, "confirm", lambda *a: True)
    row = next(i for i, r in enumerate(rows_shown(window)) if r[1] == "1")
    window.table.select_view_rows([row])
    with qtbot.waitSignal(window.images_refreshed, timeout=10_000):
        trigger(window, window.selected_rows(), "remove")
    assert rows_shown(window) == [("docker.io/library/twice", "2")]
    assert window.model.records()[0].hex == img.id


def test_delete_key_in_the_table_removes_and_in_the_filter_box_edits_text(qtbot, make_window, monkeypatch, tmp_path,
                                                                          store_root):
    write_docker_archive(tmp_path / "seed.tar", [(small_image("a"), ["a:1"])])
    preload(store_root, tmp_path / "seed.tar")
    window = make_window()
    qtbot.waitUntil(lambda: len(rows_shown(window)) == 1)
    assert window.actions.remove.shortcut() == QKeySequence(QKeySequence.StandardKey.Delete)
    asked = []
    monkeypatch.setattr(confirm, "confirm", lambda *a: asked.append(a) or False)
    window.activateWindow()
    qtbot.waitActive(window)

    window.filter_edit.setFocus()
    window.filter_edit.setText("ab")
    window.filter_edit.setCursorPosition(0)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Delete)
    assert window.filter_edit.text() == "b" and not asked
    window.filter_edit.clear()

    window.table.select_view_rows([0])
    window.table.setFocus()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Delete)
    assert len(asked) == 1 and "a:1" in asked[0][2]


def test_shortcuts_are_bound_and_ctrl_o_opens_the_load_dialog(qtbot, window, monkeypatch):
    a = window.actions
    expected = {a.load: "Ctrl+O", a.pull: "Ctrl+P", a.login: "Ctrl+L", a.filter: "Ctrl+F"}
    for action, keys in expected.items():
        assert action.shortcut() == QKeySequence(keys), action.objectName()
    assert QKeySequence("F5") in a.refresh.shortcuts()
    asked = []
    monkeypatch.setattr(files, "ask_load_paths", lambda parent, start: asked.append(start) or [])
    window.activateWindow()
    qtbot.waitActive(window)
    window.table.setFocus()
    QTest.keySequence(window, QKeySequence("Ctrl+O"))
    assert len(asked) == 1
    QTest.keySequence(window, QKeySequence("Ctrl+F"))
    assert window.filter_edit.hasFocus()


def test_inspect_shows_layers_history_config_and_raw_json(qtbot, make_window, tmp_path, store_root):
    img = build_image([make_layer_tar({"a": b"1" * 300}), make_layer_tar({"b": b"2" * 300})],
                      cmd=["/app", "--serve"], labels={"org.example.team": "blue"})
    write_docker_archive(tmp_path / "seed.tar", [(img, ["app:2"])])
    preload(store_root, tmp_path / "seed.tar")
    window = make_window()
    qtbot.waitUntil(lambda: len(rows_shown(window)) == 1)
    window.table.select_view_rows([0])
    trigger(window, window.selected_rows(), "inspect")
    dialog = window.findChild(QDialog, "inspectDialog")
    qtbot.waitUntil(lambda: dialog.data is not None, timeout=10_000)
    assert dialog.layers_table.rowCount() == 2
    assert dialog.history_table.rowCount() == 2
    settings = {dialog.config_table.item(r, 0).text(): dialog.config_table.item(r, 1).text()
                for r in range(dialog.config_table.rowCount())}
    assert settings["Command"] == "/app --serve" and settings["Label org.example.team"] == "blue"
    assert img.id in dialog.config_view.toPlainText() or '"diff_ids"' in dialog.config_view.toPlainText()
    assert '"layers"' in dialog.manifest_view.toPlainText()
    assert dialog.data.id == "sha256:" + img.id


def test_inspect_lists_the_platforms_of_a_multi_arch_image(qtbot, make_window, tmp_path, store_root):
    from engine import operations
    from engine.operations import TransferOptions
    from engine.store import Store
    from tests.gui.helpers import write_oci_layout

    amd, arm = small_image("m", arch="amd64"), small_image("m", arch="arm64")
    write_oci_layout(tmp_path / "multi", [], index_of=[amd, arm], index_ref="multi:1")
    operations.pull(Store(store_root), f"oci:{tmp_path / 'multi'}:multi:1", TransferOptions(all_platforms=True))
    window = make_window()
    qtbot.waitUntil(lambda: len(rows_shown(window)) == 1)
    assert "linux/amd64" in window.proxy.index(0, 5).data() and "linux/arm64" in window.proxy.index(0, 5).data()
    window.table.select_view_rows([0])
    trigger(window, window.selected_rows(), "inspect")
    dialog = window.findChild(QDialog, "inspectDialog")
    qtbot.waitUntil(lambda: dialog.data is not None, timeout=10_000)
    plats = {dialog.platforms_table.item(r, 0).text() for r in range(dialog.platforms_table.rowCount())}
    assert plats == {"linux/amd64", "linux/arm64"}


def test_copy_image_id_and_name_put_them_on_the_clipboard(qtbot, make_window, tmp_path, store_root):
    img = small_image("clip")
    write_docker_archive(tmp_path / "seed.tar", [(img, ["clip:1"])])
    preload(store_root, tmp_path / "seed.tar")
    window = make_window()
    qtbot.waitUntil(lambda: len(rows_shown(window)) == 1)
    window.table.select_view_rows([0])
    trigger(window, window.selected_rows(), "copy_id")
    assert QApplication.clipboard().text() == img.id
    trigger(window, window.selected_rows(), "copy_name")
    assert QApplication.clipboard().text() == "docker.io/library/clip:1"


def test_filter_box_and_sorting_by_size(qtbot, make_window, tmp_path, store_root):
    small = build_image([make_layer_tar({"s": b"s" * 100})], compression="none")
    big = build_image([make_layer_tar({"b": bytes(range(256)) * 400})], compression="none")
    write_docker_archive(tmp_path / "seed.tar", [(small, ["small:1"]), (big, ["quay.io/big/thing:2"])])
    preload(store_root, tmp_path / "seed.tar")
    window = make_window()
    qtbot.waitUntil(lambda: len(rows_shown(window)) == 2)
    window.table.sortByColumn(COL_SIZE, Qt.SortOrder.DescendingOrder)
    assert rows_shown(window)[0] == ("quay.io/big/thing", "2")
    window.table.sortByColumn(COL_SIZE, Qt.SortOrder.AscendingOrder)
    assert rows_shown(window)[0] == ("docker.io/library/small", "1")
    qtbot.keyClicks(window.filter_edit, "QUAY")
    assert rows_shown(window) == [("quay.io/big/thing", "2")]
    window.filter_edit.setText(big.id[:6])
    assert rows_shown(window) == [("quay.io/big/thing", "2")]
    window.filter_edit.clear()
    assert len(rows_shown(window)) == 2
