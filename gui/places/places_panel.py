"""The places list beside the right-hand view: Estiba's store, the registries (logged in, or used before) and
the engines' slots (Podman, Docker), in one QListView over a PlacesModel; selecting a place shows its view
in the stack on the right. Files dropped on a place that accepts them go to that place."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QAbstractItemView, QListView, QSplitter, QStackedWidget, QWidget

from gui.models.image_drag import dragged_images
from gui.places.engine_place import DOCKER, PODMAN, EnginePlace
from gui.places.place import Place
from gui.places.place_delegate import PlaceDelegate
from gui.places.places_model import PlaceRole, PlacesModel
from gui.places.registry_place import RegistryPlace
from gui.places.store_place import StorePlace


def _local_paths(event: QDropEvent) -> list[str]:
    mime = event.mimeData()
    return [u.toLocalFile() for u in mime.urls() if u.isLocalFile() and u.toLocalFile()] if mime.hasUrls() else []


class PlacesList(QListView):
    """The list itself; a drag of local files is accepted only over a place that takes drops."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("placesList")
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setUniformItemSizes(False)
        self.setItemDelegate(PlaceDelegate(self))

    def _target(self, event) -> Place | None:
        place = self.indexAt(event.position().toPoint()).data(PlaceRole)
        if place is None:
            return None
        dragged = dragged_images(event.mimeData())
        if dragged is not None:
            return place if place.accepts_images(dragged) else None
        return place if place.accepts_drops() and _local_paths(event) else None

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if _local_paths(event) or dragged_images(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        if self._target(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        place = self._target(event)
        if place is None:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        dragged = dragged_images(event.mimeData())
        if dragged is not None:
            place.drop_images(dragged)
        else:
            place.drop(_local_paths(event))


class PlacesPanel(QSplitter):
    place_shown = Signal(object)  # the Place whose view is now on the right
    registries_listed = Signal()  # the logins were read and the registry places updated (tests wait on it)

    def __init__(self, window, table_page: QWidget) -> None:
        super().__init__(Qt.Orientation.Horizontal, window)
        self.setObjectName("placesSplitter")
        self.window = window
        self.model = PlacesModel(self)
        self.list = PlacesList(self)
        self.list.setModel(self.model)
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("placeStack")
        self.addWidget(self.list)
        self.addWidget(self.stack)
        self.setStretchFactor(1, 4)
        self.setChildrenCollapsible(False)
        char = self.fontMetrics().horizontalAdvance("x")
        self.list.setMinimumWidth(char * 14)
        self.setSizes([char * 28, char * 120])

        self.store = StorePlace(window, table_page)
        self.model.add(self.store)
        for engine in (PODMAN, DOCKER):
            self.model.add(EnginePlace(engine, None, self))
        for registry in window.settings.registry_history:
            self.add_registry(registry)
        self.list.selectionModel().selectionChanged.connect(self._on_selection)
        self.select(self.store.key)
        window.login_changed.connect(self.refresh_registries)
        self.refresh_registries()

    # -- plugging places in ---------------------------------------------------------------------------------

    def set_engine_backend(self, engine: str, backend: object | None) -> EnginePlace:
        """Give the Podman or Docker slot its backend (see gui/places/engine_place.py for what it offers)."""
        key = f"engine:{engine}"
        was_shown = self.current() is self.model.place(key)
        old = self.model.place(key)
        if old is not None and old._view is not None:
            self.stack.removeWidget(old._view)
        self.model.remove(key)
        place = EnginePlace(engine, backend, self)
        self.model.add(place)
        if was_shown:
            self.select(key)
        return place

    def add_registry(self, registry: str, user: str | None = None) -> RegistryPlace:
        place = self.model.place(f"registry:{registry}")
        if place is None:
            place = RegistryPlace(self.window, registry, user)
            self.model.add(place)
        elif user is not None:
            place.set_user(user)
        return place

    @Slot()
    def refresh_registries(self) -> None:
        """Read the logins on a worker (keyring and auth files may be slow) and add the registries."""
        from gui import logins

        self.window.tasks.run(logins.logins, self._on_logins, lambda failure: self.registries_listed.emit())

    def _on_logins(self, found: list[tuple[str, str, str]]) -> None:
        users: dict[str, str] = {}
        for registry, user, _where in found:
            users.setdefault(registry, user)
        for place in self.model.places():
            if isinstance(place, RegistryPlace) and place.registry not in users:
                place.set_user(None)
        for registry, user in users.items():
            self.add_registry(registry, user)
        for registry in self.window.settings.registry_history:
            self.add_registry(registry)
        self.registries_listed.emit()

    # -- showing a place ------------------------------------------------------------------------------------

    def current(self) -> Place | None:
        rows = self.list.selectionModel().selectedRows()
        return rows[0].data(PlaceRole) if rows else None

    def select(self, key: str) -> bool:
        row = self.model.row_of(key)
        if row < 0:
            return False
        self.list.setCurrentIndex(self.model.index(row))
        return True

    @Slot(QItemSelection, QItemSelection)
    def _on_selection(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            self._show(indexes[0])

    def _show(self, index: QModelIndex) -> None:
        place: Place = index.data(PlaceRole)
        view = place.view(self.stack)
        if self.stack.indexOf(view) < 0:
            self.stack.addWidget(view)
        self.stack.setCurrentWidget(view)
        place.activated()
        self.place_shown.emit(place)
