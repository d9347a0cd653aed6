"""Login, logout, push and pull through the dialogs against a REAL docker-registry (tests/registry/conftest.py),
with the secret in the REAL Secret Service keyring that tests/run.sh starts, and skopeo as the oracle."""

from __future__ import annotations

import hashlib
import json
import socket

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from engine import credentials as engine_credentials
from engine import operations
from engine.store import Store
from gui import logins as gui_credentials
from gui.dialogs.login_dialog import LoginDialog
from tests.gui.helpers import preload, small_image, write_oci_archive

SERVICE = engine_credentials.KEYRING_SERVICE


@pytest.fixture
def real_keyring():
    """The Secret Service of tests/run.sh; every entry made for a test registry is deleted afterwards."""
    import keyring
    from keyring.backends import SecretService

    backend = keyring.get_keyring()
    if not isinstance(backend, SecretService.Keyring):
        pytest.fail(f"needs the Secret Service keyring, got {type(backend).__module__}: run tests/run.sh",
                    pytrace=False)
    made: list[str] = []
    yield made
    for registry in made:
        try:
            backend.delete_password(SERVICE, registry)
        except keyring.errors.PasswordDeleteError:
            pass


def log_in(qtbot, dialog: LoginDialog, registry: str, user: str, password: str) -> None:
    dialog.registry_combo.setCurrentText(registry)
    dialog.username_edit.setText(user)
    dialog.password_edit.setText(password)
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    assert dialog.busy and dialog.spinner.spinning and not dialog.login_button.isEnabled()  # checked off-thread
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)


def test_login_with_the_right_password_goes_to_the_keyring_and_is_listed(qtbot, window, registry, real_keyring):
    import keyring

    reg = registry("htpasswd")
    real_keyring.append(reg.host)
    dialog = window.open_login()
    qtbot.waitUntil(lambda: dialog.keyring_works is not None, timeout=10_000)
    assert dialog.keyring_works and not dialog.authfile_check.isVisible()
    with qtbot.waitSignal(window.login_changed, timeout=20_000):
        log_in(qtbot, dialog, reg.host, "alice", "s3cret")
    assert not dialog.error_label.isVisible(), dialog.error_label.text()
    assert f"Logged in to {reg.host} as alice" in dialog.status_label.text()
    assert keyring.get_password(SERVICE, reg.host) == "s3cret"
    assert dialog.password_edit.text() == ""  # the secret does not linger in the widget
    qtbot.waitUntil(lambda: reg.host in dialog.logout_buttons(), timeout=10_000)
    assert window.settings.registry_history[0] == reg.host


def test_login_with_a_wrong_password_says_so_inline_and_stores_nothing(qtbot, window, registry, real_keyring):
    import keyring

    reg = registry("htpasswd")
    real_keyring.append(reg.host)
    dialog = window.open_login()
    log_in(qtbot, dialog, reg.host, "alice", "wrong")
    assert dialog.isVisible() and dialog.error_label.isVisible()
    assert "wrong user name or password" in dialog.error_label.text()
    assert keyring.get_password(SERVICE, reg.host) is None
    assert dialog.login_button.isEnabled()  # ready for another try


def test_login_to_an_unreachable_registry_says_so_inline(qtbot, window, real_keyring):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        host = f"127.0.0.1:{s.getsockname()[1]}"  # nothing listens here once the socket closes
    dialog = window.open_login()
    log_in(qtbot, dialog, host, "alice", "s3cret")
    assert dialog.isVisible() and dialog.error_label.isVisible()
    assert host in dialog.error_label.text()


def test_log_out_button_removes_the_login_from_the_keyring(qtbot, window, registry, real_keyring):
    import keyring

    reg = registry("htpasswd")
    real_keyring.append(reg.host)
    engine_credentials.login(reg.host, "alice", "s3cret")
    dialog = window.open_login()
    qtbot.waitUntil(lambda: reg.host in dialog.logout_buttons(), timeout=10_000)
    with qtbot.waitSignal(dialog.logged_out, timeout=10_000):
        qtbot.mouseClick(dialog.logout_buttons()[reg.host], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: reg.host not in dialog.logout_buttons(), timeout=10_000)
    assert keyring.get_password(SERVICE, reg.host) is None
    assert f"Logged out of {reg.host}" in dialog.status_label.text()


