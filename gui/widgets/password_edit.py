"""A masked password/token field with a show/hide toggle."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLineEdit, QWidget

from gui.icons import icon


class PasswordEdit(QLineEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEchoMode(QLineEdit.EchoMode.Password)
        self.toggle_action = QAction(icon("eye"), self.tr("Show password"), self)
        self.toggle_action.setObjectName("showPasswordAction")
        self.toggle_action.setCheckable(True)
        self.toggle_action.toggled.connect(self.set_revealed)
        self.addAction(self.toggle_action, QLineEdit.ActionPosition.TrailingPosition)

    def set_revealed(self, revealed: bool) -> None:
        self.setEchoMode(QLineEdit.EchoMode.Normal if revealed else QLineEdit.EchoMode.Password)
        self.toggle_action.setIcon(icon("eye-off" if revealed else "eye"))
        self.toggle_action.setText(self.tr("Hide password") if revealed else self.tr("Show password"))
        if self.toggle_action.isChecked() != revealed:
            self.toggle_action.setChecked(revealed)

    @property
    def revealed(self) -> bool:
        return self.echoMode() == QLineEdit.EchoMode.Normal
