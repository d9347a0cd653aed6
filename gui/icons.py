"""The one way to get an icon: `icon("load")` renders resources/icons/load.svg in the palette's text colour.

The SVGs draw with `currentColor`; it is replaced by the palette's colour so icons follow a dark palette.
Pixmaps are rendered at several pixel sizes, so QIcon picks a sharp one on high-DPI screens.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from gui.resources import icon_file

_PIXEL_SIZES = (16, 20, 24, 32, 40, 48, 64, 96, 128)
_cache: dict[tuple[str, str, str], QIcon] = {}
_svg_text: dict[str, str] = {}


def _svg(name: str) -> str:
    if name not in _svg_text:
        try:
            _svg_text[name] = icon_file(name).read_text(encoding="utf-8")
        except OSError:
            _svg_text[name] = ""
    return _svg_text[name]


def _colors(palette: QPalette) -> tuple[QColor, QColor]:
    normal = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText)
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
    return normal, disabled


def _solid(color: QColor) -> QColor:
    """SVG colours here carry no alpha: blend a translucent colour (PlaceholderText is) over the window."""
    if color.alpha() == 255:
        return color
    back = QApplication.palette().color(QPalette.ColorRole.Window)
    a = color.alphaF()
    return QColor(round(color.red() * a + back.red() * (1 - a)), round(color.green() * a + back.green() * (1 - a)),
                  round(color.blue() * a + back.blue() * (1 - a)))


def render(name: str, pixel_size: int, color: QColor | None = None) -> QPixmap:
    """One pixmap of `name` at `pixel_size` device pixels."""
    color = _solid(color or _colors(QApplication.palette())[0])
    data = _svg(name).replace("currentColor", color.name())
    pixmap = QPixmap(pixel_size, pixel_size)
    pixmap.fill(Qt.GlobalColor.transparent)
    if data:
        renderer = QSvgRenderer(QByteArray(data.encode("utf-8")))
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, pixel_size, pixel_size))
        painter.end()
    return pixmap


def pixmap(name: str, logical_size: int, device_pixel_ratio: float = 1.0, color: QColor | None = None) -> QPixmap:
    """A pixmap for a label: drawn at logical_size * dpr device pixels, tagged with the ratio."""
    px = render(name, max(1, round(logical_size * device_pixel_ratio)), color)
    px.setDevicePixelRatio(device_pixel_ratio)
    return px


def icon(name: str) -> QIcon:
    normal, disabled = _colors(QApplication.palette())
    key = (name, normal.name(), disabled.name())
    cached = _cache.get(key)
    if cached is not None:
        return cached
    result = QIcon()
    fixed_colours = "currentColor" not in _svg(name)  # the app icon keeps its own colours
    for size in _PIXEL_SIZES:
        result.addPixmap(render(name, size, normal), QIcon.Mode.Normal)
        if not fixed_colours:
            result.addPixmap(render(name, size, disabled), QIcon.Mode.Disabled)
    _cache[key] = result
    return result


def clear_cache() -> None:
    """Forget rendered icons (after the palette changed: dark mode)."""
    _cache.clear()
