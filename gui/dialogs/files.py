"""Every file and folder dialog of the app, in one place (tests replace these functions).

Call them as `files.ask_export_path(...)`, never `from ... import ask_export_path`, so one monkeypatch
covers every caller.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget

from engine import transports
from gui.names import DIRECTORY_FORMATS, FORMAT_LABELS


def _archive_patterns() -> str:
    """The file patterns the file transports declare (engine/transports/), each once, in table order."""
    seen: list[str] = []
    for t in transports.TRANSPORTS:
        seen += [p for p in t.file_patterns if p not in seen]
    return " ".join(seen)


ARCHIVE_FILTER = f"Image archives ({_archive_patterns()});;All files (*)"


def ask_load_paths(parent: QWidget | None, start_dir: str) -> list[str]:
    paths, _ = QFileDialog.getOpenFileNames(parent, "Load images", start_dir, ARCHIVE_FILTER)
    return list(paths)


def ask_load_directory(parent: QWidget | None, start_dir: str) -> str | None:
    path = QFileDialog.getExistingDirectory(parent, "Load an image directory (OCI layout or dir:)", start_dir)
    return path or None


def ask_export_path(parent: QWidget | None, fmt: str, default_path: str) -> str | None:
    """Where to export. Directory formats name a new directory (a save dialog, not a folder picker)."""
    title = f"Export as {FORMAT_LABELS[fmt]}"
    if fmt in DIRECTORY_FORMATS:
        path, _ = QFileDialog.getSaveFileName(parent, title + " (a new directory)", default_path, "Directories (*)",
                                              options=QFileDialog.Option.ShowDirsOnly)
    else:
        path, _ = QFileDialog.getSaveFileName(parent, title, default_path, "Tar archives (*.tar);;All files (*)")
    return path or None


def ask_source_path(parent: QWidget | None, transport: str, start_dir: str) -> str | None:
    """A file (docker-archive:, oci-archive:) or a directory (oci:, dir:) to pull from."""
    if transports.by_name(transport).holds == transports.DIRECTORY:
        path = QFileDialog.getExistingDirectory(parent, "Choose the image directory", start_dir)
    else:
        path, _ = QFileDialog.getOpenFileName(parent, "Choose the image archive", start_dir, ARCHIVE_FILTER)
    return path or None


def ask_store_directory(parent: QWidget | None, current: str) -> str | None:
    path = QFileDialog.getExistingDirectory(parent, "Choose the image store directory", current)
    return path or None


def show_in_folder(path: str) -> bool:
    """Open the file manager on the folder holding `path`."""
    folder = os.path.dirname(os.path.abspath(path))
    return QDesktopServices.openUrl(QUrl.fromLocalFile(folder))
