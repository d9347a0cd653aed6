"""Settings: store location, parallel jobs and layers, export defaults, insecure registries, language."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from engine.store import default_root
from gui.dialogs import files
from gui.dialogs.common import field_with_button, fit_width, labelled_row, setup_dialog, stack
from gui.names import FORMAT_LABELS
from gui.resources import translations_dir
from gui.settings import COMPRESSIONS, EXPORT_FORMATS, AppSettings

COMPRESSION_LABELS = {"": "As stored (no recompression)", "gzip": "gzip", "zstd": "zstd", "none": "Uncompressed"}


def available_languages() -> list[tuple[str, str]]:
    """(code, label): English plus every estiba_<code>.qm shipped in resources/translations."""
    from PySide6.QtCore import QLocale

    out = [("en", "English")]
    folder = translations_dir()
    if folder.is_dir():
        for qm in sorted(folder.glob("estiba_*.qm")):
            code = qm.stem.removeprefix("estiba_")
            out.append((code, QLocale(code).nativeLanguageName() or code))
    return out


class SettingsDialog(QDialog):
    applied = Signal(object)  # set of the setting names that changed

    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        setup_dialog(self, "settingsDialog", "Settings")
        self.settings = settings

        self.store_edit = QLineEdit(settings.store_path, self)
        self.store_edit.setObjectName("storeEdit")
        self.store_edit.setPlaceholderText(default_root())
        self.store_browse = QPushButton("Browse…", self)
        self.store_browse.setObjectName("storeBrowseButton")
        self.store_browse.clicked.connect(self._browse_store)
        self.jobs_spin = QSpinBox(self)
        self.jobs_spin.setObjectName("parallelJobsSpin")
        self.jobs_spin.setRange(1, 16)
        self.jobs_spin.setValue(settings.parallel_jobs)
        self.layers_spin = QSpinBox(self)
        self.layers_spin.setObjectName("parallelLayersSpin")
        self.layers_spin.setRange(1, 32)
        self.layers_spin.setValue(settings.parallel_layers)
        self.format_combo = QComboBox(self)
        self.format_combo.setObjectName("exportFormatCombo")
        for fmt in EXPORT_FORMATS:
            self.format_combo.addItem(FORMAT_LABELS[fmt], fmt)
        self.format_combo.setCurrentIndex(self.format_combo.findData(settings.export_format))
        self.compression_combo = QComboBox(self)
        self.compression_combo.setObjectName("compressionCombo")
        for value in COMPRESSIONS:
            self.compression_combo.addItem(COMPRESSION_LABELS[value], value)
        self.compression_combo.setCurrentIndex(self.compression_combo.findData(settings.compression))
        self.insecure_edit = QPlainTextEdit("\n".join(settings.insecure_registries), self)
        self.insecure_edit.setObjectName("insecureRegistriesEdit")
        self.insecure_edit.setPlaceholderText("registry.local:5000\n(one per line: TLS is not verified for these)")
        self.insecure_edit.setMaximumHeight(self.fontMetrics().height() * 5)
        self.language_combo = QComboBox(self)
        self.language_combo.setObjectName("languageCombo")
        self.language_combo.addItem("Follow the system", "system")
        for code, label in available_languages():
            self.language_combo.addItem(label, code)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(settings.language)))
        note = QLabel("A new store location or language takes effect at once for the image list and after a "
                      "restart for the language.", self)
        note.setWordWrap(True)
        note.setObjectName("settingsNote")

        form = QFormLayout()
        labelled_row(form, self.tr("Image &store:"), self.store_edit, field_with_button(self.store_edit,
                                                                                          self.store_browse))
        form.addRow("Transfers at &once:", self.jobs_spin)
        form.addRow("&Layers in parallel:", self.layers_spin)
        form.addRow("Default export &format:", self.format_combo)
        form.addRow("Default &compression:", self.compression_combo)
        form.addRow("&Insecure registries:", self.insecure_edit)
        form.addRow("&Language:", self.language_combo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                   self)
        buttons.button(QDialogButtonBox.StandardButton.Save).setObjectName("saveButton")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName("cancelButton")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        stack(self, form, note, buttons)
        fit_width(self, 70)

    def _browse_store(self) -> None:
        path = files.ask_store_directory(self, self.store_edit.text() or default_root())
        if path:
            self.store_edit.setText(path)

    def save(self) -> None:
        s = self.settings
        new = {
            "store_path": self.store_edit.text().strip(),
            "parallel_jobs": self.jobs_spin.value(),
            "parallel_layers": self.layers_spin.value(),
            "export_format": self.format_combo.currentData(),
            "compression": self.compression_combo.currentData(),
            "insecure_registries": [line.strip() for line in self.insecure_edit.toPlainText().splitlines()
                                    if line.strip()],
            "language": self.language_combo.currentData(),
        }
        changed = {key for key, value in new.items() if getattr(s, key) != value}
        for key in changed:
            setattr(s, key, new[key])
        self.applied.emit(changed)
        self.accept()
