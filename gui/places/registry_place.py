"""A registry as a place: one the user is logged into, or one used before (the settings' registry history).
Its view is a RegistryView: repositories, then a repository's tags, and the tag actions; pulls and
transfers it asks for go to the window (its pull and its Transfers panel)."""

from __future__ import annotations

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QWidget

from gui import icons
from gui.places.place import REGISTRY, Place


class RegistryPlace(Place):
    kind = REGISTRY

    def __init__(self, window, registry: str, user: str | None = None) -> None:
        super().__init__(f"registry:{registry}", window)
        self.window = window
        self.registry = registry
        self.user = user

    def title(self) -> str:
        return self.registry

    def icon(self) -> QIcon:
        return icons.icon("login" if self.user else "pull")

    def state_text(self) -> str:
        if self.user:
            return self.tr("logged in as %1").replace("%1", self.user)
        return self.tr("used before")

    def set_user(self, user: str | None) -> None:
        if user != self.user:
            self.user = user
            self.changed.emit()

    def make_view(self, parent: QWidget) -> QWidget:
        from gui.places.registry_view import RegistryView

        view = RegistryView(self.window.settings, parent, self.registry, store_root=self.window.store_root)
        view.setObjectName("registryPlaceView")
        view.pull_requested.connect(self.window.pull)
        view.transfer_requested.connect(self.window.submit)
        view.places_provider = self._places  # "Copy to" offers the window's other places
        return view

    def _places(self) -> list:
        panel = getattr(self.window, "places", None)
        return [p for p in panel.model.places() if p is not self] if panel is not None else []
