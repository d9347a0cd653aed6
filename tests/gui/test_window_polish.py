"""Smaller window fixes (issue 10 item 11, and item 8): mnemonics with buddies, labels that grow instead of
clipping, the status bar, the About box, Show in folder without a file manager, the manifest format of a push,
Free Disk Space, and an export dialog that never starts inside the previous export."""

from __future__ import annotations

import json
import os

import pytest
import requests
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QStatusTipEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QFormLayout, QLabel, QMenu, QMessageBox, QPushButton

from engine.store import Store
from gui.dialogs import files
from gui.widgets.image_menu import export_action_name
from tests.gui.helpers import preload, small_image, write_docker_archive, write_oci_archive


def form_labels(dialog: QDialog) -> dict[str, QLabel]:
    out = {}
    for form in dialog.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            if item is not None and isinstance(item.widget(), QLabel):
                out[item.widget().text()] = item.widget()
    return out


def shown_text(label: QLabel) -> str:
    """What a label paints: a mnemonic & with a buddy is drawn as an underline, without one as a literal &."""
    return label.text().replace("&", "") if label.buddy() is not None else label.text()


@pytest.fixture
def one_image(tmp_path, store_root):
    img = small_image("polish")
    write_oci_archive(tmp_path / "seed.tar", [(img, "docker.io/library/polish:1", None)])
    preload(store_root, tmp_path / "seed.tar")
    return img


def select_first(qtbot, window):
    qtbot.waitUntil(lambda: window.proxy.rowCount() >= 1, timeout=10_000)
    window.table.select_view_rows([0])
    return window.selected_rows()


def test_pull_and_settings_labels_have_buddies_instead_of_literal_ampersands(qtbot, window):
    pull = window.open_pull()
    labels = form_labels(pull)
    assert labels["&Image:"].buddy() is pull.source_combo and shown_text(labels["&Image:"]) == "Image:"
    settings = window.open_settings()
    labels = form_labels(settings)
    assert labels["Image &store:"].buddy() is settings.store_edit
    for dialog in (pull, settings):  # every mnemonic in both forms reaches a widget
        for text, label in form_labels(dialog).items():
            assert "&" not in text or label.buddy() is not None, text
    pull.close()
    settings.close()


def test_the_store_mnemonic_moves_the_focus_to_the_store_field(qtbot, gui_settings):
    from gui.dialogs.settings_dialog import SettingsDialog

    settings = SettingsDialog(gui_settings)  # a window of its own: offscreen, a child dialog never gets active
    qtbot.addWidget(settings)
    settings.show()
    settings.activateWindow()
    qtbot.waitActive(settings)
    settings.jobs_spin.setFocus()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is settings)
    QTest.keySequence(settings, QKeySequence("Alt+S"))  # the mnemonic of "Image &store:"
    qtbot.waitUntil(lambda: settings.store_edit.hasFocus())


def test_a_long_error_in_the_tag_dialog_grows_the_dialog_instead_of_squashing_the_field(qtbot, window, one_image):
    rows = select_first(qtbot, window)
    dialog = window.commands.tag(rows[0])
    qtbot.waitExposed(dialog)
    field_height = dialog.name_edit.height()
    dialog.name_edit.setText("Not A Valid Name " * 6)
    qtbot.mouseClick(dialog.tag_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: dialog.height() >= dialog.layout().totalHeightForWidth(dialog.width()))
    label = dialog.error_label
    assert dialog.name_edit.height() >= field_height
    assert label.height() >= label.heightForWidth(label.width())  # every line of the error shows


def test_the_push_dialog_login_status_is_never_clipped(qtbot, window, one_image):
    rows = select_first(qtbot, window)
    dialog = window.commands.push(rows[0])
    qtbot.waitExposed(dialog)
    dialog.resize(dialog.fontMetrics().horizontalAdvance("x") * 40, dialog.height())  # a narrow dialog
    dialog.destination_edit.setText("registry.internal.example.com:5000/some-team/some-application:1.0")
    qtbot.waitUntil(lambda: "Log in" in dialog.login_label.text(), timeout=10_000)
    label = dialog.login_label
    qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()))
    assert label.geometry().bottom() < dialog.buttons.geometry().top()


def test_notices_and_tips_never_cover_the_store_label(qtbot, window):
    bar = window.statusBar()
    window.notify("Exported a very long name " * 20)
    qtbot.waitUntil(lambda: window.status.message_label.isVisible())
    message, store = window.status.message_label, window.store_label
    assert store.isVisible() and store.text().endswith(window.store_root)
    assert message.geometry().right() < store.geometry().left()
    assert bar.currentMessage() == ""  # nothing painted across the whole bar
    assert message.text().endswith("…") and message.toolTip().startswith("Exported")
    # Hovering a toolbar button sends its action's tip up from the button; it goes to the same label.
    button = window.toolbar.widgetForAction(window.actions.load)
    QApplication.sendEvent(button, QStatusTipEvent(window.actions.load.statusTip()))
    qtbot.waitUntil(lambda: message.full_text() == window.actions.load.statusTip())
    assert bar.currentMessage() == "" and store.isVisible()


def test_the_about_box_shows_the_version(qtbot, window):
    from importlib.metadata import version

    box = window.open_about()  # the About dialog (gui/dialogs/about_dialog.py)
    qtbot.waitExposed(box)
    title = box.findChild(QLabel, "aboutTitle").text()
    assert version("estiba") in title and version("estiba").count(".") >= 2
    assert box.findChild(QLabel, "about_version").text() == version("estiba")
    box.close()


