"""Settings are saved with QSettings (a temporary .ini here) and applied to the running window."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog

from gui.dialogs import files
from gui.settings import AppSettings
from tests.gui.helpers import preload, small_image, write_docker_archive


def test_settings_dialog_saves_every_setting_and_the_window_applies_them(qtbot, window, gui_settings, tmp_path):
    other_store = tmp_path / "other-store"
    other_store.mkdir()
    write_docker_archive(tmp_path / "seed.tar", [(small_image("elsewhere"), ["elsewhere:1"])])
    preload(str(other_store), tmp_path / "seed.tar")

    window.actions.settings.trigger()
    dialog = window.findChild(QDialog, "settingsDialog")
    dialog.store_edit.setText(str(other_store))
    dialog.jobs_spin.setValue(3)
    dialog.layers_spin.setValue(8)
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("oci-archive"))
    dialog.compression_combo.setCurrentIndex(dialog.compression_combo.findData("zstd"))
    dialog.insecure_edit.setPlainText("registry.local:5000\n\n  10.0.0.7:443 \n")
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("en"))
    with qtbot.waitSignal(window.images_refreshed, timeout=10_000):
        dialog.findChild(type(dialog.store_browse), "saveButton").click()

    reread = AppSettings(QSettings(gui_settings.qsettings.fileName(), QSettings.Format.IniFormat))
    assert reread.store_path == str(other_store)
    assert (reread.parallel_jobs, reread.parallel_layers) == (3, 8)
    assert (reread.export_format, reread.compression) == ("oci-archive", "zstd")
    assert reread.insecure_registries == ["registry.local:5000", "10.0.0.7:443"]
    assert reread.language == "en"
    assert window.manager.parallel_jobs == 3
    assert window.store_root == str(other_store)
    assert [r.names for r in window.model.records()] == [["docker.io/library/elsewhere:1"]]


def test_store_browse_goes_through_the_file_dialog_helper(qtbot, window, monkeypatch, tmp_path):
    monkeypatch.setattr(files, "ask_store_directory", lambda parent, current: str(tmp_path / "picked"))
    dialog = window.open_settings()
    dialog.store_browse.click()
    assert dialog.store_edit.text() == str(tmp_path / "picked")
    dialog.reject()


def test_default_export_format_is_used_by_the_export_action(qtbot, make_window, gui_settings, monkeypatch, tmp_path,
                                                           store_root):
    write_docker_archive(tmp_path / "seed.tar", [(small_image("fmt"), ["fmt:1"])])
    preload(store_root, tmp_path / "seed.tar")
    gui_settings.export_format = "oci-dir"
    window = make_window()
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 1)
    window.table.select_view_rows([0])
    asked = []
    monkeypatch.setattr(files, "ask_export_path", lambda parent, fmt, default: asked.append((fmt, default)) or None)
    window.actions.export_default.trigger()
    assert asked and asked[0][0] == "oci-dir" and asked[0][1].endswith("fmt-1-oci")


def test_settings_survive_out_of_range_and_garbage_values(gui_settings):
    gui_settings.qsettings.setValue("transfers/parallel_jobs", "lots")
    gui_settings.qsettings.setValue("transfers/parallel_layers", 999)
    gui_settings.qsettings.setValue("export/format", "tarball")
    gui_settings.qsettings.setValue("registries/insecure", "{not json")
    assert gui_settings.parallel_jobs == 2 and gui_settings.parallel_layers == 32
    assert gui_settings.export_format == "docker-archive" and gui_settings.insecure_registries == []
