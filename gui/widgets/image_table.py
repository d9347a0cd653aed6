"""The image table view: row selection, several at once, sorting by clicking a header, a context menu."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from gui import humanize
from gui.models.image_filter_proxy import ImageFilterProxy
from gui.models.image_rows import ImageRow
from gui.models.image_table_model import COL_CREATED, COL_ID, COL_PLATFORM, COL_REPOSITORY, COL_SIZE, COL_TAG, RowRole


class ImageTableView(QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageTable")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSortingEnabled(True)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSectionsMovable(True)
        self.setAcceptDrops(False)  # drops go to the main window
        self.setDragEnabled(True)  # rows dragged onto another place of the places list are copied there
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        # Tab moves on to the next widget (the filter, the transfers), not from cell to cell of a row table.
        self.setTabKeyNavigation(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt name
        """The Menu key and Shift+F10 open the context menu at the current row, as a right click would."""
        key, mods = event.key(), event.modifiers()
        if key == Qt.Key.Key_Menu or (key == Qt.Key.Key_F10 and mods & Qt.KeyboardModifier.ShiftModifier):
            self.customContextMenuRequested.emit(self.keyboard_menu_pos())
            event.accept()
            return
        super().keyPressEvent(event)

    def keyboard_menu_pos(self) -> QPoint:
        """Where a menu opened from the keyboard goes: on the current row (viewport coordinates)."""
        current = self.currentIndex()
        if current.isValid():
            rect = self.visualRect(current)
            if rect.intersects(self.viewport().rect()):
                return QPoint(rect.left() + min(rect.width(), 24), rect.center().y())
        return QPoint(8, 8)

    def setModel(self, model) -> None:  # noqa: N802 - Qt name
        super().setModel(model)
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        fm = self.fontMetrics()
        widths = {COL_TAG: "1.24.3-alpine", COL_ID: "0123456789ab", COL_CREATED: humanize.relative_time(
                  dt.datetime(2000, 1, 1, tzinfo=dt.UTC), dt.datetime(2000, 12, 1, tzinfo=dt.UTC)),
                  COL_SIZE: "999 MB", COL_PLATFORM: "linux/amd64, linux/arm64 +9"}
        for col, sample in widths.items():
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, fm.horizontalAdvance(sample) + 24)
        header.setSectionResizeMode(COL_REPOSITORY, QHeaderView.ResizeMode.Stretch)
        self.sortByColumn(COL_CREATED, Qt.SortOrder.DescendingOrder)

    def proxy(self) -> ImageFilterProxy:
        return self.model()  # type: ignore[return-value]

    def selected_rows(self) -> list[ImageRow]:
        rows = []
        for index in sorted(self.selectionModel().selectedRows(), key=lambda i: i.row()):
            row = index.data(RowRole)
            if row is not None:
                rows.append(row)
        return rows

    def rows_for_menu_at(self, pos: QPoint) -> list[ImageRow]:
        """The rows a context menu at `pos` acts on: a right-click outside the selection selects that row first."""
        index = self.indexAt(pos)
        if index.isValid() and not self.selectionModel().isRowSelected(index.row(), index.parent()):
            self.select_view_rows([index.row()])
        return self.selected_rows()

    def row_at_view_row(self, view_row: int) -> ImageRow | None:
        return self.model().index(view_row, 0).data(RowRole)

    def select_view_rows(self, view_rows: list[int]) -> None:
        selection = QItemSelection()
        model = self.model()
        for r in view_rows:
            selection.select(model.index(r, 0), model.index(r, model.columnCount() - 1))
        self.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        if view_rows:
            self.selectionModel().setCurrentIndex(model.index(view_rows[0], 0),
                                                  QItemSelectionModel.SelectionFlag.NoUpdate)
