"""Give an image another name (also the way to name a `<none>` image)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from engine.store import Store
from gui.jobs.errors import Failure
from gui.jobs.tasks import TaskRunner
from gui.models.image_rows import ImageRow


class TagDialog(QDialog):
    tagged = Signal(object)  # list of the full names given

    def __init__(self, row: ImageRow, store_root: str, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tagDialog")
        self.setWindowTitle(f"Tag {row.label}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.row = row
        self.store_root = store_root
        self.tasks = tasks
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("nameEdit")
        self.name_edit.setPlaceholderText("registry.example.com/team/app:1.0")
        if row.name:
            self.name_edit.setText(row.repository + ":")
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #d64541;")
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName("cancelButton")
        self.tag_button = self.buttons.addButton("Tag", QDialogButtonBox.ButtonRole.AcceptRole)
        self.tag_button.setObjectName("tagButton")
        self.tag_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Image:", QLabel(f"<b>{row.label}</b> ({row.short_id})", self))
        form.addRow("&New name:", self.name_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(self.fontMetrics().horizontalAdvance("x") * 64, self.sizeHint().height())

    def submit(self) -> None:
        name = self.name_edit.text().strip()
        if not name:
            self._error("Give a name, such as myapp:1.0 or quay.io/team/app:1.0.")
            return
        image_id, root = self.row.record.hex, self.store_root
        self.tag_button.setEnabled(False)
        self.tasks.run(lambda: Store(root).tag(image_id, [name]), self._on_tagged, self._on_failed)

    def _on_tagged(self, names: list[str]) -> None:
        if not self._alive():
            return
        self.tagged.emit(names)
        self.accept()

    def _on_failed(self, failure: Failure) -> None:
        if not self._alive():
            return
        self.tag_button.setEnabled(True)
        self._error(failure.message)

    def _error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(True)

    def _alive(self) -> bool:
        try:
            self.objectName()
        except RuntimeError:
            return False
        return True
