"""Where a file is, when no file manager can show it: the full path, selectable, and a button to copy it."""

from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget


def show_path_box(parent: QWidget | None, path: str) -> QMessageBox:
    """Open (non-modal) a box naming `path`, with Copy Path (objectName "copyPathButton") and Close."""
    path = os.path.abspath(path)
    title = QCoreApplication.translate("PathBox", "Where the file is")
    text = QCoreApplication.translate("PathBox", "No file manager could be opened. The export is here:")
    box = QMessageBox(QMessageBox.Icon.Information, title, text,
                      QMessageBox.StandardButton.Close, parent)
    box.setObjectName("pathBox")
    box.setInformativeText(path)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    copy = box.addButton(QCoreApplication.translate("PathBox", "&Copy Path"), QMessageBox.ButtonRole.ActionRole)
    copy.setObjectName("copyPathButton")
    copy.clicked.connect(lambda: QApplication.clipboard().setText(path))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
