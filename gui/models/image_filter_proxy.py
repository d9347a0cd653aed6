"""Filter box and sorting for the image table. Sort keys are compared in Python (no 32-bit truncation)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel

from gui.models.image_table_model import RowRole, SortRole

Index = QModelIndex | QPersistentModelIndex


class ImageFilterProxy(QSortFilterProxyModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self.setSortRole(SortRole)
        self.setDynamicSortFilter(True)

    def set_filter_text(self, text: str) -> None:
        self.beginFilterChange()
        self._words = text.lower().split()
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._words:
            return True
        model = self.sourceModel()
        row = model.data(model.index(source_row, 0, source_parent), RowRole)
        if row is None:
            return False
        haystack = " ".join((row.repository, row.tag, row.record.hex, row.platform, row.name or "")).lower()
        return all(word in haystack for word in self._words)

    def lessThan(self, left: Index, right: Index) -> bool:
        model = self.sourceModel()
        a, b = model.data(left, SortRole), model.data(right, SortRole)
        try:
            return a < b
        except TypeError:
            return str(a) < str(b)
