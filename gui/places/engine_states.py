"""Podman's and Docker's states and images for the places list (issue 12). Each engine says its
state in place (its version; not installed; installed but not running, with a button that starts podman's
service; socket not readable, with what to do), probed on a worker thread (engine/engines/status.py) so the
UI thread only draws. Choosing a running engine reads its images on a worker and hands them over as the
store's records, for the same table, columns, sorting and filter. Archives dropped onto a place are handed
over with the place, for the window to load them there.

Not yet plugged into the window's places list (gui/places/engine_place.py set_engine_backend; see
docs/engines.md)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from engine.engines import status
from gui.hints import hint_text
from gui.jobs.tasks import TaskRunner

translate = QCoreApplication.translate
STORE, PODMAN, DOCKER = "store", "podman", "docker"
_KIND_ROLE = Qt.ItemDataRole.UserRole


def state_words(state: status.EngineState) -> str:
    """One line for the state of an engine, in this app's words."""
    name = "Podman" if state.kind == PODMAN else "Docker"
    if state.state == status.RUNNING:
        return translate("EngineStates", "{engine} {version} is running.").format(engine=name, version=state.version)
    if state.state == status.NOT_INSTALLED:
        head = translate("EngineStates", "{engine} is not installed.").format(engine=name)
    elif state.state == status.NOT_READABLE:
        head = translate("EngineStates", "{engine}'s socket {socket} is not readable by you.")
        head = head.format(engine=name, socket=state.socket)
    else:
        head = translate("EngineStates", "{engine} is installed but not running.").format(engine=name)
    extra = hint_text(state.error) if state.error is not None else ""
    return f"{head} {extra}".strip()


class _PlacesList(QListWidget):
    paths_dropped = Signal(str, object)  # place, list[str]

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)

    def _place_at(self, event) -> str | None:
        item = self.itemAt(event.position().toPoint())
        return item.data(_KIND_ROLE) if item is not None else None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasUrls() and self._place_at(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        place = self._place_at(event)
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if place is None or not paths:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.paths_dropped.emit(place, paths)


class PlacesPanel(QWidget):
    place_chosen = Signal(str)  # STORE, PODMAN or DOCKER
    engine_images = Signal(str, object)  # place, list[ImageRecord] (the store's records)
    engine_failed = Signal(str, str)  # place, the error in this app's words
    paths_dropped = Signal(str, object)  # place, list[str]
    start_requested = Signal()  # the user asks for podman's service

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("placesPanel")
        self.tasks = tasks
        self.states: dict[str, status.EngineState] = {}
        self.list = _PlacesList(self)
        self.list.setObjectName("placesList")
        store_title = translate("EngineStates", "Estiba's store")
        for place, title in ((STORE, store_title), (PODMAN, "Podman"), (DOCKER, "Docker")):
            item = QListWidgetItem(title, self.list)
            item.setData(_KIND_ROLE, place)
        self.state_label = QLabel(self)
        self.state_label.setObjectName("placeState")
        self.state_label.setWordWrap(True)
        self.start_button = QPushButton(translate("EngineStates", "Start Podman's service"), self)
        self.start_button.setObjectName("startPodman")
        self.start_button.hide()
        self.start_button.clicked.connect(self.start_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.state_label)
        layout.addWidget(self.start_button)
        self.list.currentItemChanged.connect(self._on_current)
        self.list.paths_dropped.connect(self.paths_dropped)
        self.list.setCurrentRow(0)

    def current_place(self) -> str:
        item = self.list.currentItem()
        return item.data(_KIND_ROLE) if item is not None else STORE

    def item(self, place: str) -> QListWidgetItem:
        for i in range(self.list.count()):
            if self.list.item(i).data(_KIND_ROLE) == place:
                return self.list.item(i)
        raise KeyError(place)

    def probe(self) -> None:
        """Ask both engines for their state (on workers; never blocks the UI thread)."""
        for place in (PODMAN, DOCKER):
            self.tasks.run(lambda p=place: status.probe(p), self._on_state)

    def _on_state(self, state: status.EngineState) -> None:
        self.states[state.kind] = state
        item = self.item(state.kind)
        title = "Podman" if state.kind == PODMAN else "Docker"
        absent = translate("EngineStates", "{engine} (not available)").format(engine=title)
        item.setText(title if state.state == status.RUNNING else absent)
        item.setToolTip(state_words(state))
        if self.current_place() == state.kind:
            self._show_state(state.kind)

    def _show_state(self, place: str) -> None:
        state = self.states.get(place)
        if place == STORE or state is None:
            self.state_label.setText("")
            self.start_button.hide()
            return
        self.state_label.setText(state_words(state))
        self.start_button.setVisible(place == PODMAN and state.state == status.NOT_RUNNING)
        if state.state == status.RUNNING:
            self._read_images(place)

    @Slot()
    def _on_current(self, *args) -> None:
        place = self.current_place()
        self.place_chosen.emit(place)
        self._show_state(place)

    def _read_images(self, place: str) -> None:
        def read() -> list:
            from engine.engines import discovery
            from engine.engines.client import Engine

            with Engine(discovery.find(place, start_service=False)) as engine:
                return engine.images()

        self.tasks.run(read, lambda records: self.engine_images.emit(place, records),
                       lambda failure: self.engine_failed.emit(place, failure.message))
