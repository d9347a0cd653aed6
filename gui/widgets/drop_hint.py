"""What an empty store shows instead of an empty grid: a drop target with the two ways in."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from gui.icons import icon, pixmap


class DropHint(QWidget):
    load_clicked = Signal()
    pull_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dropHint")
        self.picture = QLabel(self)
        self.picture.setObjectName("dropHintPicture")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel(self.tr("No images yet"), self)
        title.setObjectName("dropHintTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        text = QLabel(
            self.tr("Drop image archives here to load them: docker-archive and oci-archive tars, compressed or "
                    "not,\nand image directories (OCI layout or dir:). Or load a file, or pull from a registry."),
            self,
        )
        text.setObjectName("dropHintText")
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setWordWrap(True)
        text.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.load_button = QPushButton(icon("load"), self.tr("Load…"), self)
        self.load_button.setObjectName("dropHintLoadButton")
        self.load_button.clicked.connect(self.load_clicked)
        self.pull_button = QPushButton(icon("pull"), self.tr("Pull…"), self)
        self.pull_button.setObjectName("dropHintPullButton")
        self.pull_button.clicked.connect(self.pull_clicked)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.load_button)
        buttons.addWidget(self.pull_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.picture)
        layout.addSpacing(8)
        layout.addWidget(title)
        layout.addWidget(text)
        layout.addSpacing(12)
        layout.addLayout(buttons)
        layout.addStretch(2)
        self.refresh_icons()

    def refresh_icons(self) -> None:
        color = self.palette().color(QPalette.ColorRole.PlaceholderText)
        side = self.fontMetrics().height() * 6
        self.picture.setPixmap(pixmap("drop", side, self.devicePixelRatioF(), color))
        self.load_button.setIcon(icon("load"))
        self.pull_button.setIcon(icon("pull"))
