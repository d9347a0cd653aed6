"""The login dialog driven from the keyboard: Enter logs in, and the dialog stays open to show the result
(a REAL docker-registry with htpasswd, the REAL Secret Service keyring of tests/run.sh)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from gui.dialogs.login_dialog import LoginDialog
from tests.gui.test_registry import real_keyring  # noqa: F401 - fixture


def press_enter_in_password(qtbot, dialog: LoginDialog, registry: str, user: str, password: str) -> None:
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    dialog.registry_combo.setCurrentText(registry)
    qtbot.keyClicks(dialog.username_edit, user)
    dialog.password_edit.setFocus()
    qtbot.keyClicks(dialog.password_edit, password)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.isVisible(), "Enter closed the login dialog"
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)


def test_enter_with_a_wrong_password_shows_the_error_and_stays_open(qtbot, window, registry, real_keyring):  # noqa: F811
    reg = registry("htpasswd")
    real_keyring.append(reg.host)
    dialog = window.open_login()
    press_enter_in_password(qtbot, dialog, reg.host, "alice", "wrong")
    assert dialog.isVisible()
    assert dialog.error_label.isVisible() and "wrong user name or password" in dialog.error_label.text()
    # Enter again, wherever the focus went meanwhile: another try, never a close.
    qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Return)
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)
    assert dialog.isVisible()
    assert dialog.error_label.isVisible() and "wrong user name or password" in dialog.error_label.text()


def test_enter_with_the_right_password_shows_success_and_stays_open(qtbot, window, registry, real_keyring):  # noqa: F811
    reg = registry("htpasswd")
    real_keyring.append(reg.host)
    dialog = window.open_login()
    with qtbot.waitSignal(window.login_changed, timeout=20_000):
        press_enter_in_password(qtbot, dialog, reg.host, "alice", "s3cret")
    assert dialog.isVisible()
    assert not dialog.error_label.isVisible(), dialog.error_label.text()
    assert f"Logged in to {reg.host} as alice" in dialog.status_label.text()


def test_escape_still_closes_the_login_dialog(qtbot, window):
    dialog = window.open_login()
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    dialog.username_edit.setFocus()
    qtbot.keyClick(dialog.username_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
