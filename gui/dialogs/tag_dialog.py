"""Give an image another name (also the way to name a `<none>` image)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QWidget

from engine.store import Store
from gui import error_text
from gui.dialogs.common import action_buttons, alive, error_label, fit_width, setup_dialog, show_error, stack
from gui.jobs.errors import Failure
from gui.jobs.tasks import TaskRunner
from gui.models.image_rows import ImageRow


class TagDialog(QDialog):
    tagged = Signal(object)  # list of the full names given

    def __init__(self, row: ImageRow, store_root: str, tasks: TaskRunner, parent: QWidget | None = None,
                 tagger: Callable[[str], list[str]] | None = None) -> None:
        super().__init__(parent)
        self.tagger = tagger  # how another place (an engine) names the image; None: the store
        setup_dialog(self, "tagDialog", self.tr("Tag {image}").format(image=row.label))
        self.row = row
        self.store_root = store_root
        self.tasks = tasks
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("nameEdit")
        self.name_edit.setPlaceholderText("registry.example.com/team/app:1.0")
        if row.name:
            self.name_edit.setText(row.repository + ":")
        self.error_label = error_label(self)
        self.buttons, self.tag_button = action_buttons(self, self.tr("Tag"), "tagButton", self.submit)
        form = QFormLayout()
        form.addRow(self.tr("Image:"), QLabel(f"<b>{row.label}</b> ({row.short_id})", self))
        form.addRow(self.tr("&New name:"), self.name_edit)
        stack(self, form, self.error_label, self.buttons)
        fit_width(self, 64)

    def submit(self) -> None:
        name = self.name_edit.text().strip()
        if not name:
            show_error(self.error_label, self.tr("Give a name, such as myapp:1.0 or quay.io/team/app:1.0."))
            return
        image_id, root, tagger = self.row.record.hex, self.store_root, self.tagger
        self.tag_button.setEnabled(False)
        work = (lambda: tagger(name)) if tagger is not None else (lambda: Store(root).tag(image_id, [name]))
        self.tasks.run(work, self._on_tagged, self._on_failed)

    def _on_tagged(self, names: list[str]) -> None:
        if not alive(self):
            return
        self.tagged.emit(names)
        self.accept()

    def _on_failed(self, failure: Failure) -> None:
        if not alive(self):
            return
        self.tag_button.setEnabled(True)
        show_error(self.error_label, error_text.message(failure))
