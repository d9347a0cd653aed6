"""Pieces the dialogs share: name/title/delete-on-close set-up, the inline error label, the Cancel + action
button box, the form-on-top layout and its field+button rows, sizing, and the check that a dialog still
exists when a background task reports back."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

ERROR_STYLE = "color: #d64541;"


def setup_dialog(dialog: QDialog, name: str, title: str) -> None:
    """Give the dialog its objectName and window title; Qt deletes it once it closes."""
    dialog.setObjectName(name)
    dialog.setWindowTitle(title)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)


def alive(obj: QObject) -> bool:
    """False once Qt deleted the C++ object (a dialog closed while a task was running)."""
    try:
        obj.objectName()
    except RuntimeError:
        return False
    return True


def error_label(parent: QWidget) -> QLabel:
    """The red, word-wrapped inline error label (objectName "errorLabel"), hidden until an error shows."""
    label = QLabel(parent)
    label.setObjectName("errorLabel")
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.hide()
    return label


def show_error(label: QLabel, text: str) -> None:
    """Put `text` in an error label made by error_label() and show it; the dialog grows to fit it."""
    label.setText(text)
    label.setVisible(True)
    grow_to_fit(label.window())


def grow_to_fit(dialog: QWidget) -> None:
    """Make the dialog tall enough for its layout at its current width.

    Word-wrapped labels need a height that depends on the width, which a dialog's minimum size does not
    follow: a label that gets a longer text (an error, a login status with links) would be clipped, or would
    squash the fields above it."""
    layout = dialog.layout()
    if layout is None:
        return
    layout.activate()
    width = dialog.width()
    need = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else layout.totalSizeHint().height()
    if need > dialog.height():
        dialog.resize(width, need)


def action_buttons(dialog: QDialog, text: str, name: str,
                   on_accept: Callable[[], None]) -> tuple[QDialogButtonBox, QPushButton]:
    """Cancel (objectName "cancelButton") and a default AcceptRole button `text` named `name`.

    accepted runs `on_accept` (which validates and accepts itself); rejected rejects the dialog."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, dialog)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName("cancelButton")
    action = buttons.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
    action.setObjectName(name)
    action.setDefault(True)
    buttons.accepted.connect(on_accept)
    buttons.rejected.connect(dialog.reject)
    return buttons, action


def field_with_button(field: QWidget, button: QWidget) -> QHBoxLayout:
    """One form row: `field` taking the spare width, `button` (such as Browse…) beside it."""
    row = QHBoxLayout()
    row.addWidget(field, 1)
    row.addWidget(button)
    return row


def stack(dialog: QWidget, form: QFormLayout, *widgets: QWidget) -> QVBoxLayout:
    """Install the dialog's layout: `form` on top, then `widgets` one under another."""
    layout = QVBoxLayout(dialog)
    layout.addLayout(form)
    for widget in widgets:
        layout.addWidget(widget)
    return layout


def buddy_label(text: str, buddy: QWidget, parent: QWidget) -> QLabel:
    """A form label whose &-mnemonic focuses `buddy` (a row holding a layout has no buddy by itself, and its
    label would show the "&")."""
    label = QLabel(text, parent)
    label.setBuddy(buddy)
    return label


def fit_height(dialog: QWidget) -> None:
    """Grow (or shrink) the dialog to the height its layout needs at its current width, after a word-wrapped
    label's text changed."""
    layout = dialog.layout()
    if layout is None:
        return
    height = layout.totalHeightForWidth(dialog.width()) if layout.hasHeightForWidth() else dialog.sizeHint().height()
    dialog.resize(dialog.width(), max(height, dialog.minimumSizeHint().height()))


def fit_width(dialog: QWidget, chars: int) -> None:
    """Make the dialog `chars` "x" characters wide and as tall as its layout asks."""
    dialog.resize(dialog.fontMetrics().horizontalAdvance("x") * chars, dialog.sizeHint().height())
