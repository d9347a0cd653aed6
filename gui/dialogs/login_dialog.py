"""Log in to a registry. The check runs on a worker thread (spinner, dialog stays responsive); errors
show inline and the dialog stays open; the secret goes to the OS keyring through engine.credentials.
It also lists the logins Estiba can see, each with a Log out button."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui import error_text
from gui import logins as credentials
from gui.dialogs.common import ERROR_STYLE, alive, error_label, fit_width, setup_dialog
from gui.jobs.errors import Failure
from gui.jobs.tasks import TaskRunner
from gui.names import is_public_registry
from gui.settings import WELL_KNOWN_REGISTRIES, AppSettings
from gui.widgets.password_edit import PasswordEdit
from gui.widgets.spinner import Spinner


class LoginDialog(QDialog):
    logged_in = Signal(str)  # registry
    logged_out = Signal(str)

    def __init__(self, settings: AppSettings, tasks: TaskRunner, registry: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        setup_dialog(self, "loginDialog", self.tr("Log in to a registry"))
        self.settings = settings
        self.tasks = tasks
        self.keyring_works: bool | None = None
        self._busy = False

        self.registry_combo = QComboBox(self)
        self.registry_combo.setObjectName("registryCombo")
        self.registry_combo.setEditable(True)
        self.registry_combo.lineEdit().setPlaceholderText("registry.example.com:5000")
        for reg in dict.fromkeys([*WELL_KNOWN_REGISTRIES, *settings.registry_history]):
            self.registry_combo.addItem(reg)
        self.registry_combo.setCurrentText(registry or (settings.registry_history or ["docker.io"])[0])
        self.registry_combo.currentTextChanged.connect(self._registry_changed)
        self.username_edit = QLineEdit(self)
        self.username_edit.setObjectName("usernameEdit")
        self.password_edit = PasswordEdit(self)
        self.password_edit.setObjectName("passwordEdit")
        self.password_edit.setPlaceholderText(self.tr("password or access token"))
        self.tls_check = QCheckBox(self.tr("Verify the registry's TLS certificate"), self)
        self.tls_check.setObjectName("tlsVerifyCheck")
        self.tls_check.setToolTip(self.tr("Turn off only for a registry of your own with a self-signed certificate "
                                          "or plain HTTP. Loopback addresses may use plain HTTP anyway."))

        self.keyring_label = QLabel(self.tr("Checking the keyring…"), self)
        self.keyring_label.setObjectName("keyringStatusLabel")
        self.keyring_label.setWordWrap(True)
        self.authfile_check = QCheckBox(self.tr("Save this login in podman's auth.json instead"), self)
        self.authfile_check.setObjectName("authFileCheck")
        self.authfile_check.setToolTip(credentials.default_authfile())
        self.authfile_warning = QLabel(self.tr(
            "auth.json keeps the password in plain base64: anyone who can read the file can use your account. "
            "podman and skopeo read it too."), self)
        self.authfile_warning.setObjectName("authFileWarning")
        self.authfile_warning.setWordWrap(True)
        self.authfile_check.hide()
        self.authfile_warning.hide()

        self.error_label = error_label(self)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("statusLabel")
        self.status_label.setWordWrap(True)
        self.status_label.hide()

        self.spinner = Spinner(self)
        self.spinner.setObjectName("loginSpinner")
        self.login_button = QPushButton(self.tr("Log in"), self)
        self.login_button.setObjectName("loginButton")
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self.log_in)
        self.close_button = QPushButton(self.tr("Close"), self)
        self.close_button.setObjectName("closeButton")
        # Enter means "Log in" wherever the focus is: a focused auto-default button would take Enter over
        # (the focus lands on Close once the fields are disabled for the check) and close the dialog before
        # the result shows.
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.close)

        self.logins_list = QTreeWidget(self)
        self.logins_list.setObjectName("loginsList")
        self.logins_list.setHeaderLabels([self.tr("Registry"), self.tr("User"), self.tr("Stored in"), ""])
        self.logins_list.setRootIsDecorated(False)
        header = self.logins_list.header()
        header.setStretchLastSection(False)
        for col, mode in ((0, QHeaderView.ResizeMode.ResizeToContents), (1, QHeaderView.ResizeMode.ResizeToContents),
                          (2, QHeaderView.ResizeMode.Stretch), (3, QHeaderView.ResizeMode.ResizeToContents)):
            header.setSectionResizeMode(col, mode)
        self.logins_list.setMinimumHeight(self.fontMetrics().height() * 6)

        form = QFormLayout()
        form.addRow(self.tr("&Registry:"), self.registry_combo)
        form.addRow(self.tr("&User name:"), self.username_edit)
        form.addRow(self.tr("&Password:"), self.password_edit)
        form.addRow("", self.tls_check)
        buttons = QHBoxLayout()
        buttons.addWidget(self.spinner)
        buttons.addWidget(self.status_label, 1)
        buttons.addStretch(0)
        buttons.addWidget(self.login_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.keyring_label)
        layout.addWidget(self.authfile_check)
        layout.addWidget(self.authfile_warning)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        layout.addSpacing(8)
        layout.addWidget(QLabel("<b>{}</b>".format(self.tr("Logged in to")), self))
        layout.addWidget(self.logins_list)
        fit_width(self, 80)

        self._registry_changed(self.registry_combo.currentText())
        self.tasks.run(credentials.keyring_status, self._on_keyring_status, self._on_keyring_error)
        self.refresh_logins()

    # -- state ------------------------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._busy

    def registry(self) -> str:
        return self.registry_combo.currentText().strip()

    def _registry_changed(self, text: str) -> None:
        reg = text.strip()
        public = not reg or is_public_registry(reg)
        self.tls_check.setEnabled(not public)
        self.tls_check.setChecked(public or not self.settings.is_insecure(reg))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for w in (self.registry_combo, self.username_edit, self.password_edit, self.login_button,
                  self.authfile_check):
            w.setEnabled(not busy)
        if not busy:
            self._registry_changed(self.registry())
        else:
            self.tls_check.setEnabled(False)
        (self.spinner.start if busy else self.spinner.stop)()

    def _show_error(self, text: str) -> None:
        self.status_label.hide()
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def _show_status(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.setVisible(bool(text))

    # -- log in -------------------------------------------------------------------------------------------------

    def log_in(self) -> None:
        if self._busy:
            return
        registry, user, password = self.registry(), self.username_edit.text().strip(), self.password_edit.text()
        missing = [what for what, value in ((self.tr("the registry"), registry), (self.tr("the user name"), user),
                                            (self.tr("the password or token"), password)) if not value]
        if missing:
            self._show_error(self.tr("Give {what}.").format(what=self.tr(" and ").join(missing)))
            return
        tls_verify = None if self.tls_check.isChecked() else False
        authfile = credentials.default_authfile() if self.authfile_check.isChecked() else None
        self._show_error("")
        self._show_status(self.tr("Checking the login with {registry}…").format(registry=registry))
        self._set_busy(True)
        self.tasks.run(lambda: credentials.login(registry, user, password, tls_verify, authfile),
                       lambda _result: self._on_logged_in(registry, user, authfile), self._on_login_failed)

    def _on_logged_in(self, registry: str, user: str, authfile: str | None) -> None:
        if not alive(self):
            return
        self._set_busy(False)
        self.password_edit.clear()
        if authfile:
            text = self.tr("Logged in to {registry} as {user} (saved in {path}).")
        else:
            text = self.tr("Logged in to {registry} as {user} (saved in your keyring).")
        self._show_status(text.format(registry=registry, user=user, path=authfile))
        self.settings.remember_registry(registry)
        if not self.settings.is_insecure(registry) and not self.tls_check.isChecked():
            self.settings.insecure_registries = [*self.settings.insecure_registries, registry]
        self.refresh_logins()
        self.logged_in.emit(registry)

    def _on_login_failed(self, failure: Failure) -> None:
        if not alive(self):
            return
        self._set_busy(False)
        self._show_error(error_text.message(failure))

    # -- keyring ------------------------------------------------------------------------------------------------

    def _on_keyring_status(self, state: credentials.KeyringState) -> None:
        if not alive(self):
            return
        self.keyring_works = state.works
        self.keyring_label.setText(error_text.keyring_status(state.works, state.text))
        self.keyring_label.setStyleSheet("" if state.works else "color: #c07d10;")
        self.authfile_check.setVisible(not state.works)
        self.authfile_warning.setVisible(not state.works)

    def _on_keyring_error(self, failure: Failure) -> None:
        if not alive(self):
            return
        self.keyring_works = False
        self.keyring_label.setText(error_text.message(failure))
        self.keyring_label.setStyleSheet(ERROR_STYLE)

    # -- the logins list ----------------------------------------------------------------------------------------

    def refresh_logins(self) -> None:
        self.tasks.run(credentials.logins, self._on_logins, self._on_logins_error)

    def _on_logins(self, entries: list[tuple[str, str, str]]) -> None:
        if not alive(self):
            return
        self.logins_list.clear()
        known = {self.registry_combo.itemText(i) for i in range(self.registry_combo.count())}
        for registry, user, where in entries:
            item = QTreeWidgetItem([registry, user, error_text.login_place(where), ""])
            item.setToolTip(2, where)
            self.logins_list.addTopLevelItem(item)
            button = QPushButton(self.tr("Log out"), self.logins_list)
            button.setObjectName("logoutButton")
            button.setProperty("registry", registry)
            button.setAutoDefault(False)
            if where == "docker config":
                button.setEnabled(False)
                button.setToolTip(self.tr("Docker's login: remove it with docker logout"))
            button.clicked.connect(lambda _checked=False, r=registry, w=where: self.log_out(r, w))
            self.logins_list.setItemWidget(item, 3, button)
            if registry not in known:
                self.registry_combo.addItem(registry)
                known.add(registry)

    def _on_logins_error(self, failure: Failure) -> None:
        if not alive(self):
            return
        self.logins_list.clear()
        self.logins_list.addTopLevelItem(QTreeWidgetItem([error_text.message(failure), "", "", ""]))

    def logout_buttons(self) -> dict[str, QPushButton]:
        out = {}
        for i in range(self.logins_list.topLevelItemCount()):
            item = self.logins_list.topLevelItem(i)
            widget = self.logins_list.itemWidget(item, 3)
            if isinstance(widget, QPushButton):
                out.setdefault(item.text(0), widget)
        return out

    def log_out(self, registry: str, where: str = "keyring") -> None:
        authfile = where.removeprefix("auth.json ") if where.startswith("auth.json ") else None
        self._show_error("")
        self._show_status(self.tr("Logging out of {registry}…").format(registry=registry))
        self.tasks.run(lambda: credentials.logout(registry, authfile),
                       lambda _r: self._on_logged_out(registry), self._on_logout_failed)

    def _on_logged_out(self, registry: str) -> None:
        if not alive(self):
            return
        self._show_status(self.tr("Logged out of {registry}.").format(registry=registry))
        self.refresh_logins()
        self.logged_out.emit(registry)

    def _on_logout_failed(self, failure: Failure) -> None:
        if alive(self):
            self._show_error(error_text.message(failure))
