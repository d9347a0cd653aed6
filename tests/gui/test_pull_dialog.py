"""The pull dialog with the file transports (oci-archive:, oci:, dir:, docker-archive:) chosen by Browse, the
platform choice, history completion, and inline errors."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from gui.dialogs import files
from tests.gui.helpers import small_image, write_dir, write_docker_archive, write_oci_archive, write_oci_layout


def pull_with_dialog(qtbot, window, source: str | None = None, platform_text: str | None = None, browse=None):
    dialog = window.open_pull()
    if browse is not None:
        dialog.browse_menu.findChild(QAction, browse).trigger()
    if source is not None:
        dialog.source_combo.setCurrentText(source)
    if platform_text is not None:
        index = dialog.platform_combo.findText(platform_text)
        if index >= 0:
            dialog.platform_combo.setCurrentIndex(index)
        else:
            dialog.platform_combo.setCurrentText(platform_text)
    return dialog


def test_browse_for_an_oci_archive_then_pull_loads_it_and_remembers_it(qtbot, window, monkeypatch, tmp_path,
                                                                      gui_settings):
    img = small_image("browsed")
    write_oci_archive(tmp_path / "b.tar", [(img, "quay.io/team/browsed:7", None)])
    asked = []
    monkeypatch.setattr(files, "ask_source_path",
                        lambda parent, transport, start: asked.append(transport) or str(tmp_path / "b.tar"))
    dialog = pull_with_dialog(qtbot, window, browse="browse_oci_archive")
    assert asked == ["oci-archive"] and dialog.source() == f"oci-archive:{tmp_path / 'b.tar'}"
    assert not dialog.tls_check.isVisible()  # no registry involved
    with qtbot.waitSignal(window.manager.job_finished, timeout=15_000) as finished:
        qtbot.mouseClick(dialog.pull_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].state == "done", finished.args[0].failure
    qtbot.waitUntil(lambda: any(r.hex == img.id for r in window.model.records()), timeout=10_000)
    assert gui_settings.pull_history[0] == f"oci-archive:{tmp_path / 'b.tar'}"
    again = window.open_pull()
    completer = again.source_combo.completer()
    completer.setCompletionPrefix("b.tar")
    assert completer.currentCompletion() == f"oci-archive:{tmp_path / 'b.tar'}"
    again.reject()


def test_each_browse_entry_asks_for_its_transport(qtbot, window, monkeypatch, tmp_path):
    img = small_image("each")
    write_oci_layout(tmp_path / "layout", [(img, "each:1", None)])
    write_dir(tmp_path / "dir", img)
    write_docker_archive(tmp_path / "d.tar", [(img, ["each:2"])])
    paths = {"oci": tmp_path / "layout", "dir": tmp_path / "dir", "docker-archive": tmp_path / "d.tar"}
    monkeypatch.setattr(files, "ask_source_path", lambda parent, transport, start: str(paths[transport]))
    for name, transport in (("browse_oci", "oci"), ("browse_dir", "dir"), ("browse_docker_archive",
                                                                          "docker-archive")):
        dialog = pull_with_dialog(qtbot, window, browse=name)
        assert dialog.source() == f"{transport}:{paths[transport]}"
        with qtbot.waitSignal(window.manager.job_finished, timeout=15_000) as finished:
            dialog.pull_button.click()
        assert finished.args[0].state == "done", finished.args[0].failure
    qtbot.waitUntil(lambda: len(window.model.records()) == 1 and window.proxy.rowCount() >= 2, timeout=10_000)
    assert window.model.records()[0].hex == img.id


def test_platform_choice_takes_that_image_from_a_multi_platform_layout(qtbot, window, tmp_path):
    amd, arm = small_image("p", arch="amd64"), small_image("p", arch="arm64")
    write_oci_layout(tmp_path / "multi", [], index_of=[amd, arm], index_ref="multi:1")
    dialog = pull_with_dialog(qtbot, window, source=f"oci:{tmp_path / 'multi'}:multi:1", platform_text="linux/arm64")
    with qtbot.waitSignal(window.manager.job_finished, timeout=15_000) as finished:
        dialog.pull_button.click()
    assert finished.args[0].state == "done", finished.args[0].failure
    qtbot.waitUntil(lambda: len(window.model.records()) == 1, timeout=10_000)
    [rec] = window.model.records()
    assert rec.hex == arm.id and rec.platforms == ["linux/arm64"]

    dialog = pull_with_dialog(qtbot, window, source=f"oci:{tmp_path / 'multi'}:multi:1")
    dialog.platform_combo.setCurrentIndex(dialog.platform_combo.findData("all"))
    with qtbot.waitSignal(window.manager.job_finished, timeout=15_000):
        dialog.pull_button.click()
    qtbot.waitUntil(lambda: any(len(r.platforms) == 2 for r in window.model.records()), timeout=10_000)


def test_bad_input_is_reported_inline_and_the_dialog_stays_open(qtbot, window):
    dialog = pull_with_dialog(qtbot, window, source="")
    dialog.pull_button.click()
    assert dialog.isVisible() and "Give an image" in dialog.error_label.text()
    dialog.source_combo.setCurrentText("Not/A Valid:Name")
    dialog.pull_button.click()
    assert dialog.isVisible() and "not a valid image name" in dialog.error_label.text()
    dialog.source_combo.setCurrentText("quay.io/team/app:1")
    dialog.platform_combo.setCurrentText("linux")
    dialog.pull_button.click()
    assert dialog.isVisible() and "invalid platform" in dialog.error_label.text()
    assert window.manager.jobs() == []
