"""Slots for the container engines (Podman, Docker). Until an engine backend is plugged in, the place says
"not available yet" and its view says so too; with a backend, the place shows what the backend reports.

A backend is any object with (all optional but `make_view`):
    state_text() -> str            the state line: version, "not running", "socket not readable"...
    make_view(parent) -> QWidget   the engine's images in the right-hand view
    accepts_drops() -> bool        and drop(paths) to load archives into the engine
    accepts_images(dragged) -> bool  and drop_images(dragged): image rows of another place copied here
    activated()                    the place was selected (refresh on a worker)
    changed                        a Signal the backend emits when its state line changes
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QLabel, QWidget

from gui import icons
from gui.places.place import ENGINE, Place

PODMAN, DOCKER = "podman", "docker"


class EnginePlace(Place):
    kind = ENGINE

    def __init__(self, engine: str, backend: object | None = None, parent=None) -> None:
        super().__init__(f"engine:{engine}", parent)
        self.engine = engine
        self.backend = backend
        signal = getattr(backend, "changed", None)
        if signal is not None:
            signal.connect(self.changed)

    def title(self) -> str:
        return {PODMAN: self.tr("Podman"), DOCKER: self.tr("Docker")}.get(self.engine, self.engine)

    def icon(self) -> QIcon:
        return icons.icon("transfers")

    def state_text(self) -> str:
        if self.backend is None:
            return self.tr("not available yet")
        state = getattr(self.backend, "state_text", None)
        return state() if state is not None else ""

    def make_view(self, parent: QWidget) -> QWidget:
        if self.backend is not None:
            return self.backend.make_view(parent)
        label = QLabel(self.tr("Estiba cannot show %1's images yet.").replace("%1", self.title()), parent)
        label.setObjectName(f"{self.engine}Unavailable")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        return label

    def activated(self) -> None:
        hook = getattr(self.backend, "activated", None)
        if hook is not None:
            hook()

    def accepts_drops(self) -> bool:
        check = getattr(self.backend, "accepts_drops", None)
        return bool(check()) if check is not None else False

    def drop(self, paths: list[str]) -> None:
        if self.accepts_drops():
            self.backend.drop(paths)

    def accepts_images(self, dragged) -> bool:
        check = getattr(self.backend, "accepts_images", None)
        return dragged.place != self.engine and check is not None and bool(check(dragged))

    def drop_images(self, dragged) -> None:
        if self.accepts_images(dragged):
            self.backend.drop_images(dragged)
