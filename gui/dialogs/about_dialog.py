"""About Estiba: its version, the store this window works on, the engine's and Qt's versions, the licence."""

from __future__ import annotations

import platform
from importlib import metadata

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from gui import icons
from gui.dialogs.common import fit_width, setup_dialog

LICENCE = "Apache-2.0"


def estiba_version() -> str:
    """The installed distribution's version (pip install -e . counts); "unknown" for a bare checkout."""
    try:
        return metadata.version("estiba")
    except metadata.PackageNotFoundError:
        return "unknown"


def engine_version() -> str:
    """The engine ships with the app: its version is the distribution's, unless it declares its own."""
    import engine

    return str(getattr(engine, "__version__", "") or estiba_version())


class AboutDialog(QDialog):
    def __init__(self, store_root: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        setup_dialog(self, "aboutDialog", self.tr("About Estiba"))
        picture = QLabel(self)
        picture.setPixmap(icons.pixmap("estiba", 64, self.devicePixelRatioF()))
        title = QLabel(f"<b>Estiba</b> {estiba_version()}", self)
        title.setObjectName("aboutTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        title.setFont(font)
        blurb = QLabel(self.tr("Moves container images between docker-archive, oci-archive, OCI layouts, dir: and "
                               "registries, the way podman save, load, push, pull and tag do."), self)
        blurb.setWordWrap(True)
        self.values: dict[str, QLabel] = {}
        form = QFormLayout()
        for name, label, value in (
            ("version", self.tr("Version:"), estiba_version()),
            ("store", self.tr("Image store:"), store_root),
            ("engine", self.tr("Engine:"), engine_version()),
            ("qt", self.tr("Qt:"), self.tr("Qt {qt}, PySide6 {pyside}, Python {python}").format(
                qt=qVersion(), pyside=PySide6.__version__, python=platform.python_version())),
            ("licence", self.tr("Licence:"), LICENCE),
        ):
            text = QLabel(value, self)
            text.setObjectName(f"about_{name}")
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[name] = text
            form.addRow(label, text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setObjectName("closeButton")
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(picture, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(title, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(blurb)
        layout.addLayout(form)
        layout.addWidget(buttons)
        fit_width(self, 64)