def test_show_in_folder_without_a_file_manager_says_where_and_copies_the_path(qtbot, window, one_image, tmp_path,
                                                                               monkeypatch):
    output = tmp_path / "exports" / "polish.tar"
    output.parent.mkdir()
    monkeypatch.setattr(files, "ask_export_path", lambda parent, fmt, default: str(output))
    rows = select_first(qtbot, window)
    with qtbot.waitSignal(window.manager.job_finished, timeout=20_000) as finished:
        window.image_context_menu(rows).findChild(type(window.actions.push), export_action_name("docker-archive")
                                                  ).trigger()
    job = finished.args[0]
    assert job.state == "done", job.failure
    # The offscreen platform has no desktop services: openUrl really fails here, as without a file manager.
    assert files.show_in_folder(str(output)) is False
    window.dock.perform(job, "show")
    box = window.findChild(QMessageBox, "pathBox")
    assert box is not None and box.isVisible() and str(output) in box.informativeText()
    copy = box.findChild(QPushButton, "copyPathButton")
    qtbot.mouseClick(copy, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == str(output)


def test_free_disk_space_removes_unused_blobs_and_says_how_much(qtbot, window, one_image, store_root, tmp_path):
    store = Store(store_root)
    blobs = set(os.listdir(store.blobs_dir))
    # Leftovers no image references (an interrupted operation, an older version's rmi).
    write_docker_archive(tmp_path / "other.tar", [(small_image("other"), ["other:1"])])
    preload(store_root, tmp_path / "other.tar")
    other = [r for r in store.images() if "docker.io/library/other:1" in r.names][0]
    store._write_records([r for r in store.images() if r.id != other.id])
    assert set(os.listdir(store.blobs_dir)) > blobs
    assert window.actions.prune in window.findChild(QMenu, "fileMenu").actions()
    window.actions.prune.trigger()
    qtbot.waitUntil(lambda: window.status.text().startswith("Freed"), timeout=10_000)
    assert set(os.listdir(store.blobs_dir)) == blobs
    assert window.actions.prune.isEnabled()
    window.actions.prune.trigger()
    qtbot.waitUntil(lambda: window.status.text().startswith("Nothing to free"), timeout=10_000)


def test_remove_frees_the_image_layers_and_says_so(qtbot, window, one_image, store_root, monkeypatch):
    monkeypatch.setattr("gui.dialogs.confirm.confirm", lambda *a: True)
    rows = select_first(qtbot, window)
    window.commands.remove(rows)
    qtbot.waitUntil(lambda: window.model.records() == [], timeout=10_000)
    assert "freed" in window.status.text()
    assert os.listdir(Store(store_root).blobs_dir) == []  # the layers went with the image, as with podman rmi


def test_the_export_dialog_never_starts_inside_the_previous_export(qtbot, window, one_image, tmp_path, monkeypatch):
    out = tmp_path / "exports"
    out.mkdir()
    asked = []

    def ask(parent, fmt, default):
        asked.append(default)
        return default  # the user accepts the suggested name (a plain name in the folder shown)

    monkeypatch.setattr(files, "ask_export_path", ask)
    window.settings.last_dir = str(out)
    rows = select_first(qtbot, window)
    for _ in range(2):
        with qtbot.waitSignal(window.manager.job_finished, timeout=20_000) as finished:
            window.image_context_menu(rows).findChild(type(window.actions.push), export_action_name("oci-dir")
                                                      ).trigger()
        assert finished.args[0].state == "done", finished.args[0].failure
    first, second = asked
    assert os.path.dirname(first) == os.path.dirname(second) == str(out)
    assert first != second and not second.startswith(first + os.sep)
    assert sorted(os.listdir(out)) == sorted([os.path.basename(first), os.path.basename(second)])
    assert os.listdir(first) and not any(os.path.isdir(os.path.join(first, n)) and n != "blobs"
                                         for n in os.listdir(first))  # no layout nested in the first one
    # Even a remembered folder that is itself an exported layout starts the dialog beside it.
    window.settings.last_dir = first
    path = files.export_default_path(window.settings.last_dir, "polish-1-oci")
    assert os.path.dirname(path) == str(out) and not os.path.exists(path)


@pytest.mark.parametrize(("choice", "media_type"), [("oci", "application/vnd.oci.image.manifest.v1+json"),
                                                   ("v2s2", "application/vnd.docker.distribution.manifest.v2+json")])
def test_push_offers_the_manifest_format(qtbot, window, one_image, registry, choice, media_type):
    reg = registry("noauth")
    rows = select_first(qtbot, window)
    dialog = window.commands.push(rows[0])
    dialog.destination_edit.setText(reg.ref(f"team/polish:{choice}"))
    assert dialog.format_combo.isEnabled()
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData(choice))
    with qtbot.waitSignal(window.manager.job_finished, timeout=30_000) as finished:
        qtbot.mouseClick(dialog.push_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].state == "done", finished.args[0].failure
    accept = ", ".join(["application/vnd.oci.image.manifest.v1+json",
                        "application/vnd.docker.distribution.manifest.v2+json"])
    resp = requests.get(f"{reg.url}/v2/team/polish/manifests/{choice}", headers={"Accept": accept}, timeout=10)
    assert resp.status_code == 200 and json.loads(resp.content)["mediaType"] == media_type


def test_the_manifest_format_is_off_for_a_file_destination(qtbot, window, one_image, tmp_path):
    dialog = window.commands.push(select_first(qtbot, window)[0])
    dialog.destination_edit.setText(f"oci-archive:{tmp_path / 'x.tar'}")
    assert not dialog.format_combo.isEnabled()
