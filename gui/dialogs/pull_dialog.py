"""Pull an image into the store: a registry reference (completed from history) or a file transport chosen
with Browse, and which platform to take from a multi-platform image."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, Signal, Slot
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

from engine import transports
from engine.errors import InvalidInput
from engine.platform import Platform, host
from gui import error_text
from gui.dialogs import files
from gui.dialogs.common import (
    action_buttons,
    buddy_label,
    error_label,
    field_with_button,
    fit_width,
    setup_dialog,
    show_error,
    stack,
)
from gui.dialogs.resolved_name import PULL, ResolvedName
from gui.jobs.errors import describe
from gui.jobs.options import tls_tip
from gui.names import is_public_registry, registry_of, transport_title
from gui.settings import AppSettings

HOST, ALL = "host", "all"
PLATFORMS = ("linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6", "linux/386", "linux/ppc64le",
             "linux/s390x", "linux/riscv64", "windows/amd64")
# (transport, menu text, object name) for each file and directory transport of engine/transports/
BROWSE = tuple((t.name, t.title, "browse_" + t.name.replace("-", "_")) for t in transports.TRANSPORTS
               if t.holds in (transports.FILE, transports.DIRECTORY))
TRANSPORT_PREFIXES = tuple(t.prefix for t in transports.TRANSPORTS if t.prefix)


class PullDialog(QDialog):
    pull_requested = Signal(object)  # dict(source, platform, all_platforms, tls_verify)

    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        setup_dialog(self, "pullDialog", self.tr("Pull an image"))
        self.settings = settings

        self.source_combo = QComboBox(self)
        self.source_combo.setObjectName("sourceCombo")
        self.source_combo.setEditable(True)
        self.source_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        history = settings.pull_history
        self.source_combo.addItems(history)
        self.source_combo.setCurrentText("")
        self.source_combo.lineEdit().setPlaceholderText(self.tr("quay.io/team/app:1.0, or Browse for a file"))
        completer = QCompleter(history, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.source_combo.setCompleter(completer)
        self.source_combo.currentTextChanged.connect(self._source_changed)

        self.browse_button = QToolButton(self)
        self.browse_button.setObjectName("browseButton")
        self.browse_button.setText(self.tr("Browse…"))
        self.browse_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.browse_menu = QMenu(self.browse_button)
        self.browse_menu.setObjectName("browseMenu")
        for transport, text, name in BROWSE:
            action = self.browse_menu.addAction(transport_title(text) + "…")
            action.setObjectName(name)
            action.triggered.connect(partial(self.browse, transport))
        self.browse_button.setMenu(self.browse_menu)

        self.platform_combo = QComboBox(self)
        self.platform_combo.setObjectName("platformCombo")
        self.platform_combo.setEditable(True)
        self.platform_combo.addItem(self.tr("This computer ({platform})").format(platform=host()), HOST)
        self.platform_combo.addItem(self.tr("All platforms (keep the whole multi-platform image)"), ALL)
        for plat in PLATFORMS:
            self.platform_combo.addItem(plat, plat)
        self.platform_combo.setToolTip(self.tr("Which image to take from a multi-platform image; os/arch[/variant]"))

        self.tls_check = QCheckBox(self.tr("Verify the registry's TLS certificate"), self)
        self.tls_check.setObjectName("tlsVerifyCheck")
        self.resolved = ResolvedName(PULL, self)  # what registries.conf makes of the name, and where it comes from
        self.resolved.chosen.connect(self._candidate_chosen)
        self.error_label = error_label(self)
        self.buttons, self.pull_button = action_buttons(self, self.tr("Pull"), "pullButton", self.submit)

        form = QFormLayout()
        form.addRow(buddy_label(self.tr("&Image:"), self.source_combo, self),
                    field_with_button(self.source_combo, self.browse_button))
        form.addRow("", self.resolved)
        from gui.pull_completion import RegistryCompletion  # tags and repositories from the registry itself

        self.completion = RegistryCompletion(self.source_combo, history, self._tls_for, self)
        form.addRow("", self.completion.warning)
        form.addRow(self.tr("&Platform:"), self.platform_combo)
        form.addRow("", self.tls_check)
        stack(self, form, self.error_label, self.buttons)
        fit_width(self, 76)
        self._source_changed("")

    def _tls_for(self, registry: str) -> bool | None:
        return False if not is_public_registry(registry) and self.settings.is_insecure(registry) else None

    def source(self) -> str:
        return self.source_combo.currentText().strip()

    def browse(self, transport: str) -> None:
        path = files.ask_source_path(self, transport, self.settings.last_dir)
        if path:
            self.source_combo.setCurrentText(f"{transport}:{path}")

    @Slot(str)
    def _candidate_chosen(self, name: str) -> None:
        self.source_combo.setCurrentText(name)

    def done(self, result: int) -> None:
        self.resolved.shutdown()
        super().done(result)

    def _source_changed(self, text: str) -> None:
        self.resolved.set_name(text)
        reg = registry_of(text) if text.strip() else None
        custom = reg is not None and not is_public_registry(reg)
        self.tls_check.setVisible(reg is not None)
        self.tls_check.setEnabled(custom)
        self.tls_check.setToolTip(tls_tip())
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
            show_error(self.error_label,
                       self.tr("Give an image to pull, such as quay.io/team/app:1.0, or Browse for a file."))
            return
        if not source.startswith(TRANSPORT_PREFIXES) and registry_of(source) is None:
            show_error(self.error_label, self.tr("“{name}” is not a valid image name: write host/repository:tag "
                                                 "(lowercase), or Browse for a file.").format(name=source))
            return
        res = self.resolved.result
        if res is not None and getattr(res, "ambiguous", False) and res.mode == "enforcing":
            show_error(self.error_label, self.tr("Several registries may hold “{name}”: pick one of the names "
                                                 "listed under it.").format(name=source))
            return
        try:
            platform, all_platforms = self.platform_choice()
        except InvalidInput as exc:
            show_error(self.error_label, error_text.message(describe(exc)))
            return
        reg = registry_of(source)
        tls_verify = False if reg is not None and self.tls_check.isEnabled() and not self.tls_check.isChecked() \
            else None
        self.settings.remember_pull(source)
        self.pull_requested.emit({"source": source, "platform": platform, "all_platforms": all_platforms,
                                  "tls_verify": tls_verify})
        self.accept()
