"""The places list's model: one row per Place (gui/places/place.py), in the order the list shows them —
Estiba's store, the registries, then the engines. Title and state line are one display text of two lines."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Slot

from gui.places.place import ENGINE, REGISTRY, STORE, Place

PlaceRole = Qt.ItemDataRole.UserRole + 1  # the Place object
StateRole = Qt.ItemDataRole.UserRole + 2  # its state line alone
_ORDER = {STORE: 0, REGISTRY: 1, ENGINE: 2}
Index = QModelIndex | QPersistentModelIndex


class PlacesModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._places: list[Place] = []

    def places(self) -> list[Place]:
        return list(self._places)

    def place(self, key: str) -> Place | None:
        return next((p for p in self._places if p.key == key), None)

    def row_of(self, key: str) -> int:
        return next((i for i, p in enumerate(self._places) if p.key == key), -1)

    def add(self, place: Place) -> None:
        """Insert after the last place of the same kind (store, registries, engines stay grouped)."""
        if self.place(place.key) is not None:
            return
        rank = _ORDER.get(place.kind, 3)
        row = next((i for i, p in enumerate(self._places) if _ORDER.get(p.kind, 3) > rank), len(self._places))
        self.beginInsertRows(QModelIndex(), row, row)
        self._places.insert(row, place)
        self.endInsertRows()
        place.changed.connect(self._on_changed)

    def remove(self, key: str) -> None:
        row = self.row_of(key)
        if row >= 0:
            self.beginRemoveRows(QModelIndex(), row, row)
            self._places.pop(row)
            self.endRemoveRows()

    @Slot()
    def _on_changed(self) -> None:
        sender = self.sender()
        for row, place in enumerate(self._places):
            if place is sender:
                self.dataChanged.emit(self.index(row), self.index(row))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's signature
        return 0 if parent.isValid() else len(self._places)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - callable without a parent
        return 0 if parent.isValid() else 1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._places):
            return None
        place = self._places[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            state = place.state_text()
            return f"{place.title()}\n{state}" if state else place.title()
        if role == Qt.ItemDataRole.DecorationRole:
            return place.icon()
        if role == Qt.ItemDataRole.ToolTipRole:
            return place.state_text() or place.title()
        if role == PlaceRole:
            return place
        if role == StateRole:
            return place.state_text()
        return None
