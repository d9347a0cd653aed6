"""Settings: store location, parallel jobs and layers, export defaults, insecure registries, language."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
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
from gui.dialogs.common import buddy_label, field_with_button, fit_width, setup_dialog, stack
from gui.names import format_label
from gui.resources import translations_dir
from gui.settings import COMPRESSIONS, EXPORT_FORMATS, AppSettings

COMPRESSION_LABELS = {"": QT_TRANSLATE_NOOP("SettingsDialog", "As stored (no recompression)"), "gzip": "gzip",
                      "zstd": "zstd", "none": QT_TRANSLATE_NOOP("SettingsDialog", "Uncompressed")}


ENDONYMS = {"es": "Español"}


def available_languages() -> list[tuple[str, str]]:
    """(code, label): English plus every estiba_<code>.qm shipped in resources/translations."""
    from PySide6.QtCore import QLocale

    out = [("en", "English")]
    folder = translations_dir()
    if folder.is_dir():
        for qm in sorted(folder.glob("estiba_*.qm")):
            code = qm.stem.removeprefix("estiba_")
            if code == "en":  # English plural forms only: English is already listed
                continue
            # a language names itself ("Español"); Qt's native name may add the territory ("español de España")
            native = ENDONYMS.get(code) or QLocale(code).nativeLanguageName() or code
            out.append((code, native[:1].upper() + native[1:]))
    return out


class SettingsDialog(QDialog):
    applied = Signal(object)  # set of the setting names that changed

    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        setup_dialog(self, "settingsDialog", self.tr("Settings"))
        self.settings = settings

        self.store_edit = QLineEdit(settings.store_path, self)
        self.store_edit.setObjectName("storeEdit")
        self.store_edit.setPlaceholderText(default_root())
        self.store_browse = QPushButton(self.tr("Browse…"), self)
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
            self.format_combo.addItem(format_label(fmt), fmt)
        self.format_combo.setCurrentIndex(self.format_combo.findData(settings.export_format))
        self.compression_combo = QComboBox(self)
        self.compression_combo.setObjectName("compressionCombo")
        for value in COMPRESSIONS:
            self.compression_combo.addItem(self.tr(COMPRESSION_LABELS[value]), value)
        self.compression_combo.setCurrentIndex(self.compression_combo.findData(settings.compression))
        self.insecure_edit = QPlainTextEdit("\n".join(settings.insecure_registries), self)
        self.insecure_edit.setObjectName("insecureRegistriesEdit")
        self.insecure_edit.setPlaceholderText(
            "registry.local:5000\n" + self.tr("(one per line: TLS is not verified for these)"))
        self.insecure_edit.setMaximumHeight(self.fontMetrics().height() * 5)
        self.language_combo = QComboBox(self)
        self.language_combo.setObjectName("languageCombo")
        self.language_combo.addItem(self.tr("Follow the system"), "system")
        for code, label in available_languages():
            self.language_combo.addItem(label, code)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(settings.language)))
        note = QLabel(self.tr("A new store location takes effect at once; a new language when Estiba starts "
                              "again."), self)
        note.setWordWrap(True)
        note.setObjectName("settingsNote")

        form = QFormLayout()
        form.addRow(buddy_label(self.tr("Image &store:"), self.store_edit, self),
                    field_with_button(self.store_edit, self.store_browse))
        form.addRow(self.tr("Transfers at &once:"), self.jobs_spin)
        form.addRow(self.tr("Layers in &parallel:"), self.layers_spin)
        form.addRow(self.tr("Default export &format:"), self.format_combo)
        form.addRow(self.tr("Default &compression:"), self.compression_combo)
        form.addRow(self.tr("&Insecure registries:"), self.insecure_edit)
        form.addRow(self.tr("&Language:"), self.language_combo)
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
