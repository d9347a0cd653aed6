"""Every file and folder dialog of the app, in one place (tests replace these functions).

Call them as `files.ask_export_path(...)`, never `from ... import ask_export_path`, so one monkeypatch
covers every caller.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget

from engine import transports
from gui.names import DIRECTORY_FORMATS, format_label

translate = QCoreApplication.translate


def _archive_patterns() -> str:
    """The file patterns the file transports declare (engine/transports/), each once, in table order."""
    seen: list[str] = []
    for t in transports.TRANSPORTS:
        seen += [p for p in t.file_patterns if p not in seen]
    return " ".join(seen)


def archive_filter() -> str:
    return translate("Files", "Image archives ({patterns});;All files (*)").format(patterns=_archive_patterns())


def ask_load_paths(parent: QWidget | None, start_dir: str) -> list[str]:
    paths, _ = QFileDialog.getOpenFileNames(parent, translate("Files", "Load images"), start_dir, archive_filter())
    return list(paths)


def ask_load_directory(parent: QWidget | None, start_dir: str) -> str | None:
    path = QFileDialog.getExistingDirectory(parent, translate("Files", "Load an image directory (OCI layout or dir:)"),
                                            start_dir)
    return path or None


def is_image_directory(path: str) -> bool:
    """An OCI layout (it has an oci-layout file) or a dir: image (manifest.json and version)."""
    if os.path.isfile(os.path.join(path, "oci-layout")):
        return True
    return os.path.isfile(os.path.join(path, "manifest.json")) and os.path.isfile(os.path.join(path, "version"))


def export_default_path(start_dir: str, file_name: str) -> str:
    """Where the export dialog starts: in `start_dir`, or above it when it is itself an exported image, with a
    name that does not exist yet. Given an existing folder, the dialog would open inside it, and a plain name
    typed there would nest a new layout inside the old export."""
    folder = os.path.abspath(start_dir)
    while is_image_directory(folder) and os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)
    stem, ext = (file_name[:-4], ".tar") if file_name.endswith(".tar") else (file_name, "")
    candidate, n = os.path.join(folder, file_name), 2
    while os.path.lexists(candidate):
        candidate, n = os.path.join(folder, f"{stem}-{n}{ext}"), n + 1
    return candidate


def ask_export_path(parent: QWidget | None, fmt: str, default_path: str) -> str | None:
    """Where to export. Directory formats name a new directory (a save dialog, not a folder picker)."""
    if fmt in DIRECTORY_FORMATS:
        title = translate("Files", "Export as {format} (a new directory)").format(format=format_label(fmt))
        path, _ = QFileDialog.getSaveFileName(parent, title, default_path, translate("Files", "Directories (*)"),
                                              options=QFileDialog.Option.ShowDirsOnly)
    else:
        title = translate("Files", "Export as {format}").format(format=format_label(fmt))
        path, _ = QFileDialog.getSaveFileName(parent, title, default_path,
                                              translate("Files", "Tar archives (*.tar);;All files (*)"))
    return path or None


def ask_source_path(parent: QWidget | None, transport: str, start_dir: str) -> str | None:
    """A file (docker-archive:, oci-archive:) or a directory (oci:, dir:) to pull from."""
    if transports.by_name(transport).holds == transports.DIRECTORY:
        path = QFileDialog.getExistingDirectory(parent, translate("Files", "Choose the image directory"), start_dir)
    else:
        path, _ = QFileDialog.getOpenFileName(parent, translate("Files", "Choose the image archive"), start_dir,
                                              archive_filter())
    return path or None


def ask_store_directory(parent: QWidget | None, current: str) -> str | None:
    path = QFileDialog.getExistingDirectory(parent, translate("Files", "Choose the image store directory"), current)
    return path or None


def show_in_folder(path: str) -> bool:
    """Open the file manager on the folder holding `path`."""
    folder = os.path.dirname(os.path.abspath(path))
    return QDesktopServices.openUrl(QUrl.fromLocalFile(folder))
