"""What the places list shows for one place (Estiba's store, a registry, an engine), and the one interface the
list needs from each: a title, an icon, a state line, the view that fills the right-hand side, and whether
files can be dropped on it. A new kind of place (Podman, Docker) is one subclass of Place."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QWidget

STORE, REGISTRY, ENGINE = "store", "registry", "engine"


class Place(QObject):
    """One entry of the places list. `changed` tells the list to redraw the title, icon or state line."""

    changed = Signal()
    kind = ""

    def __init__(self, key: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.key = key  # unique in the list, e.g. "store", "registry:localhost:5000", "engine:podman"
        self._view: QWidget | None = None

    def title(self) -> str:
        raise NotImplementedError

    def icon(self) -> QIcon:
        return QIcon()

    def state_text(self) -> str:
        """A short second line under the title ("logged in as ann", "not available yet"); may be empty."""
        return ""

    def make_view(self, parent: QWidget) -> QWidget:
        """Build the right-hand view; called once, the first time the place is selected."""
        raise NotImplementedError

    def view(self, parent: QWidget) -> QWidget:
        if self._view is None:
            self._view = self.make_view(parent)
        return self._view

    def activated(self) -> None:
        """The place was selected (its view is now shown): a place may refresh itself here, on a worker."""

    def accepts_drops(self) -> bool:
        return False

    def drop(self, paths: list[str]) -> None:
        """Local files or folders dropped on the place (only called when accepts_drops())."""

    def accepts_images(self, dragged) -> bool:
        """Whether image rows dragged from another place (gui/models/image_drag.py DraggedImages) can be
        copied here."""
        return False

    def drop_images(self, dragged) -> None:
        """Image rows dropped on the place (only called when accepts_images(dragged)): copy them here."""

    def copy_destination(self, name: str) -> str | None:
        """Where an image named `name` (HOST/REPO:TAG) copied to this place goes, as a location an engine copy
        writes (e.g. `containers-storage:NAME`); None (the default) when the place takes no copies. A registry
        tag's "Copy to" menu lists the places that answer (copy_destination() below)."""
        return None


def copy_destination(place: object, name: str) -> str | None:
    """The place's own answer, else its backend's (an engine place's backend may offer copy_destination(name))."""
    for obj in (place, getattr(place, "backend", None)):
        hook = getattr(obj, "copy_destination", None)
        where = hook(name) if callable(hook) else None
        if where:
            return where
    return None
