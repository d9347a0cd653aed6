"""The status bar's content: a notice on the left that never covers the store label on the right.

QStatusBar.showMessage() paints its text across the whole bar, over permanent widgets too, so notices
and action tips go to a label of their own instead; it elides what does not fit (the full text is its
tooltip) and clears itself after a while.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QStatusBar, QWidget


class ElidedLabel(QLabel):
    """One line of text, elided at the right end to the width it is given."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(text if text else "")
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(0, self.width())))


class StatusLine:
    def __init__(self, bar: QStatusBar) -> None:
        self.bar = bar
        bar.setObjectName("statusBar")
        self.message_label = ElidedLabel(bar)
        self.message_label.setObjectName("statusMessage")
        self.store_label = QLabel(bar)
        self.store_label.setObjectName("storeLabel")
        self.store_label.setTextFormat(Qt.TextFormat.PlainText)
        bar.addWidget(self.message_label, 1)
        bar.addPermanentWidget(self.store_label)
        self._text = ""  # the current notice; a hover tip shows over it for as long as it lasts
        self._clear = QTimer(bar)
        self._clear.setSingleShot(True)
        self._clear.timeout.connect(lambda: self.show_text(""))

    def show_text(self, text: str, timeout_ms: int = 8000) -> None:
        self._text = text
        self.message_label.set_full_text(text)
        if text and timeout_ms > 0:
            self._clear.start(timeout_ms)
        else:
            self._clear.stop()

    def show_tip(self, tip: str) -> None:
        self.message_label.set_full_text(tip or self._text)

    def text(self) -> str:
        return self._text
