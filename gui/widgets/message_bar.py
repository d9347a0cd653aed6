"""An inline, dismissable message strip (errors and notices) instead of modal boxes: no error storms."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from gui.icons import icon, pixmap

ERROR, WARNING, INFO = "error", "warning", "info"
_TINTS = {ERROR: "#d64541", WARNING: "#e0a030", INFO: "#3d8fd1"}
MAX_LINES = 4


class MessageBar(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self._icon = QLabel(self)
        self._icon.setObjectName("messageIcon")
        self.text_label = QLabel(self)
        self.text_label.setObjectName("messageText")
        self.text_label.setWordWrap(True)
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QToolButton(self)
        self.close_button.setObjectName("messageCloseButton")
        self.close_button.setIcon(icon("cancel"))
        self.close_button.setToolTip(self.tr("Dismiss"))
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.dismiss)
        self.action_button = QPushButton(self)  # an offer that goes with the message ("Keep All Platforms")
        self.action_button.setObjectName("messageActionButton")
        self.action_button.setAutoDefault(False)
        self.action_button.hide()
        self.action_button.clicked.connect(self._on_action)
        self._action: Callable[[], None] | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.text_label, 1)
        layout.addWidget(self.action_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self._lines: list[str] = []
        self.level = INFO
        self.hide()

    def show_message(self, text: str, level: str = ERROR, action: tuple[str, Callable[[], None]] | None = None
                     ) -> None:
        """Show `text`; messages that arrive while the bar is open are listed, newest first. `action` is a
        (button text, callback) offer; the newest message's offer replaces an older one."""
        if not self.isVisible():
            self._lines = []
            self._set_action(None)
        if action is not None:
            self._set_action(action)
        self._lines = [text, *(line for line in self._lines if line != text)][:MAX_LINES]
        if level == ERROR or self.level != ERROR:
            self.level = level
        self.text_label.setText("\n".join(self._lines))
        self._paint_level()
        self.show()

    def messages(self) -> list[str]:
        return list(self._lines) if self.isVisible() else []

    def dismiss(self) -> None:
        self._lines = []
        self._set_action(None)
        self.hide()

    def _set_action(self, action: tuple[str, Callable[[], None]] | None) -> None:
        self._action = action[1] if action else None
        self.action_button.setText(action[0] if action else "")
        self.action_button.setVisible(action is not None)

    def _on_action(self) -> None:
        callback = self._action
        self.dismiss()
        if callback is not None:
            callback()

    def _paint_level(self) -> None:
        tint = QColor(_TINTS[self.level])
        palette = self.palette()
        base = QApplication.palette().color(QPalette.ColorRole.Window)
        mixed = QColor(
            int(base.red() * 0.82 + tint.red() * 0.18),
            int(base.green() * 0.82 + tint.green() * 0.18),
            int(base.blue() * 0.82 + tint.blue() * 0.18),
        )
        palette.setColor(QPalette.ColorRole.Window, mixed)
        self.setPalette(palette)
        dpr = self.devicePixelRatioF()
        size = self.fontMetrics().height()
        self._icon.setPixmap(pixmap({ERROR: "error", WARNING: "warning", INFO: "info"}[self.level], size, dpr, tint))

