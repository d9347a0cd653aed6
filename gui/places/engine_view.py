"""An engine's view on the right of the places list: the state bar (gui/places/engine_states.py) over the
engine's images in the store's own table (the same columns, sorting and filter: ImageTableView over an
ImageTableModel and ImageFilterProxy), with its own right-click menu (gui/places/engine_menu.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QVBoxLayout, QWidget

from engine.store import ImageRecord
from gui.models.image_filter_proxy import ImageFilterProxy
from gui.models.image_rows import ImageRow
from gui.models.image_table_model import ImageTableModel
from gui.places.engine_menu import build_engine_menu
from gui.widgets.image_table import ImageTableView

if TYPE_CHECKING:
    from gui.places.engine_backend import EngineBackend


class EngineView(QWidget):
    def __init__(self, backend: EngineBackend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from gui.places.engine_states import EngineStateBar

        self.backend = backend
        self.setObjectName(f"{backend.kind}View")
        self.state_bar = EngineStateBar(backend.kind, self)
        self.state_bar.start_requested.connect(backend.start_service)
        self.model = ImageTableModel(self, place=backend.kind)
        self.proxy = ImageFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = ImageTableView(self)
        self.table.setObjectName(f"{backend.kind}Table")
        self.table.setModel(self.proxy)
        self.table.customContextMenuRequested.connect(self._on_context_menu)
        self.remove_action = QAction(self)
        self.remove_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.remove_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.remove_action.triggered.connect(lambda: backend.commands.remove(self.selected_rows()))
        self.table.addAction(self.remove_action)
        self.menu: QMenu | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.state_bar)
        layout.addWidget(self.table, 1)

    def set_filter_text(self, text: str) -> None:
        self.proxy.set_filter_text(text)

    def set_records(self, records: list[ImageRecord]) -> None:
        keep = {(r.record.id, r.name) for r in self.selected_rows()}
        self.model.set_records(records)
        if keep:
            rows = [i for i in range(self.proxy.rowCount())
                    if (row := self.table.row_at_view_row(i)) is not None and (row.record.id, row.name) in keep]
            self.table.select_view_rows(rows)

    def selected_rows(self) -> list[ImageRow]:
        return self.table.selected_rows()

    @Slot(QPoint)
    def _on_context_menu(self, pos: QPoint) -> None:
        rows = self.table.rows_for_menu_at(pos)
        if rows:
            self.context_menu(rows).popup(self.table.viewport().mapToGlobal(pos))

    def context_menu(self, rows: list[ImageRow]) -> QMenu:
        self.menu = build_engine_menu(self, self.backend.kind, rows, self.backend.commands)
        return self.menu
