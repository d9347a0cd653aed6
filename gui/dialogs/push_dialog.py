"""Push one image: where to (prefilled from its name), whether you are logged in there, TLS, compression."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from gui import error_text
from gui import logins as credentials
from gui.dialogs.common import (
    action_buttons,
    alive,
    error_label,
    fit_width,
    grow_to_fit,
    setup_dialog,
    show_error,
    stack,
)
from gui.dialogs.resolved_name import PUSH, ResolvedName
from gui.jobs.errors import Failure
from gui.jobs.options import tls_tip
from gui.jobs.tasks import TaskRunner
from gui.models.image_rows import ImageRow
from gui.names import FILE_PREFIXES, is_public_registry, registry_of, registry_text
from gui.settings import AppSettings

COMPRESSION_CHOICES = ((QT_TRANSLATE_NOOP("PushDialog", "As stored"), ""), ("gzip", "gzip"), ("zstd", "zstd"),
                       (QT_TRANSLATE_NOOP("PushDialog", "Uncompressed"), "none"))


class PushDialog(QDialog):
    push_requested = Signal(object)  # dict(image, label, destination, compress, tls_verify, manifest_format)
    login_requested = Signal(str)  # registry

    def __init__(self, row: ImageRow, settings: AppSettings, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        setup_dialog(self, "pushDialog", self.tr("Push {image}").format(image=row.label))
        self.row = row
        self.settings = settings
        self.tasks = tasks
        self._status_for: str | None = None

        self.destination_edit = QLineEdit(self)
        self.destination_edit.setObjectName("destinationEdit")
        self.destination_edit.setText(row.name or "")
        self.destination_edit.setPlaceholderText("registry.example.com/team/app:1.0")
        self.destination_edit.setToolTip(self.tr("A registry name (host/repository:tag), or a transport such as "
                                                 "oci-archive:/path/file.tar"))
        self.destination_edit.textChanged.connect(self._destination_changed)
        self.resolved = ResolvedName(PUSH, self)  # the full name, and where registries.conf sends it
        self.login_label = QLabel(self)
        self.login_label.setObjectName("loginStatusLabel")
        self.login_label.setWordWrap(True)
        self.login_label.setTextFormat(Qt.TextFormat.RichText)
        self.login_label.linkActivated.connect(self._login_link)
        self.tls_check = QCheckBox(self.tr("Verify the registry's TLS certificate"), self)
        self.tls_check.setObjectName("tlsVerifyCheck")
        self.compression_combo = QComboBox(self)
        self.compression_combo.setObjectName("compressionCombo")
        for text, value in COMPRESSION_CHOICES:
            self.compression_combo.addItem(self.tr(text), value)
        self.compression_combo.setCurrentIndex(
            max(0, self.compression_combo.findData(settings.compression if settings.compression else "")))
        self.format_combo = QComboBox(self)
        self.format_combo.setObjectName("manifestFormatCombo")
        for text, value in ((self.tr("As stored"), ""), (self.tr("OCI"), "oci"),
                            (self.tr("Docker (v2 schema 2)"), "v2s2")):
            self.format_combo.addItem(text, value)
        self.format_combo.setToolTip(self.tr("The manifest format the registry receives. OCI suits current "
                                             "registries; some older ones and tools accept only Docker's."))
        self.error_label = error_label(self)
        self.buttons, self.push_button = action_buttons(self, self.tr("Push"), "pushButton", self.submit)

        form = QFormLayout()
        form.addRow(self.tr("Image:"), QLabel(f"<b>{row.label}</b> ({row.short_id})", self))
        form.addRow(self.tr("&Destination:"), self.destination_edit)
        form.addRow("", self.resolved)
        form.addRow("", self.login_label)
        form.addRow("", self.tls_check)
        form.addRow(self.tr("&Compression:"), self.compression_combo)
        form.addRow(self.tr("Manifest &format:"), self.format_combo)
        stack(self, form, self.error_label, self.buttons)
        fit_width(self, 72)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(300)
        self._debounce.timeout.connect(self.refresh_login_state)
        self._destination_changed(self.destination_edit.text())
        self.refresh_login_state()

    # -- destination and login state ----------------------------------------------------------------------------

    def registry(self) -> str | None:
        return registry_of(self.destination_edit.text())

    def done(self, result: int) -> None:
        self.resolved.shutdown()
        super().done(result)

    def _destination_changed(self, text: str) -> None:
        self.resolved.set_name(text)
        reg = registry_of(text)
        custom = reg is not None and not is_public_registry(reg)
        self.tls_check.setVisible(reg is not None)
        self.tls_check.setEnabled(custom)
        self.tls_check.setToolTip(tls_tip())
        self.tls_check.setChecked(not (custom and self.settings.is_insecure(reg or "")))
        self.format_combo.setEnabled(reg is not None)  # an archive or directory keeps its own format
        self.login_label.setVisible(reg is not None)
        if reg is not None and reg != self._status_for:
            self._set_login_text(self.tr("Checking the login for {registry}…").format(registry=reg))
        self._debounce.start()

    def _set_login_text(self, text: str) -> None:
        self.login_label.setText(text)
        grow_to_fit(self)  # a longer status wraps onto more lines: never clip its links

    def refresh_login_state(self) -> None:
        reg = self.registry()
        self._status_for = reg
        if reg is None:
            return
        self.tasks.run(lambda: credentials.login_state(reg), self._on_login_state, self._on_login_error)

    def _on_login_state(self, state: credentials.LoginState) -> None:
        if not alive(self) or state.registry != self.registry():
            return
        if state.user:
            where = f" ({state.where})" if state.where else ""
            self._set_login_text(self.tr("Logged in to {registry} as <b>{user}</b>{where}. "
                                         "<a href='{link}'>Log in as someone else…</a>").format(
                registry=state.registry, user=state.user, where=where, link=f"login:{state.registry}"))
        else:
            self._set_login_text(self.tr("Not logged in to {registry}: the push will be anonymous. "
                                         "<a href='{link}'>Log in…</a>").format(
                registry=state.registry, link=f"login:{state.registry}"))

    def _on_login_error(self, failure: Failure) -> None:
        if alive(self):
            self._set_login_text(self.tr("Login status unknown: {error}").format(error=error_text.message(failure)))

    def _login_link(self, link: str) -> None:
        self.login_requested.emit(link.removeprefix("login:"))

    # -- submit -------------------------------------------------------------------------------------------------

    def submit(self) -> None:
        text = self.destination_edit.text().strip()
        if not text:
            show_error(self.error_label, self.tr("Give a destination, such as quay.io/team/app:1.0."))
            return
        reg = registry_of(text)
        if reg is None and not text.startswith(FILE_PREFIXES):
            show_error(self.error_label, self.tr("“{name}” is not a valid image name: write host/repository:tag "
                                                 "(lowercase).").format(name=text))
            return
        tls_verify = None
        if reg is not None and self.tls_check.isEnabled() and not self.tls_check.isChecked():
            tls_verify = False
        self.push_requested.emit({
            "image": self.row.reference,
            "label": self.row.label,
            "destination": registry_text(text),
            "compress": self.compression_combo.currentData() or None,
            "tls_verify": tls_verify,
            "manifest_format": (self.format_combo.currentData() or None) if reg is not None else None,
        })
        self.accept()
