"""Render the app icon (resources/icons/estiba.svg) to the PNG sizes a taskbar or file manager asks for.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m gui.desktop_icons

writes resources/icons/hicolor/<N>x<N>/apps/estiba.png; `estiba install-desktop` copies them (the CLI
never imports Qt, so the PNGs are shipped, not rendered at install time). Run it after changing the SVG.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from gui.resources import icon_file, resources_dir

SIZES = (16, 22, 24, 32, 48, 64, 128, 256)


def render_all() -> list[str]:
    renderer = QSvgRenderer(str(icon_file("estiba")))
    written = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        folder = resources_dir() / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "estiba.png"
        image.save(str(path), "PNG")
        written.append(str(path))
    return written


if __name__ == "__main__":
    app = QGuiApplication.instance() or QGuiApplication(sys.argv)
    for path in render_all():
        print("wrote", path)
