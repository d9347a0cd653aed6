"""Look and feel: icons follow a dark palette, the password field masks and reveals, messages are inline and
dismissable, every interactive widget has an object name."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QLineEdit, QSpinBox

from gui.app import dark_palette
from gui.widgets.message_bar import ERROR


def icon_colors(action) -> set[str]:
    image = action.icon().pixmap(32).toImage()
    pixels = (image.pixelColor(x, y) for x in range(32) for y in range(32))
    return {p.name() for p in pixels if p.alpha() == 255}


def test_icons_are_redrawn_in_the_text_colour_of_a_dark_palette(qtbot, window):
    light = QApplication.palette()
    try:
        QApplication.setPalette(dark_palette())
        qtbot.waitUntil(lambda: dark_palette().color(QPalette.ColorRole.WindowText).name()
                        in icon_colors(window.actions.load))
    finally:
        QApplication.setPalette(light)
    qtbot.waitUntil(lambda: light.color(QPalette.ColorRole.WindowText).name() in icon_colors(window.actions.load))


def test_password_is_masked_until_the_eye_is_clicked(qtbot, window):
    dialog = window.open_login("quay.io")
    field = dialog.password_edit
    field.setText("hunter2")
    assert field.echoMode() == QLineEdit.EchoMode.Password
    field.toggle_action.trigger()
    assert field.echoMode() == QLineEdit.EchoMode.Normal
    field.toggle_action.trigger()
    assert field.echoMode() == QLineEdit.EchoMode.Password


def test_messages_stack_in_one_bar_and_can_be_dismissed(qtbot, window):
    for i in range(6):
        window.show_message(f"problem {i}", ERROR)
    assert window.message_bar.messages()[:2] == ["problem 5", "problem 4"] and len(window.message_bar.messages()) == 4
    window.message_bar.close_button.click()
    assert not window.message_bar.isVisible() and window.message_bar.messages() == []


def test_every_interactive_widget_has_an_object_name(qtbot, window):
    dialogs = [window.open_login(), window.open_pull(), window.open_settings()]
    missing = []
    for root in [window, *dialogs]:
        for widget in root.findChildren(QAbstractButton) + root.findChildren(QLineEdit) + \
                root.findChildren(QComboBox) + root.findChildren(QSpinBox):
            parent = widget.parent()
            internal = widget.objectName().startswith("qt_") or (parent is not None and (
                parent.objectName().startswith("qt_") or isinstance(parent, QComboBox | QSpinBox | QLineEdit)))
            if not widget.objectName() and not internal:
                missing.append(f"{type(widget).__name__} in {root.objectName()}: {getattr(widget, 'text', str)()!r}")
    assert missing == [], "\n".join(missing)