@pytest.mark.interop
def test_push_through_the_dialog_lands_in_the_registry(qtbot, make_window, registry, real_keyring, skopeo, tmp_path,
                                                       store_root):
    reg = registry("htpasswd")
    real_keyring.append(reg.host)
    engine_credentials.login(reg.host, "alice", "s3cret")
    img = small_image("pushed", layers=2)
    write_oci_archive(tmp_path / "seed.tar", [(img, "docker.io/library/alpine:latest", None)])
    preload(store_root, tmp_path / "seed.tar")
    window = make_window()
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 1)
    window.table.select_view_rows([0])
    window.image_context_menu(window.selected_rows()).findChild(type(window.actions.push), "push").trigger()
    dialog = window.findChild(QDialog, "pushDialog")
    assert dialog.destination_edit.text() == "docker.io/library/alpine:latest"  # prefilled from the name
    dialog.destination_edit.setText(reg.ref("alice/alpine:v1"))
    assert dialog.tls_check.isEnabled()  # a custom registry: the user may turn verification off
    qtbot.waitUntil(lambda: "as <b>alice</b>" in dialog.login_label.text(), timeout=10_000)
    with qtbot.waitSignal(window.manager.job_finished, timeout=30_000) as finished:
        qtbot.mouseClick(dialog.push_button, Qt.MouseButton.LeftButton)
    job = finished.args[0]
    assert job.state == "done", job.failure
    assert job.title == f"Pushing alpine:latest to {reg.host}"
    skopeo.env["REGISTRY_AUTH_FILE"] = str(tmp_path / "skopeo-auth.json")
    config = skopeo("inspect", "--tls-verify=false", "--config", "--raw", "--creds", "alice:s3cret",
                    f"docker://{reg.ref('alice/alpine:v1')}").stdout.encode()
    assert hashlib.sha256(config).hexdigest() == img.id


def test_push_dialog_says_not_logged_in_and_links_to_the_login_dialog(qtbot, make_window, registry, tmp_path,
                                                                      store_root):
    reg = registry("htpasswd")
    write_oci_archive(tmp_path / "seed.tar", [(small_image("anon"), f"{reg.host}/team/anon:1", None)])
    preload(store_root, tmp_path / "seed.tar")
    window = make_window()
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 1)
    window.table.select_view_rows([0])
    dialog = window.commands.push(window.selected_rows()[0])
    assert dialog.destination_edit.text() == f"{reg.host}/team/anon:1"
    qtbot.waitUntil(lambda: "Not logged in" in dialog.login_label.text(), timeout=10_000)
    dialog.login_label.linkActivated.emit(f"login:{reg.host}")
    login = window.findChild(QDialog, "loginDialog")
    assert login is not None and login.registry() == reg.host


@pytest.mark.interop
def test_pull_through_the_dialog_from_the_registry(qtbot, window, registry, tmp_path):
    reg = registry("noauth")
    img = small_image("remote")
    write_oci_archive(tmp_path / "seed.tar", [(img, "seed:1", None)])
    staging = Store(str(tmp_path / "staging-store"))
    operations.load(staging, str(tmp_path / "seed.tar"))
    operations.push(staging, "seed:1", f"docker://{reg.ref('team/remote:3')}")

    dialog = window.open_pull()
    dialog.source_combo.setCurrentText(reg.ref("team/remote:3"))
    assert dialog.tls_check.isVisible() and dialog.tls_check.isEnabled()
    with qtbot.waitSignal(window.manager.job_finished, timeout=30_000) as finished:
        qtbot.mouseClick(dialog.pull_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].state == "done", finished.args[0].failure
    qtbot.waitUntil(lambda: any(r.hex == img.id for r in window.model.records()), timeout=10_000)
    [rec] = window.model.records()
    assert rec.names == [reg.ref("team/remote:3")]


def test_without_a_keyring_the_dialog_says_so_and_offers_auth_json(qtbot, window, registry, monkeypatch):
    import keyring
    from keyring.backends import fail

    reg = registry("htpasswd")
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        dialog = window.open_login()
        qtbot.waitUntil(lambda: dialog.keyring_works is not None, timeout=10_000)
        assert dialog.keyring_works is False
        assert "No usable keyring" in dialog.keyring_label.text()
        assert dialog.authfile_check.isVisible() and "plain base64" in dialog.authfile_warning.text()
        log_in(qtbot, dialog, reg.host, "alice", "s3cret")
        assert "keyring" in dialog.error_label.text()  # nowhere to keep it unless the user opts in
        dialog.authfile_check.setChecked(True)
        dialog.password_edit.setText("s3cret")
        qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)
        assert not dialog.error_label.isVisible(), dialog.error_label.text()
        with open(gui_credentials.default_authfile()) as f:
            assert reg.host in json.load(f)["auths"]
    finally:
        keyring.set_keyring(previous)


def test_tls_switch_reaches_the_engine_options(qtbot, window, monkeypatch):
    """Unticking the TLS check of a custom registry makes the pull's TransferOptions carry tls_verify=False."""
    from gui.jobs import specs

    seen = []
    # a registry name is pulled as the CLI pulls it (engine/pull_resolution.py): into the store under that name
    monkeypatch.setattr(specs.operations, "copy_between",
                        lambda store, source, dest, opts, progress: seen.append(opts) or [])
    dialog = window.open_pull()
    dialog.source_combo.setCurrentText("registry.internal:5000/team/app:1")
    assert dialog.tls_check.isEnabled()
    dialog.tls_check.setChecked(False)
    with qtbot.waitSignal(window.manager.job_finished, timeout=10_000):
        dialog.pull_button.click()
    assert seen and seen[0].tls_verify is False
