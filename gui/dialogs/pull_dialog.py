"""Pull an image into the store: a registry reference (completed from history) or a file transport chosen
with Browse, and which platform to take from a multi-platform image."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QFormLayout,
    QMenu,
    QToolButton,
    QWidget,
)

from engine.errors import InvalidInput
from engine.platform import Platform, host
from gui.dialogs import files
from gui.dialogs.common import (
    action_buttons,
    error_label,
    field_with_button,
    fit_width,
    labelled_row,
    setup_dialog,
    show_error,
    stack,
)
from gui.jobs.options import TLS_FIXED_TIP, TLS_TIP, supports_tls_choice
from gui.names import is_public_registry, registry_of
from gui.settings import AppSettings

HOST, ALL = "host", "all"
PLATFORMS = ("linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6", "linux/386", "linux/ppc64le",
             "linux/s390x", "linux/riscv64", "windows/amd64")
# (transport, menu text, object name)
BROWSE = (("oci-archive", "OCI archive file…", "browse_oci_archive"),
          ("docker-archive", "Docker archive file…", "browse_docker_archive"),
          ("oci", "OCI layout directory…", "browse_oci"),
          ("dir", "dir: directory…", "browse_dir"))
TRANSPORT_PREFIXES = ("docker://", "docker-archive:", "oci-archive:", "oci:", "dir:")


class PullDialog(QDialog):
    pull_requested = Signal(object)  # dict(source, platform, all_platforms, tls_verify)

    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        setup_dialog(self, "pullDialog", "Pull an image")
        self.settings = settings

        self.source_combo = QComboBox(self)
        self.source_combo.setObjectName("sourceCombo")
        self.source_combo.setEditable(True)
        self.source_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        history = settings.pull_history
        self.source_combo.addItems(history)
        self.source_combo.setCurrentText("")
        self.source_combo.lineEdit().setPlaceholderText("quay.io/team/app:1.0, or Browse for a file")
        completer = QCompleter(history, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.source_combo.setCompleter(completer)
        self.source_combo.currentTextChanged.connect(self._source_changed)

        self.browse_button = QToolButton(self)
        self.browse_button.setObjectName("browseButton")
        self.browse_button.setText("Browse…")
        self.browse_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.browse_menu = QMenu(self.browse_button)
        self.browse_menu.setObjectName("browseMenu")
        for transport, text, name in BROWSE:
            action = self.browse_menu.addAction(text)
            action.setObjectName(name)
            action.triggered.connect(partial(self.browse, transport))
        self.browse_button.setMenu(self.browse_menu)

        self.platform_combo = QComboBox(self)
        self.platform_combo.setObjectName("platformCombo")
        self.platform_combo.setEditable(True)
        self.platform_combo.addItem(f"This computer ({host()})", HOST)
        self.platform_combo.addItem("All platforms (keep the whole multi-platform image)", ALL)
        for plat in PLATFORMS:
            self.platform_combo.addItem(plat, plat)
        self.platform_combo.setToolTip("Which image to take from a multi-platform image; os/arch[/variant]")

        self.tls_check = QCheckBox("Verify the registry's TLS certificate", self)
        self.tls_check.setObjectName("tlsVerifyCheck")
        self.error_label = error_label(self)
        self.buttons, self.pull_button = action_buttons(self, "Pull", "pullButton", self.submit)

        form = QFormLayout()
        labelled_row(form, self.tr("&Image:"), self.source_combo, field_with_button(self.source_combo,
                                                                                    self.browse_button))
        form.addRow("&Platform:", self.platform_combo)
        form.addRow("", self.tls_check)
        stack(self, form, self.error_label, self.buttons)
        fit_width(self, 76)
        self._source_changed("")

    def source(self) -> str:
        return self.source_combo.currentText().strip()

    def browse(self, transport: str) -> None:
        path = files.ask_source_path(self, transport, self.settings.last_dir)
        if path:
            self.source_combo.setCurrentText(f"{transport}:{path}")

    def _source_changed(self, text: str) -> None:
        reg = registry_of(text) if text.strip() else None
        custom = reg is not None and not is_public_registry(reg)
        self.tls_check.setVisible(reg is not None)
        self.tls_check.setEnabled(custom and supports_tls_choice())
        self.tls_check.setToolTip(TLS_TIP if supports_tls_choice() else TLS_FIXED_TIP)
        self.tls_check.setChecked(not (custom and self.settings.is_insecure(reg or "")))

    def platform_choice(self) -> tuple[str | None, bool]:
        """(platform text or None for the host's, all_platforms). InvalidInput for a malformed platform."""
        index = self.platform_combo.currentIndex()
        text = self.platform_combo.currentText().strip()
        data = self.platform_combo.itemData(index) if index >= 0 and self.platform_combo.itemText(index) == text \
            else None
        if data == HOST:
            return None, False
        if data == ALL:
            return None, True
        return str(Platform.parse(text)), False

    def submit(self) -> None:
        source = self.source()
        if not source:
            show_error(self.error_label, "Give an image to pull, such as quay.io/team/app:1.0, or Browse for a file.")
            return
        if not source.startswith(TRANSPORT_PREFIXES) and registry_of(source) is None:
            show_error(self.error_label, f"{source!r} is not a valid image name: write host/repository:tag "
                       "(lowercase), or Browse for a file.")
            return
        try:
            platform, all_platforms = self.platform_choice()
        except InvalidInput as exc:
            show_error(self.error_label, str(exc))
            return
        reg = registry_of(source)
        tls_verify = False if reg is not None and self.tls_check.isEnabled() and not self.tls_check.isChecked() \
            else None
        self.settings.remember_pull(source)
        self.pull_requested.emit({"source": source, "platform": platform, "all_platforms": all_platforms,
                                  "tls_verify": tls_verify})
        self.accept()
