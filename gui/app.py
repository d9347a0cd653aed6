"""Start the desktop app: `estiba` with no arguments calls `run()`."""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from gui import i18n
from gui.settings import AppSettings


def dark_palette() -> QPalette:
    """A dark palette for Fusion (used when the platform asks for a dark scheme, and by the screenshots)."""
    p = QPalette()
    window, base, text = QColor(45, 47, 51), QColor(30, 31, 34), QColor(225, 227, 230)
    disabled = QColor(130, 133, 138)
    roles = {
        QPalette.ColorRole.Window: window, QPalette.ColorRole.WindowText: text, QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: QColor(38, 40, 43), QPalette.ColorRole.ToolTipBase: QColor(60, 62, 66),
        QPalette.ColorRole.ToolTipText: text, QPalette.ColorRole.Text: text, QPalette.ColorRole.Button: window,
        QPalette.ColorRole.ButtonText: text, QPalette.ColorRole.BrightText: QColor(255, 90, 90),
        QPalette.ColorRole.Link: QColor(100, 170, 240), QPalette.ColorRole.Highlight: QColor(53, 132, 228),
        QPalette.ColorRole.HighlightedText: QColor(255, 255, 255),
        QPalette.ColorRole.PlaceholderText: QColor(150, 153, 158), QPalette.ColorRole.Light: QColor(70, 72, 76),
        QPalette.ColorRole.Midlight: QColor(58, 60, 64), QPalette.ColorRole.Mid: QColor(40, 42, 45),
        QPalette.ColorRole.Dark: QColor(25, 26, 28), QPalette.ColorRole.Shadow: QColor(10, 10, 10),
    }
    for role, color in roles.items():
        p.setColor(role, color)
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return p


def wants_dark(app: QGuiApplication) -> bool:
    try:
        return app.styleHints().colorScheme() == Qt.ColorScheme.Dark
    except AttributeError:  # Qt < 6.5
        return app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def install_translator(app: QApplication, language: str) -> str:
    """Estiba's and Qt's translations for the chosen language (or the system's); the language used."""
    return i18n.install(app, language)


def configure_application(app: QApplication, settings: AppSettings | None = None) -> None:
    """Style, names and palette shared by `run()`, the tests and the screenshot script."""
    app.setApplicationName("Estiba")
    app.setOrganizationName("Estiba")
    app.setApplicationDisplayName("Estiba")
    app.setDesktopFileName("estiba")
    if "Fusion" in list(QStyleFactory.keys()):
        app.setStyle("Fusion")  # the same look everywhere, and a palette that a dark scheme can recolour
    if wants_dark(app):
        app.setPalette(dark_palette())
    install_translator(app, settings.language if settings is not None else "system")


def run(store: str | None = None, paths: list[str] | None = None) -> int:
    """Open the main window on `store` (or the store from Settings, or the default) and run until quit.

    `paths` (from `estiba FILE...`, a file manager's "Open with") are loaded as a drop would load them.
    When a window is already open on the same store, they go to it and this process exits at once."""
    # Qt 6 scales for high-DPI screens itself; pass fractional factors (1.25, 1.5) through unrounded.
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication(sys.argv)
    settings = AppSettings()
    from engine.store import default_root
    from gui.single_instance import InstanceServer, hand_over

    store_root = os.path.abspath(store or settings.store_path or default_root())
    if hand_over(store_root, paths or []):
        return 0
    configure_application(app, settings)
    from gui import icons
    from gui.main_window import MainWindow

    app.setWindowIcon(icons.icon("estiba"))
    window = MainWindow(store_root, settings)
    server = InstanceServer(store_root, window)
    server.files_received.connect(window.open_paths)
    server.listen()
    window.show()
    if paths:
        window.open_paths(paths)
    _quit_on_sigint(app)
    return app.exec()


def _quit_on_sigint(app: QApplication) -> None:
    """Ctrl+C in the terminal closes the window (which cancels transfers) instead of being ignored until
    the next Python bytecode runs: an idle timer gives the interpreter a chance to see the signal."""
    import signal

    from PySide6.QtCore import QTimer

    signal.signal(signal.SIGINT, lambda *_: QApplication.closeAllWindows())
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(250)
